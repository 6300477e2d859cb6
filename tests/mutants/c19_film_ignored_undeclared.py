"""FiLM is declared unsupported, yet files using it load and run with every FiLM left out: the
silent failure that failing closed exists for.

Catalogue: 19 (unsupported field silently ignored instead of refused)
Caught by: fail_closed
Run: test_loading.py -k "test_unsupported_feature_fails_closed and wavenet.film.conv_pre"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402

from nam_reference.features import registry  # noqa: E402


class FiLMIgnored(Mutant):
    declared = {"unsupported_features": sorted(t for t in registry() if t.startswith("wavenet.film."))}

    def mutate(self, network):
        for layer in wavenet_layers(network):
            layer.films = {}


def create_adapter():
    return FiLMIgnored()
