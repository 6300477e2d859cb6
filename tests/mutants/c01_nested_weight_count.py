"""The root model's weight count is checked, a nested model's (a container's submodel, a
condition_dsp) is not: a nested blob of the wrong length is cut or zero-padded and runs.

Catalogue: 1 (the count must be checked for every nested submodel too)
Caught by: weight_count
Run: test_weight_count.py -k "test_wrong_weight_count_rejected and hand.container.default"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, blob_counts, resized  # noqa: E402


class NestedCountUnchecked(Mutant):
    def accept(self, report, document):
        counts = blob_counts(report)
        if counts is None or "" in counts:
            return None
        for pointer, count in counts.items():
            resized(document, pointer, count)
        return document


def create_adapter():
    return NestedCountUnchecked()
