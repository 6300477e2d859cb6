"""A JSON-lines engine that answers `hello` and `load`, then hangs in every `process` call (a deadlock
in its audio path), and leaves a child holding its stdout open."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "mutants"))
from _jsonl import Server, serve  # noqa: E402
from _pids import note_pid  # noqa: E402


class Hanging(Server):
    def cmd_process(self, request):
        while True:
            time.sleep(60)


if __name__ == "__main__":
    note_pid()
    note_pid(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]).pid)  # inherits stdout
    serve(Hanging())
