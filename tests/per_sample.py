"""The per-sample interpreter: a second, independent reading of spec/nam-format.md.

What it is. An interpreter of valid `.nam` documents written from the spec alone, section by section
(6 the weight blob, 7 activations, 8 convolutions, 9 Linear, 10 ConvNet, 11 LSTM, 12 WaveNet,
13 slimmable WaveNet, 14 SlimmableContainer, 14A Sequential, 15 initial state), with the clause ids
beside the code. It shares no code with `nam_reference`. A signal is a list of channels, each a list
of Python floats (double precision); every output sample is an explicit scalar sum over channels and
taps, and every activation is applied to one scalar at a time. NumPy only rounds the weights to
binary32 ([W-2]) and hands the result back as an array.

Why it exists. The reference is vectorised for speed (convolutions as matrix products over the whole
signal, the LSTM input projection for all steps at once, slices of stacked tensors). A check that
the reference agrees with itself proves nothing, and the expected outputs of the conformance suite
come from the reference. This module is the reading a person can check against the spec in minutes,
and the tests cross-check the reference against it on random small models of every feature, on the
fixture corpus and on the value-domain documents. It is itself checked against the trainer's outputs
on the shared example models, so the two readings are not wrong together by construction.

What it covers: every architecture and every computational feature of sections 6 to 14A; slimmable
WaveNets at any size ([WN-SLIM-5] to [WN-SLIM-8]) and containers by [CONT-6]; the exact weight count
([W-3]) and layout (`layout`); the silent past ([STATE-4]) and the cold state ([STATE-2]).
What it does not: validation (it trusts the document: no schema, no clause errors, no version
warnings), binary32 arithmetic (it computes in double; the tests compare within 1e-5 of the peak,
[NUM-5]), streaming in blocks, reset and size changes (section 16), loudness and metadata
(sections 5 and 17). It runs every model from the cold state over the whole signal, and makes the
silent past by prepending RF* − 1 zeros ([STATE-3], [STATE-4]). It is slow (pure Python): for small
models and short signals only.

How the tests use it: tests/test_reference_naive.py (random models drawn by tests/random_models.py
for every feature tag, and the interpreter against the trainer's outputs), tests/test_fixtures.py
(the first samples of every fixture case), tests/test_domains.py (every value-domain document),
tests/test_reference_state.py (the silent past and the cold state), test_reference_slimmable.py (slim
models sliced by hand) and test_reference_sequential.py (nested chains); tests/test_generators.py
counts weights with `layout`. docs/oracles.md lists every oracle the project cross-checks against.

    y = per_sample.render(document, x, size=None, initial_state="silent")   # channels × samples, float64
    per_sample.layout(document)   # [(tensor name, weight count)] in blob order: the count of [W-3]
"""

from __future__ import annotations

import math

import numpy as np

FASTTANH = (2.45550750702956, 0.893229853513558, 0.821226666969744, 2.44506634652299, 0.814642734961073)
FILM_SLOTS = ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post", "activation_pre",
              "activation_post", "layer1x1_post", "head1x1_post")  # in the order of [WN-W-1]


# Signals: a list of channels, each a list of floats.

def zeros(channels: int, length: int) -> list[list[float]]:
    return [[0.0] * length for _ in range(channels)]


def add(u, v):
    return [[a + b for a, b in zip(ru, rv)] for ru, rv in zip(u, v)]


def scaled(u, k: float):
    return [[k * a for a in row] for row in u]


# 6. The weight blob.

class Blob:
    """Reads tensors from the front of the blob ([W-4]). Without weights it reads zeros and only
    records the layout, which gives the weight count of any config ([W-3])."""

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
        """[W-3]: every weight is used."""
        if self.values is not None and self.position != len(self.values):
            raise ValueError(f"{len(self.values) - self.position} weights left over")


# 7. Activations ([ACT-2]): each is f(value, channel row); the row matters only to a per-channel PReLU.

def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def activation(spec):
    """The function of an activation spec ([ACT-1]), with the defaults of [ACT-2]."""
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
        if "negative_slopes" in p:  # one slope per channel row ([ACT-4])
            slopes = p["negative_slopes"]
            return lambda x, r: x if x > 0 else slopes[r] * x
        s = p.get("negative_slope", 0.01)
        return lambda x, r: x if x > 0 else s * x
    if name == "Sigmoid":
        return lambda x, r: sigmoid(x)
    if name == "SiLU":
        return lambda x, r: x * sigmoid(x)
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
    """[ACT-5]: elementwise, per channel row and time step."""
    return [[f(v, r) for v in row] for r, row in enumerate(u)]


# 8. Convolutions.

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


# Sections 9 to 14A. Each model has in_channels, out_channels, rf_star ([STATE-3]) and run(x) from cold.

