"""Which function drafts each architecture.

A builder of an architecture that holds other models (a WaveNet's condition_dsp, a container's
submodels, a Sequential's chain) is handed `build` to draft them, so that no builder imports this table.
"""

from __future__ import annotations

from . import container, models, sequential, wavenet
from .models import Draft, Slot
from .plan import Plan
from .source import Source

LEAF_BUILDERS = {"Linear": models.linear, "ConvNet": models.convnet, "LSTM": models.lstm}
NESTING_BUILDERS = {"WaveNet": wavenet.build, "SlimmableContainer": container.build, "Sequential": sequential.build}


def build(src: Source, plan: Plan, slot: Slot) -> Draft:
    """A draft of `plan` in `slot`."""
    if plan.architecture in LEAF_BUILDERS:
        return LEAF_BUILDERS[plan.architecture](src, plan, slot)
    return NESTING_BUILDERS[plan.architecture](src, plan, slot, build)
