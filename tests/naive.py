"""A deliberately simple interpreter of .nam documents, written from spec/nam-format.md alone.

It shares no code with the reference: a signal is a list of channels, each a list of Python floats
(double precision); every output sample is an explicit sum over channels and taps; every model runs
from the cold state over the whole signal at once, and the silent past ([STATE-4]) is made by
prepending RF* − 1 zeros to the input. It is slow and meant for small models: tests compare it with
the reference on random ones.

    y = naive.render(document, x, size=None, initial_state="silent")   # channels × samples, float64
    naive.layout(document)   # [(tensor name, weight count)] in blob order: the count of [W-3]
"""

from __future__ import annotations

import math

import numpy as np

FASTTANH = (2.45550750702956, 0.893229853513558, 0.821226666969744, 2.44506634652299, 0.814642734961073)
FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post", "activation_pre",
              "activation_post", "layer1x1_post", "head1x1_post")


# Signals: a list of channels, each a list of floats.

def zeros(channels: int, length: int) -> list[list[float]]:
    return [[0.0] * length for _ in range(channels)]


def add(u, v):
    return [[a + b for a, b in zip(ru, rv)] for ru, rv in zip(u, v)]


def scaled(u, k: float):
    return [[k * a for a in row] for row in u]


# The weight blob ([W-2], [W-4]).

class Blob:
    """Reads tensors from the front of the blob. Without weights it reads zeros and only records the
    layout, which gives the weight count of any config."""

    def __init__(self, weights=None):
        self.values = None if weights is None else [float(np.float32(v)) for v in weights]  # [W-2]
        self.position = 0
        self.layout: list[tuple[str, int]] = []

    def take(self, n: int, name: str) -> list[float]:
        self.layout.append((name, n))
        if self.values is None:
            out = [0.0] * n
        else:
            out = self.values[self.position:self.position + n]
            if len(out) != n:
                raise ValueError("the blob is too short")
        self.position += n
        return out

    def conv(self, name: str, c_in: int, c_out: int, kernel: int = 1, dilation: int = 1, groups: int = 1,
             bias: bool = True) -> "Conv":
        """A weight W[out][in/g][k] at offset (o·(in/g) + i)·k + j, then its bias ([CONV-2])."""
        per_group = c_in // groups
        flat = self.take(c_out * per_group * kernel, name + ".w")
        w = [[[flat[(o * per_group + i) * kernel + j] for j in range(kernel)] for i in range(per_group)]
             for o in range(c_out)]
        b = self.take(c_out, name + ".b") if bias else None
        return Conv(w, b, c_in, dilation, groups)

    def finish(self) -> None:
        if self.values is not None and self.position != len(self.values):
            raise ValueError(f"{len(self.values) - self.position} weights left over")


class Conv:
    """[CONV-4] from the cold state: inputs before t = 0 are zero."""

    def __init__(self, w, b, c_in: int, dilation: int = 1, groups: int = 1):
        self.w, self.b, self.c_in, self.dilation, self.groups = w, b, c_in, dilation, groups
        self.c_out, self.kernel = len(w), len(w[0][0])

    def __call__(self, u):
        in_per_group, out_per_group = self.c_in // self.groups, self.c_out // self.groups
        length = len(u[0])
        y = []
        for o in range(self.c_out):
            q = o // out_per_group  # [CONV-3]
            row = []
            for t in range(length):
                s = self.b[o] if self.b is not None else 0.0
                for i in range(in_per_group):
                    channel = u[q * in_per_group + i]
                    for j in range(self.kernel):
                        past = t - (self.kernel - 1 - j) * self.dilation
                        if past >= 0:
                            s += self.w[o][i][j] * channel[past]
                row.append(s)
            y.append(row)
        return y

    def leading(self, c_out: int, c_in: int) -> "Conv":
        """The first c_out rows and c_in columns, every tap ([WN-SLIM-7])."""
        w = [[list(self.w[o][i]) for i in range(c_in)] for o in range(c_out)]
        b = None if self.b is None else self.b[:c_out]
        return Conv(w, b, c_in, self.dilation, 1)


# Activations ([ACT-2]): each is f(value, channel row).

def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def activation(spec):
    name, p = (spec, {}) if isinstance(spec, str) else (spec["type"], spec)
    if name == "Tanh":
        return lambda x, r: math.tanh(x)
    if name == "Fasttanh":
        a, b, c, d, e = FASTTANH
        return lambda x, r: (x * (a + a * abs(x) + (b + c * abs(x)) * x * x)
                             / (d + (d + x * x) * abs(x + e * x * abs(x))))
    if name == "Hardtanh":
        lo, hi = p.get("min_val", -1.0), p.get("max_val", 1.0)
        return lambda x, r: min(max(x, lo), hi)
    if name == "ReLU":
        return lambda x, r: max(x, 0.0)
    if name == "LeakyReLU":
        s = p.get("negative_slope", 0.01)
        return lambda x, r: x if x > 0 else s * x
    if name == "PReLU":
        if "negative_slopes" in p:
            slopes = p["negative_slopes"]
            return lambda x, r: x if x > 0 else slopes[r] * x
        s = p.get("negative_slope", 0.01)
        return lambda x, r: x if x > 0 else s * x
    if name == "Sigmoid":
        return lambda x, r: _sigmoid(x)
    if name == "SiLU":
        return lambda x, r: x * _sigmoid(x)
    if name == "Hardswish":
        return lambda x, r: x * min(max(x + 3.0, 0.0), 6.0) / 6.0
    if name in ("LeakyHardtanh", "LeakyHardTanh"):
        lo, hi = p.get("min_val", -1.0), p.get("max_val", 1.0)
        sl, sh = p.get("min_slope", 0.01), p.get("max_slope", 0.01)
        return lambda x, r: (x - lo) * sl + lo if x < lo else ((x - hi) * sh + hi if x > hi else x)
    if name == "Softsign":
        return lambda x, r: x / (1.0 + abs(x))
    raise ValueError(f"unknown activation {name!r}")


