"""The valid base models of the invalid corpus, and the edits that turn them into invalid files.

Every file of fixtures/invalid/ is one of these small models (weights drawn from a fixed seed) with one
defect. The weight counts are computed here from the spec's formulas, independently of the reference
interpreter, and `check_hand_counts` checks them against counts worked out by hand.
"""

from __future__ import annotations

import copy
import random

# ---------------------------------------------------------------------------------------------
# Weight counts, from sections 9 to 14 of the spec.


class CountUndefined(Exception):
    """The config does not define a count (a width that a group count does not divide)."""


def _div(a: int, b: int) -> int:
    if a % b:
        raise CountUndefined
    return a // b


def linear_count(c) -> int:  # [LIN-4]
    return c["receptive_field"] + (1 if c["bias"] else 0)


def convnet_count(c) -> int:  # [CNN-3]
    ch, g = c["channels"], c.get("groups", 1)
    inputs = [c.get("in_channels", 1)] + [ch] * (len(c["dilations"]) - 1)
    per_block = 4 * ch + 1 if c["batchnorm"] else ch
    out = c.get("out_channels", 1)
    return sum(2 * ch * _div(cin, g) + per_block for cin in inputs) + out * ch + out


def lstm_count(c) -> int:  # [LSTM-3]
    h, o = c["hidden_size"], c.get("out_channels", 1)
    inputs = [c["input_size"]] + [h] * (c["num_layers"] - 1)
    return sum(4 * h * (i + h) + 4 * h + 2 * h for i in inputs) + o * h + o


FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post", "activation_pre",
              "activation_post", "layer1x1_post", "head1x1_post")


def _gating_modes(arr, n: int) -> list[str]:  # [WN-ARR-5], [WN-ARR-6]
    mode = arr.get("gating_mode")
    if mode is None:
        return ["gated" if arr.get("gated") else "none"] * n
    return list(mode) if isinstance(mode, list) else [mode] * n


def _head_form(arr) -> tuple[int, int, bool]:  # (Hs, Kh, hb), [WN-ARR-13]
    head = arr.get("head")
    if head is not None:
        return head["out_channels"], head["kernel_size"], head["bias"]
    return arr["head_size"], 1, arr["head_bias"]


def wavenet_count(c) -> int:  # [WN-W-2]
    total = 1
    for arr in c["layers"]:
        I, S, C = arr["input_size"], arr["condition_size"], arr["channels"]
        B = arr.get("bottleneck", C)
        n = len(arr["dilations"])
        kernels = arr["kernel_sizes"] if "kernel_sizes" in arr else [arr["kernel_size"]] * n
        l1 = arr.get("layer1x1", {"active": True, "groups": 1})
        h1 = arr.get("head1x1", {"active": False})
        H1 = h1["out_channels"] if h1["active"] else 0
        gi, gm = arr.get("groups_input", 1), arr.get("groups_input_mixin", 1)
        total += I * C
        for k, mode in zip(kernels, _gating_modes(arr, n)):
            Z = (1 if mode == "none" else 2) * B
            total += k * Z * _div(C, gi) + Z + _div(S, gm) * Z
            if l1["active"]:
                total += _div(B, l1["groups"]) * C + C
            if h1["active"]:
                total += _div(B, h1["groups"]) * H1 + H1
            widths = {"conv_pre": C, "conv_post": Z, "input_mixin_pre": S, "input_mixin_post": Z,
                      "activation_pre": Z, "activation_post": B, "layer1x1_post": C, "head1x1_post": H1}
            for slot in FILM_SLOTS:
                film = arr.get(slot + "_film", False)
                if isinstance(film, dict) and film.get("active", True):
                    rows = (2 if film.get("shift", True) else 1) * widths[slot]
                    total += rows * _div(S, film.get("groups", 1)) + rows
        hs, kh, hb = _head_form(arr)
        dh = H1 if h1["active"] else B
        total += kh * dh * hs + (hs if hb else 0)
    post = c.get("head")
    if post is not None:  # [WN-HEAD-2]
        c_in = _head_form(c["layers"][-1])[0]
        ks = post["kernel_sizes"]
        for i, k in enumerate(ks):
            c_out = post["out_channels"] if i == len(ks) - 1 else post["channels"]
            total += k * c_in * c_out + c_out
            c_in = post["channels"]
    return total


