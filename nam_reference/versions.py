"""The version of the format that introduced each feature ([VER-5]).

A file is read by its keys whatever its version ([VER-4]); when it uses a feature newer than the
version it states, a validator warns, naming the feature as below. Features of 0.5.0 are not listed.
"""

from __future__ import annotations

FEATURE_VERSIONS: dict[str, tuple[int, int, int]] = {
    # 0.6.0
    "condition_dsp": (0, 6, 0),
    "FiLM": (0, 6, 0),
    "bottleneck": (0, 6, 0),
    "layer1x1": (0, 6, 0),
    "head1x1": (0, 6, 0),
    "groups_input": (0, 6, 0),
    "groups_input_mixin": (0, 6, 0),
    "gating_mode": (0, 6, 0),
    "secondary_activation": (0, 6, 0),
    "activation objects and per-layer activations": (0, 6, 0),
    # 0.7.0
    "slimmable": (0, 7, 0),
    "SlimmableContainer": (0, 7, 0),
    "Sequential": (0, 7, 0),
    "kernel_sizes": (0, 7, 0),
    "the layer-array head object": (0, 7, 0),
    "the post-stack head": (0, 7, 0),
}
