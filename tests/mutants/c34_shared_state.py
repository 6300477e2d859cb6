"""Loader state kept in a static: every instance of the same file shares one stream, so two
instances processed in turn feed each other's history.

Catalogue: 34 (cross-instance interference)
Caught by: independence
Run: test_state.py -k "test_instances_are_independent and hand.wavenet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

STREAMS = {}  # file path -> the one stream every instance of it uses


class SharedState(Mutant):
    def load(self, path):
        loaded = super().load(path)
        shared = STREAMS.setdefault(os.path.realpath(path), loaded.stream)
        shared.reset()  # loading (re)initialises the static state
        loaded.stream = shared
        return loaded


def create_adapter():
    return SharedState()
