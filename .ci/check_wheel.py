"""Checks of the wheel step of .ci/run (.ci/wheel).

    python .ci/check_wheel.py contents WHEEL         # every tracked data file ships, at its place
    python .ci/check_wheel.py report REPORT.json     # the run was CONFORMANT and ran every kind of case

Exit status 0 when the check holds, 1 (saying what is wrong) when it does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each source folder's files go in the wheel (setup.py and pyproject.toml's package data).
SHIPPED = {"spec": "nam_reference/_data/spec", "fixtures": "nam_reference/_data/fixtures",
           "conformance/expectations": "conformance/expectations", "conformance/adapters": "conformance/adapters"}
REQUIRED = ["nam_reference/_data/spec/nam.schema.json", "nam_reference/_data/spec/features.txt",
            "nam_reference/_data/spec/nam-format.md", "nam_reference/_data/spec/adapter-protocol.md",
            "nam_reference/_data/fixtures/MANIFEST.json", "nam_reference/_data/fixtures/invalid/INDEX.json"]


def contents(wheel: str) -> list[str]:
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", *SHIPPED], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    expected = [SHIPPED[folder] + name[len(folder):] for name in tracked
                for folder in SHIPPED if name.startswith(folder + "/")]
    missing = sorted(set(REQUIRED + expected) - names)
    if not missing:
        cases = sum(1 for n in names if n.startswith("nam_reference/_data/fixtures/cases/") and n.endswith("/case.json"))
        invalid = sum(1 for n in names if n.startswith("nam_reference/_data/fixtures/invalid/") and n.endswith(".nam"))
        print(f"{Path(wheel).name}: {len(names)} files; the {len(expected)} tracked files of "
              f"{', '.join(SHIPPED)} ship ({cases} fixture cases, {invalid} invalid files)")
    return [f"not in the wheel: {name}" for name in missing]


def report(path: str) -> list[str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    results = data["results"]
    manifest = {c["id"] for c in json.loads((ROOT / "fixtures" / "MANIFEST.json").read_text())["cases"]}
    kinds = {
        "fixture cases": [r for r in results if r.get("case") in manifest],
        "generated cases": [r for r in results if "/test_generated.py::" in r["id"]],
        "invalid corpus": [r for r in results if "::test_invalid_file_rejected[" in r["id"]],
    }
    print(f"{data['verdict']}; " + ", ".join(f"{len(runs)} checks on {kind}" for kind, runs in kinds.items()))
    problems = [f"no checks ran on {kind}" for kind, runs in kinds.items() if not runs]
    if not data["verdict"].startswith("VERDICT: CONFORMANT"):
        problems.append(f"the reference is not conformant: {data['verdict']}")
    return problems


def main(argv: list[str]) -> int:
    checks = {"contents": contents, "report": report}
    if len(argv) != 2 or argv[0] not in checks:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = checks[argv[0]](argv[1])
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
