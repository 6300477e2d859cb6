"""`layer1x1_post_film` is applied only in blended layers (Core 0.5.5), though its weights are read
for every layer.

Catalogue: 20 (FiLM and gating detail bugs: layer1x1_post_film only in blended layers)
Caught by: agreement
Run: test_agreement.py -k "test_agreement and wavenet.film.layer1x1_post"
Explained: DIV-5
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant, wavenet_layers  # noqa: E402


class PostFiLMBlendedOnly(Mutant):
    def mutate(self, network):
        for layer in wavenet_layers(network):
            if layer.gating != "blended":
                layer.films.pop("layer1x1_post", None)


def create_adapter():
    return PostFiLMBlendedOnly()
