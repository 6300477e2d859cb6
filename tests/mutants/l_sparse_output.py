"""The engine reports success with a 64 GiB output file (a sparse file: a length written where an
offset was meant); the suite must refuse it by its size, not try to read it.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class Sparse(Server):
    def cmd_process(self, request):
        reply = super().cmd_process(request)
        with open(request["output"], "r+b") as output:
            output.truncate(64 << 30)
        return reply


if __name__ == "__main__":
    serve(Sparse())
