"""The engine deadlocks while processing: no reply ever comes.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear" --call-timeout 3
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class Hanging(Server):
    def cmd_process(self, request):
        while True:
            time.sleep(60)


if __name__ == "__main__":
    serve(Hanging())
