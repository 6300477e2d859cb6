"""The engine answers `process` with a stale id (it replies from a queue it did not drain).

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, reply_line, serve  # noqa: E402


def stale(request, reply):
    if request.get("cmd") == "process":
        return json.dumps({**reply, "id": request["id"] - 1})
    return reply_line(request, reply)


if __name__ == "__main__":
    serve(Server(), stale)
