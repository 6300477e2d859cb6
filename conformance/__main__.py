"""`nam-conformance --impl=ADAPTER [pytest options]` (or `python -m conformance ...`): the installed suite.

It runs pytest on the installed `conformance` package, exactly as `pytest conformance` from a checkout
(test ids read `conformance/test_x.py::...`, the ones expectation files name), and leaves the
installation as it found it: no .pytest_cache, no bytecode, and no configuration file of the
surrounding project (an engine's own pytest settings) applies.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    import pytest

    suite = Path(__file__).resolve().parent
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # pytest-xdist's workers are other processes
    sys.dont_write_bytecode = True
    args = [str(suite), "--rootdir", str(suite.parent), "-c", os.devnull, "-p", "no:cacheprovider",
            # this command imported the package before pytest could mark it for assertion rewriting
            "-W", "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning"]
    return int(pytest.main(args + list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    sys.exit(main())