COUNTS = {"Linear": linear_count, "ConvNet": convnet_count, "LSTM": lstm_count, "WaveNet": wavenet_count,
          "SlimmableContainer": lambda c: 0, "Sequential": lambda c: 0}


def blob(n: int, seed: int, low: float = -1.0, high: float = 1.0) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.uniform(low, high), 1) for _ in range(n)]


def refit(model: dict, seed: int = 1) -> dict:
    """Give `model` and its nested models blobs of the length their configs need (in place).

    Batch-norm ConvNets get positive weights, so that every var + eps is > 0 ([CNN-4]); a WaveNet's
    last weight is its config.head_scale ([WN-3]). A model whose count is undefined keeps its blob.
    """
    config = model["config"]
    for sub in config.get("submodels", []):
        refit(sub["model"], seed)
    if isinstance(config.get("condition_dsp"), dict):
        refit(config["condition_dsp"], seed)
    if model["architecture"] == "Sequential":
        for child in config.get("models", []):
            if isinstance(child, dict) and "architecture" in child:
                refit(child, seed)
    try:
        n = COUNTS[model["architecture"]](config)
    except (CountUndefined, KeyError, TypeError):
        return model
    if model["architecture"] == "ConvNet" and config["batchnorm"]:
        model["weights"] = blob(n, seed, 0.1, 1.0)
    else:
        model["weights"] = blob(n, seed)
    if model["architecture"] == "WaveNet":
        model["weights"][-1] = config["head_scale"]
    return model


# ---------------------------------------------------------------------------------------------
# Valid base models. HAND_COUNTS are worked out by hand from the count formulas; check_hand_counts()
# checks the code above against them.


def make_model(version, architecture, config, sample_rate=None, metadata=None) -> dict:
    doc = {"version": version}
    if metadata is not None:
        doc["metadata"] = metadata
    doc["architecture"] = architecture
    doc["config"] = config
    if sample_rate is not None:
        doc["sample_rate"] = sample_rate
    doc["weights"] = []
    return refit(doc)


def linear_model(rf=4, bias=True, version="0.5.4"):
    return make_model(version, "Linear", {"receptive_field": rf, "bias": bias})


def _convnet(batchnorm=False, activation="Tanh"):
    config = {"channels": 2, "dilations": [1, 2], "batchnorm": batchnorm, "activation": activation}
    return make_model("0.5.4", "ConvNet", config)


def _legacy_array(input_size, head_size, head_bias, dilations):
    return {"input_size": input_size, "condition_size": 1, "head_size": head_size, "channels": 2, "kernel_size": 2,
            "dilations": dilations, "activation": "Tanh", "gated": False, "head_bias": head_bias}


def tiny_wavenet(condition=None, version="0.7.0"):
    """One channel, one layer: the smallest WaveNet (9 weights)."""
    config = {"layers": [{"input_size": 1, "condition_size": 1, "channels": 1, "kernel_size": 2, "dilations": [1],
                          "activation": "Tanh", "head_size": 1, "head_bias": False}], "head_scale": 0.5}
    if condition is not None:
        config["condition_dsp"] = condition
    return make_model(version, "WaveNet", config)


