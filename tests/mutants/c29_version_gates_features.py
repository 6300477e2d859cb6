"""Features gated by the version: a file labelled older than the version that introduced one of its
keys (FiLM, gating_mode, bottleneck... in 0.6.0) is refused, though the keys alone say what it means.

Catalogue: 29 (version policy: the version decides features or routing)
Caught by: equivalent_forms
Run: test_forms.py -k "version_0.5.0 and wavenet.film.conv_pre"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters import Rejected  # noqa: E402
from nam_reference.features import features  # noqa: E402

SINCE_0_6 = ("wavenet.film.", "wavenet.gating.", "wavenet.bottleneck", "wavenet.condition_dsp", "wavenet.head1x1",
             "wavenet.groups_input", "wavenet.layer1x1", "wavenet.per_layer_activation")


class VersionGatesFeatures(Mutant):
    def rewrite(self, document):
        version = tuple(int(p) for p in document["version"].split("."))
        newer = sorted(t for t in features(document) if t.startswith(SINCE_0_6))
        if version < (0, 6, 0) and newer:
            raise Rejected(f"version {document['version']} predates {newer[0]}")
        return None


def create_adapter():
    return VersionGatesFeatures()
