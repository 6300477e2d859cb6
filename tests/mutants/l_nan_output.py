"""The engine returns NaN for finite input (an uninitialised buffer, a 0/0).

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class NotANumber(Server):
    def cmd_process(self, request):
        reply = super().cmd_process(request)
        output = np.fromfile(request["output"], dtype="<f4")
        output[len(output) // 2] = np.nan
        output.tofile(request["output"])
        return reply


if __name__ == "__main__":
    serve(NotANumber())
