"""The engine drops the last frame of every block (an off-by-one in its output loop).

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


class OneShort(Server):
    def cmd_process(self, request):
        reply = super().cmd_process(request)
        channels = self.models[request["handle"]][0].out_channels
        np.fromfile(request["output"], dtype="<f4")[:-channels].tofile(request["output"])
        return reply


if __name__ == "__main__":
    serve(OneShort())
