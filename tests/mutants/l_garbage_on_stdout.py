"""The engine prints a progress line on standard output, where the protocol's replies go.

Catalogue: L (adapter errors are failures of the check, never skips)
Caught by: agreement
Status: ERROR
Run: test_agreement.py -k "test_agreement and hand.linear"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, reply_line, serve  # noqa: E402


def chatty(request, reply):
    if request.get("cmd") == "process":
        return f"processing {request['frames']} frames... done"
    return reply_line(request, reply)


if __name__ == "__main__":
    serve(Server(), chatty)