def apply(f, u):
    return [[f(v, r) for v in row] for r, row in enumerate(u)]


# Architectures. Each model has in_channels, out_channels, rf_star ([STATE-3]) and run(x) from cold.

class Linear:
    def __init__(self, config, blob: Blob):
        self.taps = blob.take(config["receptive_field"], "taps")
        self.bias = blob.take(1, "bias")[0] if config["bias"] else 0.0
        self.in_channels = self.out_channels = config.get("in_channels", 1)
        self.rf_star = len(self.taps)

    def run(self, x):  # [LIN-5]: taps[0] multiplies the current sample
        return [[self.bias + sum(w * row[t - k] for k, w in enumerate(self.taps) if t - k >= 0)
                 for t in range(len(row))] for row in x]


class ConvNet:
    def __init__(self, config, blob: Blob):
        channels, groups = config["channels"], config.get("groups", 1)
        self.in_channels, self.out_channels = config.get("in_channels", 1), config.get("out_channels", 1)
        self.batchnorm = config["batchnorm"]
        self.act = activation(config["activation"])
        self.blocks = []
        for j, d in enumerate(config["dilations"]):
            c_in = self.in_channels if j == 0 else channels
            conv = blob.conv(f"block{j}", c_in, channels, 2, d, groups, bias=not self.batchnorm)
            norm = None
            if self.batchnorm:
                norm = [blob.take(channels, f"block{j}.{what}") for what in ("mean", "var", "gamma", "beta")]
                norm.append(blob.take(1, f"block{j}.eps")[0])
            self.blocks.append((conv, norm))
        self.head = blob.conv("head", channels, self.out_channels)
        self.rf_star = 1 + sum(config["dilations"])

    def run(self, x):  # [CNN-5]
        h = x
        for conv, norm in self.blocks:
            v = conv(h)
            if norm is not None:
                mean, var, gamma, beta, eps = norm
                v = [[(a - mean[o]) / math.sqrt(var[o] + eps) * gamma[o] + beta[o] for a in row]
                     for o, row in enumerate(v)]
            h = apply(self.act, v)
        return self.head(h)


class LSTM:
    def __init__(self, config, blob: Blob):
        H = self.hidden = config["hidden_size"]
        self.in_channels, self.out_channels = config.get("in_channels", 1), config.get("out_channels", 1)
        self.layers = []
        for l in range(config["num_layers"]):
            width = (config["input_size"] if l == 0 else H) + H
            flat = blob.take(4 * H * width, f"layer{l}.w")
            w = [flat[r * width:(r + 1) * width] for r in range(4 * H)]  # row-major [4H][I + H]
            self.layers.append((w, blob.take(4 * H, f"layer{l}.b"), blob.take(H, f"layer{l}.h0"),
                                blob.take(H, f"layer{l}.c0")))
        flat = blob.take(self.out_channels * H, "head.w")
        self.head_w = [flat[o * H:(o + 1) * H] for o in range(self.out_channels)]
        self.head_b = blob.take(self.out_channels, "head.b")
        self.rf_star = 1

    def run(self, x):  # [LSTM-5], from the stored state ([LSTM-6])
        H = self.hidden
        state = [(list(h0), list(c0)) for _, _, h0, c0 in self.layers]
        y = zeros(self.out_channels, len(x[0]))
        for t in range(len(x[0])):
            u = [row[t] for row in x]
            for l, (w, b, _, _) in enumerate(self.layers):
                h, c = state[l]
                v = u + h
                z = [b[r] + sum(w[r][k] * v[k] for k in range(len(v))) for r in range(4 * H)]
                i = [_sigmoid(z[k]) for k in range(H)]
                f = [_sigmoid(z[H + k]) for k in range(H)]
                g = [math.tanh(z[2 * H + k]) for k in range(H)]
                o = [_sigmoid(z[3 * H + k]) for k in range(H)]
                c = [f[k] * c[k] + i[k] * g[k] for k in range(H)]
                h = [o[k] * math.tanh(c[k]) for k in range(H)]
                state[l] = (h, c)
                u = h
            for r in range(self.out_channels):
                y[r][t] = self.head_b[r] + sum(self.head_w[r][k] * u[k] for k in range(H))
        return y


class FiLM:
    """[WN-FILM-1]: x ⊙ scale(c) (+ shift(c)), scale and shift from a grouped 1×1 on the condition."""

    def __init__(self, conv: Conv, width: int, shift: bool):
        self.conv, self.width, self.shift = conv, width, shift

    def __call__(self, x, c):
        s = self.conv(c)
        out = [[v * k for v, k in zip(x[r], s[r])] for r in range(self.width)]
        if self.shift:
            out = add(out, s[self.width:])
        return out


