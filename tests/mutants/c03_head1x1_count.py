"""The head1x1 weight count is derived as out_channels × channels instead of out_channels ×
bottleneck / groups: valid files with a grouped head1x1 (or B ≠ C) are refused as the wrong length.

Catalogue: 3 (head1x1 weight count mis-derived in a port)
Caught by: loading
Run: test_loading.py -k "test_valid_file_loads and wavenet.head1x1_groups"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402
from nam_reference import nested_models  # noqa: E402

from conformance.adapters import Rejected  # noqa: E402


class Head1x1Miscounted(Mutant):
    def rewrite(self, document):
        for model in nested_models(document):
            if model["architecture"] != "WaveNet":
                continue
            for array in model["config"]["layers"]:
                head1x1 = array.get("head1x1") or {}
                if not head1x1.get("active"):
                    continue
                out, groups = head1x1["out_channels"], head1x1.get("groups", 1)
                channels, bottleneck = array["channels"], array.get("bottleneck", array["channels"])
                if out * channels != out * (bottleneck // groups):
                    raise Rejected("weight count mismatch: the blob does not match the config")
        return None


def create_adapter():
    return Head1x1Miscounted()
