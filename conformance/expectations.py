"""Known failures of an implementation, by stable test id (spec/adapter-protocol.md section 5).

A file is given by path or, for the profiles shipped in conformance/expectations/, by name
(`--expectations namcore-0.5`). A file may `extends = ["name", ...]` other profiles: their entries
come first. An entry with `explained_by = ["DIV-4", ...]` expects only failures whose output matches
one of those dialects ([DIALECT-4]); any other failure of the same test is still reported.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

from nam_reference import resources
from nam_reference.readings import DIALECTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

STATUSES = ("fail", "skip")


@dataclasses.dataclass
class Expectation:
    id: str
    status: str
    reason: str
    matched: int = 0
    explained_by: tuple = ()  # DIV clauses: only failures explained by them are expected

    def matches(self, test_id: str) -> bool:
        """`*` and `?` are the only wildcards: test ids contain brackets, which fnmatch would read as sets."""
        pattern = re.escape(self.id).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(pattern, test_id) is not None

    def explains(self, clauses) -> bool:
        return bool(clauses) and set(clauses) <= set(self.explained_by)


def profiles() -> list[str]:
    """The names of the shipped profiles."""
    return sorted(p.stem for p in resources.expectations_dir().glob("*.toml"))


def locate(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = resources.expectations_dir() / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise ValueError(f"{name_or_path}: no such expectations file, and not a shipped profile "
                     f"({', '.join(profiles())})")


def load(name_or_path: str, _seen: tuple = ()) -> list[Expectation]:
    path = locate(name_or_path)
    if path.resolve() in _seen:
        raise ValueError(f"{path}: extends itself")
    with open(path, "rb") as f:
        data = tomllib.load(f)
    entries = []
    parents = data.get("extends", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        entries += load(parent, _seen + (path.resolve(),))
    for i, entry in enumerate(data.get("expect", [])):
        if not isinstance(entry, dict) or "id" not in entry:
            raise ValueError(f"{path}: [[expect]] entry {i + 1} has no id")
        status = entry.get("status", "fail")
        if status not in STATUSES:
            raise ValueError(f"{path}: entry {entry['id']!r}: status must be one of {STATUSES}, not {status!r}")
        if not entry.get("reason"):
            raise ValueError(f"{path}: entry {entry['id']!r} needs a reason")
        explained = entry.get("explained_by", [])
        explained = (explained,) if isinstance(explained, str) else tuple(explained)
        if explained and status != "fail":
            raise ValueError(f"{path}: entry {entry['id']!r}: explained_by expects failures; its status must be fail")
        unknown = [c for c in explained if c not in DIALECTS]
        if unknown:
            raise ValueError(f"{path}: entry {entry['id']!r}: explained_by names no dialect: {unknown} "
                             f"(the dialects are {', '.join(DIALECTS)})")
        entries.append(Expectation(entry["id"], status, entry["reason"], explained_by=explained))
    return entries


def normalise_id(nodeid: str) -> str:
    """Test ids are reported from the conformance folder on (`conformance/test_x.py::...`), whatever the
    rootdir; `pytest --pyargs conformance` names them from inside it (`test_x.py::...`)."""
    marker = "conformance/"
    if marker in nodeid:
        return nodeid[nodeid.index(marker):]
    return marker + nodeid if nodeid.startswith("test_") else nodeid
