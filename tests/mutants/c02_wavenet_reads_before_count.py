"""A WaveNet reads its weights before comparing the count: a truncated blob still produces audio
(the missing weights read as zeros) and extra weights are ignored.

Catalogue: 2 (Core WaveNet reads weights before checking the count)
Caught by: weight_count
Run: test_weight_count.py -k "test_wrong_weight_count_rejected and hand.wavenet_gated"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, at_pointer, blob_counts, resized  # noqa: E402


class WaveNetReadsFirst(Mutant):
    def accept(self, report, document):
        counts = blob_counts(report)
        if counts is None or any(at_pointer(document, p)["architecture"] != "WaveNet" for p in counts):
            return None
        for pointer, count in counts.items():
            resized(document, pointer, count)
        return document


def create_adapter():
    return WaveNetReadsFirst()