class Linear:
    """Section 9."""

    def __init__(self, config, blob: Blob):
        self.taps = blob.take(config["receptive_field"], "taps")  # [LIN-4]
        self.bias = blob.take(1, "bias")[0] if config["bias"] else 0.0
        self.in_channels = self.out_channels = config.get("in_channels", 1)  # [LIN-2]
        self.rf_star = len(self.taps)  # [LIN-6]

    def run(self, x):  # [LIN-5]: taps[0] multiplies the current sample
        return [[self.bias + sum(w * row[t - k] for k, w in enumerate(self.taps) if t - k >= 0)
                 for t in range(len(row))] for row in x]


class ConvNet:
    """Section 10."""

    def __init__(self, config, blob: Blob):
        channels, groups = config["channels"], config.get("groups", 1)
        self.in_channels, self.out_channels = config.get("in_channels", 1), config.get("out_channels", 1)
        self.batchnorm = config["batchnorm"]
        self.act = activation(config["activation"])
        self.blocks = []
        for j, d in enumerate(config["dilations"]):  # [CNN-3]
            c_in = self.in_channels if j == 0 else channels
            conv = blob.conv(f"block{j}", c_in, channels, 2, d, groups, bias=not self.batchnorm)
            norm = None
            if self.batchnorm:
                norm = [blob.take(channels, f"block{j}.{what}") for what in ("mean", "var", "gamma", "beta")]
                norm.append(blob.take(1, f"block{j}.eps")[0])
            self.blocks.append((conv, norm))
        self.head = blob.conv("head", channels, self.out_channels)
        self.rf_star = 1 + sum(config["dilations"])  # [CNN-6]

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
    """Section 11."""

    def __init__(self, config, blob: Blob):
        H = self.hidden = config["hidden_size"]
        self.in_channels, self.out_channels = config.get("in_channels", 1), config.get("out_channels", 1)
        self.layers = []
        for l in range(config["num_layers"]):  # [LSTM-3]
            width = (config["input_size"] if l == 0 else H) + H
            flat = blob.take(4 * H * width, f"layer{l}.w")
            w = [flat[r * width:(r + 1) * width] for r in range(4 * H)]  # row-major [4H][I + H] ([LSTM-4])
            self.layers.append((w, blob.take(4 * H, f"layer{l}.b"), blob.take(H, f"layer{l}.h0"),
                                blob.take(H, f"layer{l}.c0")))
        flat = blob.take(self.out_channels * H, "head.w")
        self.head_w = [flat[o * H:(o + 1) * H] for o in range(self.out_channels)]
        self.head_b = blob.take(self.out_channels, "head.b")
        self.rf_star = 1  # [STATE-3]

    def step(self, w, b, u, h, c):
        """One layer at one time step ([LSTM-5]): the new (h, c)."""
        H = self.hidden
        v = u + h  # [u; h]: the input columns first ([LSTM-4])
        z = [b[r] + sum(w[r][k] * v[k] for k in range(len(v))) for r in range(4 * H)]
        i = [sigmoid(z[k]) for k in range(H)]
        f = [sigmoid(z[H + k]) for k in range(H)]
        g = [math.tanh(z[2 * H + k]) for k in range(H)]
        o = [sigmoid(z[3 * H + k]) for k in range(H)]
        c = [f[k] * c[k] + i[k] * g[k] for k in range(H)]
        h = [o[k] * math.tanh(c[k]) for k in range(H)]
        return h, c

    def run(self, x):  # [LSTM-5], from the stored state ([LSTM-6])
        state = [(list(h0), list(c0)) for _, _, h0, c0 in self.layers]
        y = zeros(self.out_channels, len(x[0]))
        for t in range(len(x[0])):
            u = [row[t] for row in x]
            for l, (w, b, _, _) in enumerate(self.layers):
                h, c = self.step(w, b, u, *state[l])
                state[l] = (h, c)
                u = h
            for r in range(self.out_channels):
                y[r][t] = self.head_b[r] + sum(self.head_w[r][k] * u[k] for k in range(self.hidden))
        return y


# 12. WaveNet.

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


def per_layer_settings(raw) -> list[dict]:
    """Dilation, kernel, activations and gating of every layer ([WN-ARR-2] to [WN-ARR-7])."""
    dilations = raw["dilations"]
    n = len(dilations)

    def per_layer(value):
        return value if isinstance(value, list) else [value] * n

    kernels = raw["kernel_sizes"] if "kernel_sizes" in raw else [raw["kernel_size"]] * n  # [WN-ARR-3]
    primaries = per_layer(raw["activation"])  # [WN-ARR-4]
    if raw.get("gating_mode") is not None:  # [WN-ARR-5], [WN-ARR-7]
        modes, secondaries = per_layer(raw["gating_mode"]), per_layer(raw.get("secondary_activation"))
    elif raw.get("gated"):  # the legacy key: sigmoid-gated, secondary_activation ignored ([WN-ARR-6])
        modes, secondaries = ["gated"] * n, [None] * n
    else:
        modes, secondaries = ["none"] * n, [None] * n
    return [dict(dilation=dilations[l], kernel=kernels[l], primary=primaries[l], gating=modes[l],
                 secondary="Sigmoid" if secondaries[l] is None else secondaries[l]) for l in range(n)]


