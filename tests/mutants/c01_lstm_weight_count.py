"""An LSTM blob of the wrong length loads: the count is only asserted, so a release build reads past
the end of a short blob (zeros here) and ignores the rest of a long one.

Catalogue: 1 (LSTM weight count only asserted, not checked)
Caught by: weight_count
Run: test_weight_count.py -k "test_wrong_weight_count_rejected and hand.lstm"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, at_pointer, blob_counts, resized  # noqa: E402


class LSTMCountAsserted(Mutant):
    def accept(self, report, document):
        counts = blob_counts(report)
        if counts is None or any(at_pointer(document, p)["architecture"] != "LSTM" for p in counts):
            return None
        for pointer, count in counts.items():
            resized(document, pointer, count)
        return document


def create_adapter():
    return LSTMCountAsserted()
