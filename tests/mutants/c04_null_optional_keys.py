"""`null` for an optional key is not read as absent: `head: null` or `condition_dsp: null` makes the
loader give up on a valid file (Core crashed on these until fixed).

Catalogue: 4 (key renames and optional keys: null must mean absent)
Caught by: loading
Run: test_loading.py test_forms.py -k "hand.wavenet and (valid_file_loads or explicit_defaults)"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402
from nam_reference import nested_models  # noqa: E402

from conformance.adapters import Rejected  # noqa: E402


class NullIsNotAbsent(Mutant):
    def rewrite(self, document):
        for model in nested_models(document):
            config = model["config"]
            for key in ("head", "condition_dsp"):
                if key in config and config[key] is None:
                    raise Rejected(f"config.{key}: expected an object, got null")
        return None


def create_adapter():
    return NullIsNotAbsent()
