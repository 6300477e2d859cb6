"""An integer-only guard on config keys: `3.0` for a kernel size or a channel count is refused,
though it is the integer 3.

Catalogue: 5 (numeric types in JSON: 3 and 3.0 are the same number)
Caught by: equivalent_forms
Run: test_forms.py -k "integral_floats and hand.wavenet"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters import Rejected  # noqa: E402
from conformance.forms import INTEGER_KEYS  # noqa: E402


def _floats(value) -> bool:
    if isinstance(value, dict):
        return any((key in INTEGER_KEYS and any(isinstance(v, float) for v in (item if isinstance(item, list)
                                                                               else [item])))
                   or (key not in ("weights", "metadata") and _floats(item)) for key, item in value.items())
    return isinstance(value, list) and any(_floats(item) for item in value)


class IntegersOnly(Mutant):
    def rewrite(self, document):
        if _floats(document["config"]):
            raise Rejected("an integer key holds a floating-point number")
        return None


def create_adapter():
    return IntegersOnly()
