"""Validation problems: errors and warnings as values, each tied to a spec clause."""

from __future__ import annotations

import dataclasses
from typing import Iterable

ERROR = "error"
WARNING = "warning"

# Error classes of the spec's Appendix A.
ERROR_CLASSES = ("json", "non_finite", "schema", "version", "consistency", "weight_count", "limit")

# Problems in these places are SHOULD-level rejections (spec [GEN-5]); every other error is MUST-level.
_SHOULD_LEVEL_CLAUSES = {"JSON-4", "WN-3"}


def pointer(parts: Iterable) -> str:
    """An RFC 6901 JSON pointer for a sequence of keys and indices ("" is the root)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def join(base: str, *parts) -> str:
    return base + pointer(parts)


@dataclasses.dataclass(frozen=True)
class Problem:
    """One finding about one file.

    `path` is a JSON pointer into the file ("" for the file as a whole), `clause` a clause id of
    spec/nam-format.md, `error_class` one of ERROR_CLASSES (errors only).
    """

    file: str
    path: str
    clause: str
    severity: str
    message: str
    error_class: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def reject_level(self) -> str | None:
        """"MUST" or "SHOULD" for errors: how firmly a reader has to reject the file ([GEN-5])."""
        if not self.is_error:
            return None
        if self.clause in _SHOULD_LEVEL_CLAUSES or self.clause.startswith("META-"):
            return "SHOULD"
        informational = "/metadata" in self.path or self.path.endswith("/config/head_scale")
        if informational and self.error_class in ("schema", "non_finite"):
            return "SHOULD"
        return "MUST"

    def line(self) -> str:
        kind = f"{self.severity} [{self.clause}]"
        if self.error_class:
            kind += f" ({self.error_class})"
        return f"{self.file}: {self.path or '/'}: {kind}: {self.message}"

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "clause": self.clause,
            "severity": self.severity,
            "error_class": self.error_class,
            "reject_level": self.reject_level,
            "message": self.message,
        }


class Report:
    """Collects the problems found in one file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def error(self, path: str, clause: str, message: str, error_class: str) -> None:
        assert error_class in ERROR_CLASSES, error_class
        self.problems.append(Problem(self.file, path, clause, ERROR, message, error_class))

    def warn(self, path: str, clause: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, clause, WARNING, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def has_errors_under(self, path: str) -> bool:
        return any(p.is_error and (p.path == path or p.path.startswith(path + "/")) for p in self.problems)

    def as_json(self) -> dict:
        return {"file": self.file, "valid": self.ok, "problems": [p.as_json() for p in self.problems]}


class InvalidModelError(Exception):
    """Raised by `load` for an invalid file; `report` holds every problem found."""

    def __init__(self, report: Report):
        self.report = report
        errors = report.errors
        first = errors[0].line() if errors else f"{report.file}: invalid"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


class NonFiniteOutputError(ArithmeticError):
    """Raised by `process` when finite input gives a NaN or infinite output sample ([NUM-10]).

    The file is valid; its computation overflows binary32 for this input, where the spec defines no
    output. The stream's state is then undefined: reset it before processing more.
    """

    clause = "NUM-10"

    def __init__(self, channel: int, sample: int):
        self.channel, self.sample = channel, sample
        super().__init__(f"[NUM-10] the output of channel {channel} at sample {sample} is not finite for finite "
                         "input: the computation overflows binary32")