def film_settings(raw) -> dict:
    """{slot: (shift, groups)} of every active FiLM ([WN-ARR-12]: absent or false is inactive, and an
    object without `active` is active)."""
    films = {}
    for slot in FILM_SLOTS:
        value = raw.get(slot + "_film", False)
        if value is not False and value.get("active", True):
            films[slot] = (value.get("shift", True), value.get("groups", 1))
    return films


class WaveNetArray:
    """One layer array: its settings with every default and legacy form of section 12.2 resolved, its
    weights ([WN-W-1]) and its computation (sections 12.4 and 12.5)."""

    def __init__(self, raw):
        self.input_size, self.condition_size = raw["input_size"], raw["condition_size"]
        self.channels = raw["channels"]
        self.bottleneck = raw.get("bottleneck", self.channels)  # [WN-ARR-8]
        self.layers = per_layer_settings(raw)
        l1 = raw.get("layer1x1", {"active": True, "groups": 1})  # [WN-ARR-9]
        self.layer1x1_groups = l1["groups"] if l1["active"] else None
        h1 = raw.get("head1x1", {"active": False})  # [WN-ARR-10]
        self.head1x1_channels = h1["out_channels"] if h1["active"] else None
        self.head1x1_groups = h1["groups"] if h1["active"] else None
        self.groups_input, self.groups_input_mixin = raw.get("groups_input", 1), raw.get("groups_input_mixin", 1)
        self.films = film_settings(raw)
        head = raw.get("head")  # [WN-ARR-13]
        if head is not None:
            self.head_size, self.head_kernel = head["out_channels"], head["kernel_size"]
            self.head_dilation, self.head_bias = head.get("head_dilation", 1), head["bias"]
        else:
            self.head_size, self.head_bias = raw["head_size"], raw["head_bias"]
            self.head_kernel = self.head_dilation = 1
        slim = raw.get("slimmable")  # [WN-ARR-14], [WN-SLIM-1], [WN-SLIM-3]
        self.allowed = None
        if slim is not None:
            self.allowed = slim.get("kwargs", {}).get("allowed_channels") or list(range(1, self.channels + 1))

    def z(self, layer) -> int:
        """Z_l: G_l · B (section 12's notation)."""
        return (1 if layer["gating"] == "none" else 2) * self.bottleneck

    @property
    def head_path_width(self) -> int:
        """Dh: H1 when head1x1 is active, else B."""
        return self.head1x1_channels if self.head1x1_channels is not None else self.bottleneck

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
            if self.head1x1_channels is not None:
                layer["head1x1"] = blob.conv(p + "head1x1", B, self.head1x1_channels, groups=self.head1x1_groups)
            layer["films"] = {}
            for slot, (shift, groups) in self.films.items():
                width = self.film_width(slot, layer)
                conv = blob.conv(p + slot + "_film", S, (2 if shift else 1) * width, groups=groups)
                layer["films"][slot] = FiLM(conv, width, shift)
        self.head = blob.conv(f"{a}.head", self.head_path_width, self.head_size, self.head_kernel, self.head_dilation,
                              bias=self.head_bias)

    def gate(self, layer, z):
        """[WN-LAYER-5]: rows 0…B−1 of z feed the primary activation φ, rows B…2B−1 the secondary σ."""
        B = self.bottleneck
        phi = activation(layer["primary"])
        if layer["gating"] == "none":
            return apply(phi, z)
        sigma = activation(layer["secondary"])
        if layer["gating"] == "gated":
            return [[phi(p, r) * sigma(q, r) for p, q in zip(z[r], z[B + r])] for r in range(B)]
        a = []  # blended
        for r in range(B):
            alpha = [sigma(q, r) for q in z[B + r]]
            a.append([al * phi(p, r) + (1.0 - al) * p for al, p in zip(alpha, z[r])])
        return a

    def layer(self, layer, x, c):
        """[WN-LAYER-4]: the residual output and the head contribution."""
        def film(slot, v):  # [f](v) of [WN-LAYER-4]; every FiLM reads c ([WN-FILM-3])
            f = layer["films"].get(slot)
            return v if f is None else f(v, c)

        z = film("conv_post", layer["conv"](film("conv_pre", x)))  # [WN-LAYER-2]
        m = film("input_mixin_post", layer["mixin"](film("input_mixin_pre", c)))  # [WN-LAYER-3]
        z = film("activation_pre", add(z, m))
        a = film("activation_post", self.gate(layer, z))
        if self.layer1x1_groups is not None:  # [WN-LAYER-6]
            x_next = add(x, film("layer1x1_post", layer["layer1x1"](a)))
        else:  # [WN-LAYER-7]
            x_next = add(x, a)
        h = film("head1x1_post", layer["head1x1"](a)) if self.head1x1_channels is not None else a  # [WN-LAYER-8]
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
    """Section 12, and section 13 when a size is given."""

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
        cond = config.get("condition_dsp")  # [WN-COND-2]: its weights are its own
        self.condition = None if cond is None else build(cond)
        if size is not None and any(arr.allowed for arr in self.arrays):
            self.slim(slim_widths(self.arrays, size))
        self.out_channels = self.post[-1].c_out if self.post else self.arrays[-1].head_size  # [WN-2]
        self.rf_star = ((self.condition.rf_star if self.condition else 1) + sum(arr.rf() for arr in self.arrays)
                        + sum(conv.kernel - 1 for conv in self.post))  # [WN-RF-2], with [STATE-3]

    def slim(self, widths: list[int]) -> None:
        """Replace every tensor by its leading part at the slim widths ([WN-SLIM-6], [WN-SLIM-7])."""
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