def _modern_wavenet():
    """Two channels in and out, and the keys added in 0.6.0 and 0.7.0."""
    array0 = {
        "input_size": 2, "condition_size": 2, "channels": 4, "bottleneck": 2,
        "kernel_sizes": [1, 2], "dilations": [1, 2],
        "activation": ["Tanh", {"type": "LeakyReLU", "negative_slope": 0.1}],
        "gating_mode": ["gated", "blended"], "secondary_activation": ["Sigmoid", {"type": "Hardtanh"}],
        "groups_input": 2, "groups_input_mixin": 2,
        "layer1x1": {"active": True, "groups": 2},
        "head1x1": {"active": True, "out_channels": 2, "groups": 2},
        "conv_pre_film": {"active": False},
        "conv_post_film": False,
        "input_mixin_pre_film": {"active": True, "groups": 2},
        "activation_post_film": {"shift": False, "groups": 1},
        "layer1x1_post_film": {"active": True, "shift": False, "groups": 2},
        "head1x1_post_film": {"groups": 2},
        "head": {"out_channels": 2, "kernel_size": 2, "bias": True, "head_dilation": 2},
        "slimmable": None,
    }
    array1 = {
        "input_size": 4, "condition_size": 2, "channels": 2, "bottleneck": 2, "kernel_size": 2, "dilations": [1],
        "activation": "ReLU", "gating_mode": "none",
        "layer1x1": {"active": False, "groups": 1},
        "head1x1": {"active": False, "out_channels": 1, "groups": 1},
        "head": {"out_channels": 2, "kernel_size": 1, "bias": False},
    }
    post = {"in_channels": 2, "channels": 2, "out_channels": 2, "kernel_sizes": [1, 2],
            "activation": {"type": "PReLU", "negative_slopes": [0.1, 0.2]}}
    config = {"in_channels": 2, "layers": [array0, array1], "head": post, "condition_dsp": None, "head_scale": 0.1}
    return make_model("0.7.0", "WaveNet", config, sample_rate=48000)


def condition_convnet():
    """A ConvNet from one channel to two: the condition of the condition_dsp base (12 weights)."""
    return make_model("0.5.4", "ConvNet", {"channels": 2, "dilations": [1], "batchnorm": False, "activation": "Tanh",
                                       "out_channels": 2})


def _condition_wavenet():
    array = {"input_size": 1, "condition_size": 2, "channels": 2, "kernel_size": 2, "dilations": [1],
             "activation": "Tanh", "gating_mode": "none", "head_size": 1, "head_bias": True}
    config = {"layers": [array], "head_scale": 0.25, "condition_dsp": condition_convnet()}
    return make_model("0.6.0", "WaveNet", config, sample_rate=48000)


def _slimmable_wavenet():
    array = {"input_size": 1, "condition_size": 1, "channels": 3, "kernel_size": 2, "dilations": [1, 2],
             "activation": "Tanh", "gated": False, "head_size": 1, "head_bias": True,
             "slimmable": {"method": "slice_channels_uniform", "kwargs": {"allowed_channels": [1, 2, 3]}}}
    return make_model("0.7.0", "WaveNet", {"layers": [array], "head_scale": 0.5}, sample_rate=48000)


def _container():
    submodels = [{"max_value": 0.5, "model": linear_model(rf=2, version="0.7.0")},
                 {"max_value": 1.0, "model": tiny_wavenet()}]
    submodels[1]["model"]["sample_rate"] = 48000.0
    return make_model("0.7.0", "SlimmableContainer", {"submodels": submodels}, sample_rate=48000,
                  metadata={"loudness": -18.5, "gain": 0.25})


def _sequential():
    """A Linear of two taps, then the tiny WaveNet ([SEQ-1])."""
    return make_model("0.7.0", "Sequential", {"models": [linear_model(rf=2, version="0.7.0"), tiny_wavenet()]},
                  sample_rate=48000)


METADATA = {"name": "Clean Box", "loudness": -20.5, "gain": 0.2, "gear_type": "amp", "tone_type": "clean"}

