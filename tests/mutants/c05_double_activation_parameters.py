"""Activation parameters read as doubles: a slope or bound finite as a double but infinite in binary32
(a PReLU slope of -1e308) is accepted and saturated to the largest binary32 value instead of refused.

Catalogue: 5 (numeric types in JSON: the binary32 range of activation parameters, [ACT-7])
Caught by: rejection
Run: test_loading.py -k "test_invalid_file_rejected and activation.binary32_overflow"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, at_pointer  # noqa: E402

FLT_MAX = 3.4028234663852886e38


class DoubleParameters(Mutant):
    def accept(self, report, document):
        if document is None or not report.errors or any(p.clause != "ACT-7" for p in report.errors):
            return None
        for problem in report.errors:
            parent, key = problem.path.rsplit("/", 1)
            holder = at_pointer(document, parent)
            index = int(key) if isinstance(holder, list) else key
            holder[index] = FLT_MAX if holder[index] > 0 else -FLT_MAX
        return document


def create_adapter():
    return DoubleParameters()
