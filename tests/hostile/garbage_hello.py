"""Answers every request, `hello` first, with a line that is not JSON."""

import sys

for line in sys.stdin:
    print("hello there, I am an engine", flush=True)
