"""Check that a fresh conformance report has the verdict and the matrix of a committed one.

    python docs/reports/check_report.py FRESH.md docs/reports/trainer.md

Reports are the Markdown of `pytest conformance --report-md`. Dates, platforms and timings differ
from run to run and are ignored; the verdict line and the matrix must be identical. Exit status 0
when they are, 1 (with a diff) when they are not.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def essentials(text: str) -> list[str]:
    """The verdict line and the lines of the Matrix section."""
    verdict = [line for line in text.splitlines() if line.startswith("VERDICT:")]
    matrix = text.partition("\n## Matrix\n")[2].partition("\n## ")[0]
    return verdict + matrix.strip().splitlines()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    fresh, committed = (essentials(Path(p).read_text(encoding="utf-8")) for p in argv)
    if fresh and fresh == committed:
        print(f"{argv[1]}: the fresh run has the same verdict and matrix")
        return 0
    sys.stdout.writelines(difflib.unified_diff([line + "\n" for line in committed], [line + "\n" for line in fresh],
                                               argv[1], argv[0]))
    print(f"{argv[1]} is out of date: copy {argv[0]} over it if the change is expected", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
