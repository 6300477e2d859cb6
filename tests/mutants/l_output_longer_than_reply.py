"""The engine writes 3 bytes more than the frames it reports (a stray trailer after the samples).

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class Trailer(Server):
    def cmd_process(self, request):
        reply = super().cmd_process(request)
        with open(request["output"], "ab") as output:
            output.write(b"END")
        return reply


if __name__ == "__main__":
    serve(Trailer())