class WaveNetArray:
    """One layer array: its settings with every default and legacy form of section 12.2 resolved."""

    def __init__(self, raw):
        self.input_size, self.condition_size = raw["input_size"], raw["condition_size"]
        self.channels = raw["channels"]
        self.bottleneck = raw.get("bottleneck", self.channels)
        dilations = raw["dilations"]
        n = len(dilations)

        def per_layer(value):
            return value if isinstance(value, list) else [value] * n

        kernels = raw["kernel_sizes"] if "kernel_sizes" in raw else [raw["kernel_size"]] * n
        primaries = per_layer(raw["activation"])
        if raw.get("gating_mode") is not None:
            modes, secondaries = per_layer(raw["gating_mode"]), per_layer(raw.get("secondary_activation"))
        elif raw.get("gated"):  # the legacy key: sigmoid-gated, secondary_activation ignored ([WN-ARR-6])
            modes, secondaries = ["gated"] * n, [None] * n
        else:
            modes, secondaries = ["none"] * n, [None] * n
        self.layers = [dict(dilation=dilations[l], kernel=kernels[l], primary=primaries[l], gating=modes[l],
                            secondary="Sigmoid" if secondaries[l] is None else secondaries[l]) for l in range(n)]
        l1 = raw.get("layer1x1", {"active": True, "groups": 1})
        self.layer1x1_groups = l1["groups"] if l1["active"] else None
        h1 = raw.get("head1x1", {"active": False})
        self.head1x1 = (h1["out_channels"], h1["groups"]) if h1["active"] else None
        self.groups_input, self.groups_input_mixin = raw.get("groups_input", 1), raw.get("groups_input_mixin", 1)
        self.films = {}
        for slot in FILM_SLOTS:
            value = raw.get(slot + "_film", False)
            if value is not False and value.get("active", True):
                self.films[slot] = (value.get("shift", True), value.get("groups", 1))
        head = raw.get("head")
        if head is not None:
            self.head_size, self.head_kernel = head["out_channels"], head["kernel_size"]
            self.head_dilation, self.head_bias = head.get("head_dilation", 1), head["bias"]
        else:
            self.head_size, self.head_bias = raw["head_size"], raw["head_bias"]
            self.head_kernel = self.head_dilation = 1
        slim = raw.get("slimmable")
        self.allowed = None
        if slim is not None:
            self.allowed = slim.get("kwargs", {}).get("allowed_channels") or list(range(1, self.channels + 1))

    def z(self, layer) -> int:
        return (1 if layer["gating"] == "none" else 2) * self.bottleneck

    @property
    def head_path_width(self) -> int:
        return self.head1x1[0] if self.head1x1 else self.bottleneck

    def film_width(self, slot: str, layer) -> int:  # D_f of [WN-FILM-2]
        return {"conv_pre": self.channels, "conv_post": self.z(layer), "input_mixin_pre": self.condition_size,
                "input_mixin_post": self.z(layer), "activation_pre": self.z(layer),
                "activation_post": self.bottleneck, "layer1x1_post": self.channels,
                "head1x1_post": self.head_path_width}[slot]

    def rf(self) -> int:  # [WN-RF-1]
        return sum(l["dilation"] * (l["kernel"] - 1) for l in self.layers) + self.head_dilation * (self.head_kernel - 1)

    def read(self, blob: Blob, a: int) -> None:
        """The array's tensors in the order of [WN-W-1]."""
        C, B, S = self.channels, self.bottleneck, self.condition_size
        self.rechannel = blob.conv(f"{a}.rechannel", self.input_size, C, bias=False)
        for l, layer in enumerate(self.layers):
            p, Z = f"{a}.{l}.", self.z(layer)
            layer["conv"] = blob.conv(p + "conv", C, Z, layer["kernel"], layer["dilation"], self.groups_input)
            layer["mixin"] = blob.conv(p + "mixin", S, Z, groups=self.groups_input_mixin, bias=False)
            if self.layer1x1_groups is not None:
                layer["layer1x1"] = blob.conv(p + "layer1x1", B, C, groups=self.layer1x1_groups)
            if self.head1x1:
                layer["head1x1"] = blob.conv(p + "head1x1", B, self.head1x1[0], groups=self.head1x1[1])
            layer["films"] = {}
            for slot, (shift, groups) in self.films.items():
                width = self.film_width(slot, layer)
                conv = blob.conv(p + slot + "_film", S, (2 if shift else 1) * width, groups=groups)
                layer["films"][slot] = FiLM(conv, width, shift)
        self.head = blob.conv(f"{a}.head", self.head_path_width, self.head_size, self.head_kernel, self.head_dilation,
                              bias=self.head_bias)

    def layer(self, layer, x, c):
        """[WN-LAYER-4]: the residual output and the head contribution."""
        def film(slot, v):
            f = layer["films"].get(slot)
            return v if f is None else f(v, c)

        B = self.bottleneck
        z = film("conv_post", layer["conv"](film("conv_pre", x)))
        m = film("input_mixin_post", layer["mixin"](film("input_mixin_pre", c)))
        z = film("activation_pre", add(z, m))
        phi = activation(layer["primary"])
        sigma = None if layer["gating"] == "none" else activation(layer["secondary"])
        if layer["gating"] == "none":  # [WN-LAYER-5]
            a = apply(phi, z)
        elif layer["gating"] == "gated":
            a = [[phi(p, r) * sigma(q, r) for p, q in zip(z[r], z[B + r])] for r in range(B)]
        else:
            a = []
            for r in range(B):
                alpha = [sigma(q, r) for q in z[B + r]]
                a.append([al * phi(p, r) + (1.0 - al) * p for al, p in zip(alpha, z[r])])
        a = film("activation_post", a)
        if self.layer1x1_groups is not None:  # [WN-LAYER-6]
            x_next = add(x, film("layer1x1_post", layer["layer1x1"](a)))
        else:  # [WN-LAYER-7]
            x_next = add(x, a)
        h = film("head1x1_post", layer["head1x1"](a)) if self.head1x1 else a  # [WN-LAYER-8]
        return x_next, h

    def run(self, X, c, previous_head):
        """[WN-FWD-1] to [WN-FWD-3]: the last residual output and the array's head output."""
        x = self.rechannel(X)
        acc = previous_head if previous_head is not None else zeros(self.head_path_width, len(X[0]))
        for layer in self.layers:
            x, h = self.layer(layer, x, c)
            acc = add(acc, h)
        return x, self.head(acc)


