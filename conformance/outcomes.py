"""The outcomes a check ends with, as types: the reports count them from these, never from the words
of a skip reason.

A check ends passed, failed, with an implementation error (a crash, a hang, garbage), with a
warning, as an expected failure (listed in the expectations), not supported (the implementation
does not claim a feature the case uses), not applicable (the adapter mode cannot take part), or
blocked: a problem already recorded for the case's own file (a refused valid file, a crash while
loading it) stops it before it runs, and the report counts it under that problem; or dead: not run
because the implementation died earlier in the run.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

PASS, FAIL, ERROR, WARNING = "PASS", "FAIL", "ERROR", "WARNING"
NOT_SUPPORTED, NOT_APPLICABLE, BLOCKED = "NOT SUPPORTED", "NOT APPLICABLE", "BLOCKED"
SKIP, XFAIL, XPASS = "SKIP", "XFAIL", "XPASS"
DEAD = "DEAD"  # not run: the implementation timed out or crashed three times in a row (adapters.DeadImplementation)
RAN = (PASS, WARNING, FAIL, ERROR, XFAIL, XPASS)  # the statuses of a check that ran to its end


class TypedSkip(pytest.skip.Exception):
    """A skip whose type, not its message, says which outcome it is."""

    status = SKIP

    def __init__(self, reason: str):
        super().__init__(f"{self.status}: {reason}")
        self.reason = reason


class NotSupportedSkip(TypedSkip):
    status = NOT_SUPPORTED

    def __init__(self, missing, reason: str | None = None):
        super().__init__(reason or ", ".join(missing))
        self.missing = sorted(missing)


class NotApplicableSkip(TypedSkip):
    status = NOT_APPLICABLE


class BlockedSkip(TypedSkip):
    status = BLOCKED


def not_supported(missing, reason: str | None = None) -> NoReturn:
    raise NotSupportedSkip(missing, reason)


def not_applicable(reason: str) -> NoReturn:
    raise NotApplicableSkip(reason)


class LoadFailed(pytest.fail.Exception):
    """A valid file the implementation claims to support did not load: refused ([GEN-3]), or the
    implementation crashed or hung while loading it (`crash`). `cause` is recorded for the reports."""

    def __init__(self, message: str, cause: dict):
        super().__init__(message, pytrace=False)
        self.cause = cause
