"""A file that is not valid JSON crashes the engine (an abort in its parser) instead of being
refused: the host dies with it.

Catalogue: 6 (empty or malformed files crash the host)
Caught by: rejection
Status: ERROR
Run: test_loading.py -k "test_invalid_file_rejected and (json.syntax.empty or json.syntax.trailing_comma)"
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _jsonl import Server, serve  # noqa: E402


class CrashingParser(Server):
    def cmd_load(self, request):
        with open(request["path"], "rb") as f:
            data = f.read()
        try:
            json.loads(data)
        except ValueError:
            os.abort()
        return super().cmd_load(request)


if __name__ == "__main__":
    serve(CrashingParser())
