"""The engine crashes (a segmentation fault, here an abort) in the middle of processing audio.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class Crashing(Server):
    def cmd_process(self, request):
        os.abort()


if __name__ == "__main__":
    serve(Crashing())
