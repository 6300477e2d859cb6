"""An engine that implements only the Linear architecture and says so in its capabilities. Not a
mutant: it computes what it claims correctly, so it passes every check it takes part in; the suite
must still not call it plainly CONFORMANT, only conformant for what it covers
(tests/test_conformance_selftest.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402


class OnlyLinear(Mutant):
    declared = {"features": ["arch.linear", "linear.bias", "env.metadata_absent", "env.sample_rate_absent",
                             "env.sample_rate_other"]}


def create_adapter():
    return OnlyLinear()