BASES = {
    "linear": lambda: make_model("0.5.4", "Linear", {"receptive_field": 4, "bias": True}, sample_rate=48000,
                             metadata=copy.deepcopy(METADATA)),
    "convnet": lambda: _convnet(),
    "convnet_bn": lambda: _convnet(batchnorm=True, activation="ReLU"),
    "lstm": lambda: make_model("0.5.4", "LSTM", {"input_size": 1, "hidden_size": 2, "num_layers": 2}, sample_rate=48000),
    "wavenet": lambda: make_model("0.5.4", "WaveNet", {
        "layers": [_legacy_array(1, 2, False, [1, 2]), _legacy_array(2, 1, True, [4])],
        "head": None, "head_scale": 0.02}, sample_rate=48000),
    "wavenet_modern": _modern_wavenet,
    "wavenet_condition_dsp": _condition_wavenet,
    "wavenet_slimmable": _slimmable_wavenet,
    "container": _container,
    "sequential": _sequential,
}

# linear: 4 taps + bias. convnet: (2·1·2 + 2) + (2·2·2 + 2) + head (2 + 1). convnet_bn: (4 + 4·2 + 1) +
# (8 + 4·2 + 1) + 3. lstm: (8·(1 + 2) + 8 + 4) + (8·(2 + 2) + 8 + 4) + (2 + 1). wavenet: array 0, 2 + 2 layers
# of (conv 8 + 2, mixin 2, layer1x1 4 + 2) + head 4 = 42; array 1, 4 + 18 + head 2 + 1 = 25; head scale 1.
# wavenet_modern: array 0, rechannel 8, layer 0 (K 1, Z 4) conv 8 + 4, mixin 4, layer1x1 4 + 4, head1x1
# 2 + 2, FiLMs 8 + 6 + 8 + 8, so 58; layer 1 (K 2) 66; head 2·2·2 + 2; so 142; array 1, 8 + (8 + 2 + 4) +
# 4 = 26; post-stack head (2·2 + 2) + (2·2·2 + 2) = 16; head scale 1. wavenet_condition_dsp: 2 + (8 + 2 +
# 4 + 6) + 3 + 1 (its ConvNet has its own 12). wavenet_slimmable: 3 + 2·(18 + 3 + 3 + 12) + 4 + 1.
HAND_COUNTS = {"linear": 5, "convnet": 19, "convnet_bn": 33, "lstm": 83, "wavenet": 68, "wavenet_modern": 185,
               "wavenet_condition_dsp": 26, "wavenet_slimmable": 80, "container": 0,
               "sequential": 0}


def base(name: str) -> dict:
    return BASES[name]()


def check_hand_counts() -> None:
    for name, count in HAND_COUNTS.items():
        found = COUNTS[base(name)["architecture"]](base(name)["config"])
        assert found == count, f"{name}: the count formulas give {found}, worked out by hand {count}"


# ---------------------------------------------------------------------------------------------
# Editing documents.

DELETE = object()


def edit(doc: dict, *changes) -> dict:
    """Apply (path, value) changes to a copy of `doc`; a value of DELETE removes the key."""
    doc = copy.deepcopy(doc)
    for path, value in changes:
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if value is DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return doc


def variant(base_name: str, *changes, fit: bool = False) -> dict:
    doc = edit(base(base_name), *changes)
    return refit(doc) if fit else doc


class From:
    """A base model with changes, made when called: `From("linear", (("version",), "0.5"))`."""

    def __init__(self, base_name: str, *changes, fit: bool = False):
        self.base_name, self.changes, self.fit = base_name, changes, fit

    def __call__(self) -> dict:
        changes = copy.deepcopy(self.changes, {id(DELETE): DELETE})  # a second call makes the same file
        return variant(self.base_name, *changes, fit=self.fit)


# Paths into a document.
CFG = "config"
L0 = (CFG, "layers", 0)
L1 = (CFG, "layers", 1)
COND = (CFG, "condition_dsp")
SUB0 = (CFG, "submodels", 0)
SUB1 = (CFG, "submodels", 1)