class WaveNet:
    def __init__(self, config, blob: Blob, size=None):
        self.in_channels = config.get("in_channels", 1)
        self.arrays = [WaveNetArray(raw) for raw in config["layers"]]
        for a, arr in enumerate(self.arrays):
            arr.read(blob, a)
        self.post = []
        head = config.get("head")
        if head is not None:
            self.post_act = activation(head["activation"])
            n = len(head["kernel_sizes"])
            for i, k in enumerate(head["kernel_sizes"]):  # [WN-HEAD-2]
                c_in = self.arrays[-1].head_size if i == 0 else head["channels"]
                c_out = head["out_channels"] if i == n - 1 else head["channels"]
                self.post.append(blob.conv(f"post.{i}", c_in, c_out, k))
        self.head_scale = blob.take(1, "head_scale")[0]  # the last weight ([WN-3])
        cond = config.get("condition_dsp")
        self.condition = None if cond is None else build(cond)
        if size is not None and any(arr.allowed for arr in self.arrays):
            self._slim(size)
        self.out_channels = self.post[-1].c_out if self.post else self.arrays[-1].head_size
        self.rf_star = ((self.condition.rf_star if self.condition else 1) + sum(arr.rf() for arr in self.arrays)
                        + sum(conv.kernel - 1 for conv in self.post))

    def _slim(self, size: float) -> None:
        """Replace every tensor by its leading part at the slim widths ([WN-SLIM-5] to [WN-SLIM-7])."""
        widths = []
        for arr in self.arrays:
            if arr.allowed:
                n = len(arr.allowed)
                widths.append(arr.allowed[min(max(math.floor(size * n), 0), n - 1)])
            else:
                widths.append(arr.channels)
        for arr, c in zip(self.arrays, widths):
            arr.channels = c
            if arr.allowed:
                arr.bottleneck = c
        for a, arr in enumerate(self.arrays):
            arr.input_size = self.in_channels if a == 0 else self.arrays[a - 1].channels
            if a + 1 < len(self.arrays):
                arr.head_size = self.arrays[a + 1].head_path_width
            C, B = arr.channels, arr.bottleneck
            arr.rechannel = arr.rechannel.leading(C, arr.input_size)
            for layer in arr.layers:
                layer["conv"] = layer["conv"].leading(arr.z(layer), C)
                layer["mixin"] = layer["mixin"].leading(arr.z(layer), arr.condition_size)
                if "layer1x1" in layer:
                    layer["layer1x1"] = layer["layer1x1"].leading(C, B)
            arr.head = arr.head.leading(arr.head_size, arr.head_path_width)

    def run(self, x):
        c = self.condition.run(x) if self.condition else x  # [WN-FWD-5]
        X, H = x, None
        for arr in self.arrays:
            X, H = arr.run(X, c, H)  # [WN-FWD-4]
        y = scaled(H, self.head_scale)  # [WN-FWD-6]
        for conv in self.post:
            y = conv(apply(self.post_act, y))  # [WN-HEAD-3]
        return y


def container_index(config, size) -> int:
    """[CONT-6]: the first submodel with v < max_value, else the last; the last before any size is set."""
    entries = config["submodels"]
    if size is None:
        return len(entries) - 1
    for i, entry in enumerate(entries):
        if size < entry["max_value"]:
            return i
    return len(entries) - 1


class Sequential:
    """[SEQ-5]: the models one after another. The chain runs from cold over the input padded once by its
    own RF* − 1, so each model's past is its predecessor's response to silence ([SEQ-8])."""

    def __init__(self, models):
        self.models = models
        self.in_channels, self.out_channels = models[0].in_channels, models[-1].out_channels
        self.rf_star = 1 + sum(m.rf_star - 1 for m in models)  # [SEQ-7]

    def run(self, x):
        for m in self.models:
            x = m.run(x)
        return x


def build(document, size=None, weights=True):
    """A runnable model for a document; `weights=False` reads zeros and only records the layout."""
    config, architecture = document["config"], document["architecture"]
    if architecture == "SlimmableContainer":
        return build(config["submodels"][container_index(config, size)]["model"], weights=weights)
    if architecture == "Sequential":  # one size for every model ([SEQ-6])
        return Sequential([build(m, size, weights) for m in config["models"]])
    blob = Blob(document["weights"] if weights else None)
    kind = {"Linear": Linear, "ConvNet": ConvNet, "LSTM": LSTM}.get(architecture)
    model = WaveNet(config, blob, size) if architecture == "WaveNet" else kind(config, blob)
    blob.finish()
    model.blob_layout = blob.layout
    return model


def make_document(architecture: str, config: dict, weights, **envelope) -> dict:
    """A version 0.7.0 document with the given parts (tests write their models with it)."""
    return {"version": "0.7.0", "architecture": architecture, "config": config,
            "weights": [float(w) for w in weights], **envelope}


def wavenet_document(layers: list, weights, **config) -> dict:
    """A WaveNet document whose config.head_scale equals the head scale it uses (the last weight)."""
    return make_document("WaveNet", {"layers": layers, "head_scale": float(weights[-1]), **config}, weights)


def layer_array(**keys) -> dict:
    """A one-layer array with one input, condition and residual channel, kernel 1, ReLU and a legacy head
    of size 1 without bias; `keys` change or add keys."""
    return {"input_size": 1, "condition_size": 1, "channels": 1, "dilations": [1], "kernel_size": 1,
            "activation": "ReLU", "head_size": 1, "head_bias": False, **keys}


def layout(document) -> list[tuple[str, int]]:
    """Every tensor of the document's own blob, in order, with its number of weights."""
    if document["architecture"] in ("SlimmableContainer", "Sequential"):
        return []
    return build(document, weights=False).blob_layout


