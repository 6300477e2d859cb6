"""python -m generators emit --seed S --count N OUT/   |   python -m generators fixtures [OUT]   |   python -m generators coverage"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generators", description="Write generated .nam cases.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("emit", help="write N reproducible cases in the fixture layout and print their coverage")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("out", type=Path, metavar="OUT", help="output folder (for example generated/)")
    p = sub.add_parser("fixtures", help="rebuild fixtures/cases/ and fixtures/MANIFEST.json")
    p.add_argument("out", type=Path, nargs="?", metavar="OUT", help="the fixtures folder (default: the checkout's)")
    sub.add_parser("coverage", help="print the table of value domains by clause (docs/coverage.md)")
    args = parser.parse_args(argv)

    if args.command == "emit":
        from .emit import coverage_table, emit

        if args.count < 0:
            parser.error("--count must be >= 0")
        print(coverage_table(emit(args.seed, args.count, args.out)))
    elif args.command == "coverage":
        from .domains import coverage_table

        print(coverage_table())
    else:
        from nam_reference import resources

        from .fixtures import build

        out = args.out or resources.fixtures_dir()
        entries = build(out)
        print(f"{len(entries)} cases written to {out / 'cases'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
