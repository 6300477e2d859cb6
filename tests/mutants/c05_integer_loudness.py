"""A float-only guard on `metadata.loudness`: a loudness written as an integer (`-18`) is reported
as absent.

Catalogue: 5 (numeric types in JSON: integer loudness ignored)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_loudness_forms and hand.linear and integer"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402


class IntegerLoudnessIgnored(Mutant):
    def rewrite(self, document):
        metadata = document.get("metadata") or {}
        if isinstance(metadata.get("loudness"), int):
            del metadata["loudness"]
            return document
        return None


def create_adapter():
    return IntegerLoudnessIgnored()
