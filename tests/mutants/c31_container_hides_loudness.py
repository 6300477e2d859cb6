"""A container reports only its own metadata: without a container-level loudness it reports none,
though its last submodel stores one.

Catalogue: 31 (containers hide metadata)
Caught by: reported_facts
Run: test_metadata.py -k "test_reported_container_loudness and hand.container.default"
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _mutant import Mutant  # noqa: E402

from conformance.adapters.reference import ReferenceModel  # noqa: E402


class OwnMetadataOnly(ReferenceModel):
    def info(self):
        return {**super().info(), "loudness": self.model.metadata.get("loudness")}


class ContainerHidesLoudness(Mutant):
    model_class = OwnMetadataOnly


def create_adapter():
    return ContainerHidesLoudness()