def render(document, x, size=None, initial_state: str = "silent") -> np.ndarray:
    """The output (out_channels × samples, float64) for x (1-D, or channels × samples)."""
    model = build(document, size)
    rows = [[float(v) for v in row] for row in np.atleast_2d(np.asarray(x, dtype=np.float64))]
    pad = model.rf_star - 1 if initial_state == "silent" else 0  # [STATE-4]
    y = model.run([[0.0] * pad + row for row in rows])
    return np.array([row[pad:] for row in y], dtype=np.float64)


# Random small valid documents, to compare this interpreter with the reference.

ACTIVATION_TAGS = {"act.tanh": "Tanh", "act.fasttanh": "Fasttanh", "act.hardtanh": "Hardtanh",
                   "act.hardtanh_bounds": "Hardtanh", "act.relu": "ReLU", "act.leaky_relu": "LeakyReLU",
                   "act.prelu": "PReLU", "act.prelu_per_channel": "PReLU", "act.sigmoid": "Sigmoid",
                   "act.silu": "SiLU", "act.hardswish": "Hardswish", "act.leaky_hardtanh": "LeakyHardtanh",
                   "act.softsign": "Softsign"}
ACTIVATIONS = sorted(set(ACTIVATION_TAGS.values()))
# Tags that need even widths (a group count of 2), and those that also need an even condition width.
EVEN_TAGS = {"wavenet.layer1x1_groups", "wavenet.head1x1_groups", "wavenet.groups_input",
             "wavenet.groups_input_mixin", "wavenet.film.groups"}
EVEN_CONDITION_TAGS = {"wavenet.groups_input_mixin", "wavenet.film.groups"}
FILM_SETTING_TAGS = {"wavenet.film.no_shift", "wavenet.film.groups", "wavenet.film.implicit_active"}


