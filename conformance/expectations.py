"""Known failures of an implementation, by stable test id (spec/adapter-protocol.md section 5)."""

from __future__ import annotations

import dataclasses
import re
import sys

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

    def matches(self, test_id: str) -> bool:
        """`*` and `?` are the only wildcards: test ids contain brackets, which fnmatch would read as sets."""
        pattern = re.escape(self.id).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(pattern, test_id) is not None


def load(path: str) -> list[Expectation]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    entries = []
    for i, entry in enumerate(data.get("expect", [])):
        if not isinstance(entry, dict) or "id" not in entry:
            raise ValueError(f"{path}: [[expect]] entry {i + 1} has no id")
        status = entry.get("status", "fail")
        if status not in STATUSES:
            raise ValueError(f"{path}: entry {entry['id']!r}: status must be one of {STATUSES}, not {status!r}")
        if not entry.get("reason"):
            raise ValueError(f"{path}: entry {entry['id']!r} needs a reason")
        entries.append(Expectation(entry["id"], status, entry["reason"]))
    return entries


def normalise_id(nodeid: str) -> str:
    """Test ids are reported relative to the conformance folder, whatever the rootdir."""
    marker = "conformance/"
    return nodeid[nodeid.index(marker):] if marker in nodeid else nodeid