# 13. Slimmable WaveNet.

def slim_widths(arrays: list[WaveNetArray], size: float) -> list[int]:
    """[WN-SLIM-5]: allowed_channels[min(max(⌊v·n⌋, 0), n − 1)] for a slimmable array, else its width."""
    widths = []
    for arr in arrays:
        if arr.allowed:
            n = len(arr.allowed)
            widths.append(arr.allowed[min(max(math.floor(size * n), 0), n - 1)])
        else:
            widths.append(arr.channels)
    return widths


# 14. SlimmableContainer.

def container_index(config, size) -> int:
    """[CONT-6]: the first submodel with v < max_value, else the last; the last before any size is set."""
    entries = config["submodels"]
    if size is None:
        return len(entries) - 1
    for i, entry in enumerate(entries):
        if size < entry["max_value"]:
            return i
    return len(entries) - 1


# 14A. Sequential.

class Sequential:
    """[SEQ-5]: the models one after another. The chain runs from cold over the input padded once by its
    own RF* − 1, so each model's past is its predecessor's response to silence ([SEQ-8])."""

    def __init__(self, models):
        self.models = models
        self.in_channels, self.out_channels = models[0].in_channels, models[-1].out_channels  # [SEQ-4]
        self.rf_star = 1 + sum(m.rf_star - 1 for m in models)  # [SEQ-7]

    def run(self, x):
        for m in self.models:
            x = m.run(x)
        return x


# Any document.

def build(document, size=None, weights=True):
    """A runnable model for a document; `weights=False` reads zeros and only records the layout."""
    config, architecture = document["config"], document["architecture"]
    if architecture == "SlimmableContainer":  # [CONT-7]
        return build(config["submodels"][container_index(config, size)]["model"], weights=weights)
    if architecture == "Sequential":  # one size for every model ([SEQ-6])
        return Sequential([build(m, size, weights) for m in config["models"]])
    blob = Blob(document["weights"] if weights else None)
    kind = {"Linear": Linear, "ConvNet": ConvNet, "LSTM": LSTM}.get(architecture)
    model = WaveNet(config, blob, size) if architecture == "WaveNet" else kind(config, blob)
    blob.finish()
    model.blob_layout = blob.layout
    return model


def layout(document) -> list[tuple[str, int]]:
    """Every tensor of the document's own blob, in order, with its number of weights ([W-3], [W-4])."""
    if document["architecture"] in ("SlimmableContainer", "Sequential"):
        return []  # [CONT-2], [SEQ-2]
    return build(document, weights=False).blob_layout


# 15. Initial state.

def render(document, x, size=None, initial_state: str = "silent") -> np.ndarray:
    """The output (out_channels × samples, float64) for x (1-D, or channels × samples), from the silent
    past ([STATE-4]: the cold-state output for RF* − 1 zeros then x, those zeros' outputs dropped) or
    from the cold state ([STATE-2])."""
    model = build(document, size)
    rows = [[float(v) for v in row] for row in np.atleast_2d(np.asarray(x, dtype=np.float64))]
    pad = model.rf_star - 1 if initial_state == "silent" else 0
    y = model.run([[0.0] * pad + row for row in rows])
    return np.array([row[pad:] for row in y], dtype=np.float64)