class Randomizer:
    """Builds random valid documents; the root model has every wanted tag of spec/features.txt."""

    def __init__(self, seed: int, want=()):
        self.rng = np.random.default_rng(seed)
        self.want = set(want)

    def coin(self, p: float = 0.5) -> bool:
        return bool(self.rng.random() < p)

    def int(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def choice(self, options):
        return options[int(self.rng.integers(len(options)))]

    def number(self, lo: float, hi: float) -> float:
        return round(float(self.rng.uniform(lo, hi)), 3)

    def activation(self, width: int | None = None, name: str | None = None):
        """A random activation spec; a per-channel PReLU only when `width` (its row count) is given."""
        name = name or self.choice(ACTIVATIONS)
        u = self.number
        if name == "Hardtanh" and self.coin():
            return {"type": name, "min_val": u(-1.5, -0.2), "max_val": u(0.2, 1.5)}
        if name == "LeakyReLU" and self.coin():
            return {"type": name, "negative_slope": u(0, 0.5)}
        if name == "PReLU":
            if width is not None and self.coin():
                return {"type": name, "negative_slopes": [u(-0.5, 0.5) for _ in range(width)]}
            return self.choice(["PReLU", {"type": name, "negative_slope": u(-0.5, 0.5)}])
        if name == "LeakyHardtanh":
            alias = self.choice(["LeakyHardtanh", "LeakyHardTanh"])
            if self.coin():
                return {"type": alias, "min_val": u(-1.5, -0.2), "max_val": u(0.2, 1.5), "min_slope": u(0, 0.3),
                        "max_slope": u(0, 0.3)}
            return alias
        return name if self.coin() else {"type": name}

    def wanted_activation(self, width: int | None):
        """The activation a wanted act.* tag asks for, or a random one."""
        if "act.hardtanh_bounds" in self.want:
            return {"type": "Hardtanh", "min_val": -0.5, "max_val": 0.75}
        if "act.prelu_per_channel" in self.want and width is not None:
            return {"type": "PReLU", "negative_slopes": [round(0.1 * (r + 1), 2) for r in range(width)]}
        if "act.prelu" in self.want:
            return {"type": "PReLU", "negative_slope": 0.2}
        names = [ACTIVATION_TAGS[t] for t in sorted(self.want) if t in ACTIVATION_TAGS]
        return self.activation(width, names[0] if names else None)

    def envelope(self, architecture: str, config: dict, root: bool) -> dict:
        document = {"version": self.choice(["0.5.4", "0.6.0", "0.7.0"]), "architecture": architecture,
                    "config": config}
        if root and "env.sample_rate_absent" not in self.want:
            document["sample_rate"] = 44100 if "env.sample_rate_other" in self.want or self.coin(0.2) else 48000
        if root and "env.metadata_absent" not in self.want and self.coin(0.7):
            document["metadata"] = {"loudness": -18.5, "gain": 0.4}
        document["weights"] = self.weights(document)
        return document

    def weights(self, document) -> list[float]:
        """Random weights for the document's layout, with positive batch-norm variances."""
        out = []
        for name, n in layout(document):
            if name.endswith(".var"):
                values = self.rng.uniform(0.5, 2.0, n)
            elif name.endswith(".eps"):
                values = [1e-3]
            elif name == "head_scale":
                values = [self.choice([-1, 1]) * self.rng.uniform(0.3, 1.5)]
            else:
                values = self.rng.uniform(-0.7, 0.7, n)
            out += [round(float(v), 6) for v in values]
        return out

    def channels_key(self, config: dict, key: str, value: int) -> None:
        """Write an optional channel count when it differs from its default of 1, sometimes also when not."""
        if value != 1 or self.coin(0.2):
            config[key] = value

    # Architectures. in_channels / out_channels fix the widths of a nested model.

    def linear(self, channels: int | None = None, root: bool = True) -> dict:
        if channels is None:
            channels = 2 if "env.multichannel" in self.want or self.coin(0.2) else 1
        config = {"receptive_field": self.int(1, 6), "bias": "linear.bias" in self.want or self.coin()}
        self.channels_key(config, "in_channels", channels)
        if "in_channels" in config:
            config["out_channels"] = channels
        if self.coin(0.2):
            config["implementation"] = self.choice(["auto", "direct", "fft"])
        return self.envelope("Linear", config, root)

    def convnet(self, in_channels: int | None = None, out_channels: int | None = None, root: bool = True) -> dict:
        grouped = "convnet.groups" in self.want or self.coin(0.2)
        if in_channels is None:
            in_channels = 2 if grouped or "env.multichannel" in self.want or self.coin(0.2) else 1
        grouped = grouped and in_channels % 2 == 0
        channels = self.choice([2, 4]) if grouped else self.int(1, 4)
        config = {"channels": channels, "dilations": [self.int(1, 4) for _ in range(self.int(1, 3))],
                  "batchnorm": "convnet.batchnorm" in self.want or self.coin(),
                  "activation": self.wanted_activation(channels) if root else self.activation(channels)}
        if grouped:
            config["groups"] = 2
        self.channels_key(config, "in_channels", in_channels)
        self.channels_key(config, "out_channels", out_channels or self.int(1, 2))
        return self.envelope("ConvNet", config, root)

    def lstm(self, in_channels: int | None = None, out_channels: int | None = None, root: bool = True) -> dict:
        if in_channels is None:
            in_channels = 2 if "env.multichannel" in self.want or self.coin(0.2) else 1
        config = {"input_size": in_channels, "hidden_size": self.int(1, 3),
                  "num_layers": 2 if "lstm.multilayer" in self.want or self.coin(0.4) else 1}
        self.channels_key(config, "in_channels", in_channels)
        self.channels_key(config, "out_channels", out_channels or self.int(1, 2))
        return self.envelope("LSTM", config, root)

    def wavenet(self, slimmable: bool = False, in_channels: int | None = None, out_channels: int | None = None,
                root: bool = True, allow_condition: bool = True) -> dict:
        want = self.want if root else set()
        even = bool(want & EVEN_TAGS) or (not slimmable and self.coin(0.25))
        if in_channels is None:
            in_channels = 2 if (want & EVEN_CONDITION_TAGS or "env.multichannel" in want or self.coin(0.2)) else 1
        condition = None
        if allow_condition and ("wavenet.condition_dsp" in want or self.coin(0.2)):
            width = 2 if want & EVEN_CONDITION_TAGS else self.int(1, 2)
            kind = self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"])
            condition = {"Linear": lambda: self.linear(in_channels, root=False),
                         "ConvNet": lambda: self.convnet(in_channels, width, root=False),
                         "LSTM": lambda: self.lstm(in_channels, width, root=False),
                         "WaveNet": lambda: self.wavenet(in_channels=in_channels, out_channels=width, root=False,
                                                         allow_condition=False)}[kind]()
        S = build(condition).out_channels if condition else in_channels
        count = self.int(2, 3) if "wavenet.multi_array" in want or self.coin(0.3) else 1
        slim = [slimmable and (a == 0 or self.coin()) for a in range(count)]  # at least one slimmable array
        arrays = [self.layer_array(want if a == 0 else set(), even, S, slimmable, slim[a]) for a in range(count)]
        arrays[0]["input_size"] = in_channels
        for a in range(1, count):
            arrays[a]["input_size"] = arrays[a - 1]["channels"]
            set_head_size(arrays[a - 1], head_path_width(arrays[a]))  # [WN-ARR-19]
        post = not slimmable and ("wavenet.post_head" in want or self.coin(0.2))
        last_size = out_channels if out_channels and not post else self.int(1, 2)
        set_head_size(arrays[-1], last_size)
        config: dict = {"layers": arrays, "head_scale": 0.0}
        self.channels_key(config, "in_channels", in_channels)
        if condition is not None:
            config["condition_dsp"] = condition
        if post:
            config["head"] = self.post_head(last_size, out_channels, want)
        elif self.coin(0.2):
            config["head"] = None
        document = self.envelope("WaveNet", config, root)
        used = document["weights"][-1]  # [WN-3]: config.head_scale is informational
        config["head_scale"] = used + 0.25 if "wavenet.head_scale_mismatch" in want or self.coin(0.1) else used
        return document

    def layer_array(self, want: set, even: bool, S: int, slimmable: bool, slim_array: bool) -> dict:
        """A layer array with every wanted array-level tag; input_size and the head size are set later.
        In a slimmable WaveNet (`slimmable`) every array obeys [WN-SLIM-4]; `slim_array` makes this one
        slimmable."""
        n = self.int(1, 3)
        C = self.choice([2, 4]) if even else self.int(1, 4)
        raw = {"input_size": 0, "condition_size": S, "channels": C, "dilations": [self.int(1, 4) for _ in range(n)]}

        # layer1x1 and the bottleneck ([WN-ARR-8], [WN-ARR-9]).
        needs_layer1x1 = want & {"wavenet.bottleneck", "wavenet.layer1x1_groups", "wavenet.film.layer1x1_post"}
        inactive = "wavenet.layer1x1_inactive" in want or (not needs_layer1x1 and self.coin(0.25))
        B = C
        if not inactive and not slim_array and ("wavenet.bottleneck" in want or self.coin(0.3)):
            B = self.choice([b for b in ([2, 4] if even else [1, 2, 3, 4]) if b != C])
        if B != C or self.coin(0.2):
            raw["bottleneck"] = B
        if inactive:
            raw["layer1x1"] = {"active": False, "groups": 1}
        elif even and ("wavenet.layer1x1_groups" in want or self.coin(0.3)):
            raw["layer1x1"] = {"active": True, "groups": 2}
        elif self.coin(0.3):
            raw["layer1x1"] = {"active": True, "groups": 1}
        per_channel_width = None if slimmable else B

        # Kernels ([WN-ARR-3]).
        kernels = [self.int(1, 3) for _ in range(n)]
        if "wavenet.per_layer_activation" in want and n == 1:
            n += 1
            raw["dilations"].append(1)
            kernels.append(kernels[0])
        if "wavenet.kernel_sizes" in want or ("wavenet.kernel_size" not in want and self.coin(0.4)):
            raw["kernel_sizes"] = kernels
        else:
            raw["kernel_size"] = kernels[0]

        # Primary activations ([WN-ARR-4]).
        primaries = [self.activation(per_channel_width) for _ in range(n)]
        if want & set(ACTIVATION_TAGS):
            primaries[0] = self.wanted_activation(per_channel_width)
        if "wavenet.per_layer_activation" in want:
            first = primaries[0] if isinstance(primaries[0], str) else primaries[0]["type"]
            primaries[1] = "Tanh" if first == "Softsign" else "Softsign"
        if len({json_key(p) for p in primaries}) > 1 or self.coin(0.2):
            raw["activation"] = primaries
        else:
            raw["activation"] = primaries[0]

        # Gating and secondary activations ([WN-ARR-5] to [WN-ARR-7]).
        explicit = want & {"wavenet.gating.gated", "wavenet.gating.blended", "wavenet.secondary_activation"}
        if "wavenet.gated_legacy" in want or (not explicit and self.coin(0.15)):
            raw["gated"] = True
            if self.coin(0.3):
                raw["secondary_activation"] = "ReLU"  # ignored with the legacy key
        else:
            modes = [self.choice(["none", "gated", "blended"]) for _ in range(n)]
            if "wavenet.gating.gated" in want or ("wavenet.secondary_activation" in want and modes[0] == "none"):
                modes[0] = "gated"
            if "wavenet.gating.blended" in want:
                modes[-1 if n > 1 and "wavenet.gating.gated" in want else 0] = "blended"
            wanted_secondary = "Softsign" if "wavenet.secondary_activation" in want else None
            if len(set(modes)) == 1 and self.coin():
                raw["gating_mode"] = modes[0]
                if modes[0] != "none" and (wanted_secondary or self.coin()):
                    raw["secondary_activation"] = self.activation(per_channel_width, wanted_secondary)
                elif self.coin(0.2):
                    raw["secondary_activation"] = None
            else:
                raw["gating_mode"] = modes
                secondaries = []
                for l, mode in enumerate(modes):
                    if mode == "none":
                        secondaries.append(self.choice([None, "", "Tanh"]))  # not used
                    elif l == 0 and wanted_secondary:
                        secondaries.append(wanted_secondary)
                    else:
                        secondaries.append(self.choice([None, self.activation(per_channel_width)]))
                if any(s is not None for s in secondaries) or self.coin():
                    raw["secondary_activation"] = secondaries
            if self.coin(0.2):
                raw["gated"] = False  # ignored: gating_mode is present

        # head1x1 ([WN-ARR-10]).
        wants_head1x1 = want & {"wavenet.head1x1", "wavenet.head1x1_groups", "wavenet.film.head1x1_post"}
        if not slimmable and (wants_head1x1 or self.coin(0.3)):
            h1 = self.choice([2, 4]) if even else self.int(1, 3)
            groups = 2 if even and ("wavenet.head1x1_groups" in want or self.coin()) else 1
            raw["head1x1"] = {"active": True, "out_channels": h1, "groups": groups}
        elif self.coin(0.2):
            raw["head1x1"] = {"active": False, "out_channels": 3, "groups": 1}

        # Group counts ([WN-ARR-11], [WN-ARR-16]).
        if even and ("wavenet.groups_input" in want or self.coin()):
            raw["groups_input"] = 2
        elif self.coin(0.1):
            raw["groups_input"] = 1
        if even and S % 2 == 0 and ("wavenet.groups_input_mixin" in want or self.coin()):
            raw["groups_input_mixin"] = 2

        # FiLM ([WN-ARR-12], [WN-ARR-17]).
        for slot in FILM_SLOTS if not slimmable else ():
            if (slot == "layer1x1_post" and inactive) or (
                    slot == "head1x1_post" and not raw.get("head1x1", {}).get("active")):
                continue  # [WN-ARR-17]
            forced = slot == "activation_post" and want & FILM_SETTING_TAGS
            if f"wavenet.film.{slot}" in want or forced or self.coin(0.15):
                film = {} if "wavenet.film.implicit_active" in want or self.coin(0.3) else {"active": True}
                if "wavenet.film.no_shift" in want or self.coin(0.3):
                    film["shift"] = False
                elif self.coin(0.3):
                    film["shift"] = True
                if even and S % 2 == 0 and ("wavenet.film.groups" in want or self.coin()):
                    film["groups"] = 2
                raw[slot + "_film"] = film
            elif self.coin(0.05):
                raw[slot + "_film"] = self.choice([False, {"active": False, "shift": True, "groups": 1}])

        # The array's head ([WN-ARR-13]); its size is set once the next array is known.
        legacy = "wavenet.legacy_head" in want
        kernel_wanted = want & {"wavenet.head_kernel", "wavenet.head_dilation"}
        if not slimmable and (kernel_wanted or (not legacy and self.coin(0.3))):
            raw["head"] = {"out_channels": 0, "kernel_size": self.int(2, 3), "bias": self.coin()}
            if "wavenet.head_dilation" in want or self.coin():
                raw["head"]["head_dilation"] = self.int(2, 3)
        elif legacy or ("wavenet.head_object" not in want and self.coin()):
            raw["head_size"], raw["head_bias"] = 0, self.coin()
        else:
            raw["head"] = {"out_channels": 0, "kernel_size": 1, "bias": self.coin()}
            if self.coin(0.2):
                raw["head"]["head_dilation"] = self.int(1, 3)
        if slim_array:
            raw["slimmable"] = self.slimmable(C)
        return raw

    def slimmable(self, channels: int) -> dict:
        slim = {"method": "slice_channels_uniform"}
        if self.coin(0.6):
            widths = sorted({self.int(1, channels) for _ in range(self.int(0, channels))} | {channels})
            slim["kwargs"] = {"allowed_channels": widths}
            if self.coin(0.3):
                slim["kwargs"]["boosting"] = True  # a training setting, ignored
        return slim

    def post_head(self, head_size: int, out_channels: int | None, want: set) -> dict:
        n = self.int(1, 3)
        channels = self.int(1, 3)
        width = head_size if n == 1 or channels == head_size else None  # [WN-HEAD-3]: one PReLU width
        head = {"channels": channels, "out_channels": out_channels or self.int(1, 2),
                "kernel_sizes": [self.int(1, 3) for _ in range(n)],
                "activation": self.wanted_activation(width) if want & set(ACTIVATION_TAGS) else self.activation(width)}
        if self.coin(0.3):
            head["in_channels"] = head_size
        return head

    def container(self) -> dict:
        if "container.packed" in self.want:
            return self.packed_container()
        kinds = [self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"]) for _ in range(self.int(2, 3))]
        if "container.mixed" in self.want and len(set(kinds)) == 1:
            kinds[0] = "LSTM" if kinds[0] == "Linear" else "Linear"
        thresholds = sorted({self.number(0.05, 0.95) for _ in range(len(kinds) - 1)})
        thresholds.append(self.choice([1.0, 1.5]))
        submodels = []
        for kind, threshold in zip(kinds, thresholds):
            model = {"Linear": lambda: self.linear(1, root=False),
                     "ConvNet": lambda: self.convnet(1, 1, root=False),
                     "LSTM": lambda: self.lstm(1, 1, root=False),
                     "WaveNet": lambda: self.wavenet(in_channels=1, out_channels=1, root=False)}[kind]()
            submodels.append({"max_value": threshold, "model": model})
        return self.envelope("SlimmableContainer", {"submodels": submodels}, root=True)

    def sequential(self, nested: bool = True) -> dict:
        """One-channel models in a chain ([SEQ-4]); a container or a Sequential among them when wanted."""
        kinds = [self.choice(["Linear", "ConvNet", "LSTM", "WaveNet"]) for _ in range(self.int(2, 3))]
        if "sequential.slimmable" in self.want and nested:
            kinds[self.int(0, len(kinds) - 1)] = "SlimmableContainer"
        if "sequential.nested" in self.want and nested:
            kinds.insert(self.int(0, len(kinds)), "Sequential")
        models = []
        for kind in kinds:
            model = {"Linear": lambda: self.linear(1, root=False),
                     "ConvNet": lambda: self.convnet(1, 1, root=False),
                     "LSTM": lambda: self.lstm(1, 1, root=False),
                     "WaveNet": lambda: self.wavenet(in_channels=1, out_channels=1, root=False),
                     "SlimmableContainer": self.container,
                     "Sequential": lambda: self.sequential(nested=False)}[kind]()
            model.pop("sample_rate", None)  # a nested model inherits the chain's rate ([SR-4])
            models.append(model)
        return self.envelope("Sequential", {"models": models}, root=nested)

    def packed_container(self) -> dict:
        """[CONT-10]: WaveNets that differ only in channels, sharing the head scale; thresholds (i+1)/n."""
        n = self.int(2, 3)
        dilations = [self.int(1, 4) for _ in range(self.int(1, 3))]
        kernel = self.int(1, 3)
        scale = self.number(0.3, 1.2)
        submodels = []
        for i in range(n):
            raw = {"input_size": 1, "condition_size": 1, "channels": i + 1, "kernel_size": kernel,
                   "dilations": dilations, "activation": "Tanh", "head_size": 1, "head_bias": True}
            model = self.envelope("WaveNet", {"layers": [raw], "head_scale": scale}, root=False)
            model["weights"][-1] = scale
            submodels.append({"max_value": (i + 1) / n, "model": model})
        return self.envelope("SlimmableContainer", {"submodels": submodels}, root=True)


def json_key(spec) -> str:
    return spec if isinstance(spec, str) else repr(sorted(spec.items()))


def head_path_width(raw: dict) -> int:
    """Dh of a raw layer array: head1x1.out_channels when active, else the bottleneck."""
    h1 = raw.get("head1x1")
    if h1 and h1["active"]:
        return h1["out_channels"]
    return raw.get("bottleneck", raw["channels"])


def set_head_size(raw: dict, size: int) -> None:
    if "head" in raw:
        raw["head"]["out_channels"] = size
    else:
        raw["head_size"] = size


def random_document(seed: int, architecture: str, want=(), slimmable: bool = False) -> dict:
    """A random valid document of `architecture` whose root model has every wanted feature tag."""
    r = Randomizer(seed, want)
    if architecture == "SlimmableContainer":
        return r.container()
    if architecture == "Sequential":
        return r.sequential()
    if architecture == "WaveNet":
        return r.wavenet(slimmable=slimmable)
    return {"Linear": r.linear, "ConvNet": r.convnet, "LSTM": r.lstm}[architecture]()
