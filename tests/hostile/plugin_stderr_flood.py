"""A correct Python plugin that prints 50 MB without a newline, to stdout and to stderr, whenever it
loads a model (a debug dump)."""

import sys

from conformance.adapters.reference import ReferenceAdapter

FLOOD = "x" * (50 << 20)


class Adapter(ReferenceAdapter):
    name = "flooding plugin"

    def load(self, path):
        print(FLOOD, end="", flush=True)
        print(FLOOD, end="", file=sys.stderr, flush=True)
        return super().load(path)


def create_adapter():
    return Adapter()
