"""A correct JSON-lines engine that writes 50 MB to stderr without a newline before every reply to
`load` (a debug dump), blocking until the suite reads it."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "mutants"))
from _jsonl import Server, serve  # noqa: E402

FLOOD = b"x" * (50 << 20)


class Flooding(Server):
    def cmd_load(self, request):
        sys.stderr.buffer.write(FLOOD)
        sys.stderr.buffer.flush()
        return super().cmd_load(request)


if __name__ == "__main__":
    serve(Flooding())
