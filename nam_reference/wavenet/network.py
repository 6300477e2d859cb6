"""Running a WaveNet: the layer, the layer array and the model (spec sections 12.3 to 12.7)."""

from __future__ import annotations

import numpy as np

from ..conv import Conv, WeightReader
from ..readings import EXACT, Reading
from .config import ArrayConfig, LayerConfig, WaveNetConfig


class FiLM:
    """[WN-FILM-1]: x ⊙ scale(c) (+ shift(c)), with scale and shift from a grouped 1×1 on the condition."""

    def __init__(self, conv: Conv, width: int, shift: bool):
        self.conv, self.width, self.shift = conv, width, shift

    def __call__(self, x: np.ndarray, c: np.ndarray) -> np.ndarray:
        s = self.conv(c)  # s = W_f @ c + b_f: D scale rows, then (with shift) D shift rows
        if self.shift:
            return x * s[:self.width] + s[self.width:]
        return x * s[:self.width]


class Layer:
    """One layer: returns the residual output x' and the head contribution h ([WN-LAYER-4])."""

    def __init__(self, arr: ArrayConfig, layer: LayerConfig, tensors: dict, prefix: str, dtype,
                 reading: Reading = EXACT):
        C, B, S = arr.channels, arr.bottleneck, arr.condition_size

        def conv(name, c_in, groups=1, dilation=1, bias=True):
            w = tensors[prefix + name + ".w"]
            b = tensors[prefix + name + ".b"] if bias else None
            return Conv(w, b, c_in, dilation, groups, dtype)

        self.conv = conv("conv", C, arr.groups_input, layer.dilation)  # [WN-LAYER-2]
        self.mixin = conv("mixin", S, arr.groups_input_mixin, bias=False)  # [WN-LAYER-3]
        self.layer1x1 = conv("layer1x1", B, arr.layer1x1_groups) if arr.layer1x1_groups is not None else None
        self.head1x1 = conv("head1x1", B, arr.head1x1.groups) if arr.head1x1 else None
        self.films = {slot: FiLM(conv(f"film.{slot}", S, film.groups), arr.film_width(slot, layer), film.shift)
                      for slot, film in arr.films}
        self.gating, self.bottleneck = layer.gating, B
        self.primary = layer.activation.bind(dtype, reading)
        self.secondary = layer.secondary.bind(dtype, reading) if layer.secondary else None
        if reading.speaks("DIV-5") and layer.gating != "blended":  # [DIALECT-2]
            self.films.pop("layer1x1_post", None)
        self.keeps_input = reading.speaks("DIV-4")  # [DIALECT-2]: without layer1x1, x' = x
        self.one = dtype(1)

    def film(self, slot: str, x: np.ndarray, c: np.ndarray) -> np.ndarray:
        """`[slot](x)`: the FiLM if that slot is active, else x unchanged ([WN-FILM-2], [WN-FILM-3])."""
        f = self.films.get(slot)
        return x if f is None else f(x, c)

    def gate(self, z: np.ndarray) -> np.ndarray:
        """[WN-LAYER-5]: the first B rows feed the primary activation φ, the next B the secondary σ."""
        if self.gating == "none":
            return self.primary(z)  # a = φ(z)
        top, bottom = z[:self.bottleneck], z[self.bottleneck:]
        if self.gating == "gated":
            return self.primary(top) * self.secondary(bottom)  # a = φ(z[0:B]) ⊙ σ(z[B:2B])
        alpha = self.secondary(bottom)  # blended: α = σ(z[B:2B])
        return alpha * self.primary(top) + (self.one - alpha) * top  # a = α ⊙ φ(z[0:B]) + (1 − α) ⊙ z[0:B]

    def residual(self, x: np.ndarray, a: np.ndarray, c: np.ndarray) -> np.ndarray:
        """x' from the layer input x and the activation output a."""
        if self.layer1x1 is not None:
            r = self.film("layer1x1_post", self.layer1x1(a), c)  # [WN-LAYER-6], in every gating mode
            return x + r
        if self.keeps_input:  # [DIALECT-2]: without layer1x1, x' = x
            return x
        return x + a  # [WN-LAYER-7]

    def head(self, a: np.ndarray, c: np.ndarray) -> np.ndarray:
        """h, the layer's head contribution ([WN-LAYER-8])."""
        if self.head1x1 is None:
            return a
        return self.film("head1x1_post", self.head1x1(a), c)

    def __call__(self, x: np.ndarray, c: np.ndarray, history) -> tuple[np.ndarray, np.ndarray]:
        """[WN-LAYER-4], one step a line: returns the residual output x' and the head contribution h."""
        u = self.film("conv_pre", x, c)
        z = self.conv(u, history)  # [WN-LAYER-2]
        z = self.film("conv_post", z, c)
        m = self.mixin(self.film("input_mixin_pre", c, c))  # [WN-LAYER-3]
        m = self.film("input_mixin_post", m, c)
        z = self.film("activation_pre", z + m, c)
        a = self.gate(z)  # [WN-LAYER-5]
        a = self.film("activation_post", a, c)
        x_next = self.residual(x, a, c)  # [WN-LAYER-6], [WN-LAYER-7]
        h = self.head(a, c)  # [WN-LAYER-8]
        return x_next, h


class LayerArray:
    """A layer array ([WN-FWD-1] to [WN-FWD-3]): rechannel, the layers in order, the head rechannel."""

    def __init__(self, arr: ArrayConfig, index: int, tensors: dict, dtype, reading: Reading = EXACT):
        p = f"{index}."
        self.rechannel = Conv(tensors[p + "rechannel.w"], None, arr.input_size, dtype=dtype)  # [WN-FWD-1]
        self.layers = [Layer(arr, layer, tensors, f"{p}{l}.", dtype, reading) for l, layer in enumerate(arr.layers)]
        dilation = 1 if reading.speaks("DIV-6") else arr.head_dilation  # [DIALECT-3]: the trainer drops the key
        self.head = Conv(tensors[p + "head.w"], tensors.get(p + "head.b"), arr.head_path_width,
                         dilation=dilation, dtype=dtype)  # [WN-FWD-3]
        self.head_path_width = arr.head_path_width

    def new_state(self):
        return [layer.conv.new_history() for layer in self.layers] + [self.head.new_history()]

    def __call__(self, X, c, H_previous, state):
        """Returns the last layer's residual output and the array's head output H_a."""
        x = self.rechannel(X)  # [WN-FWD-1]
        accumulator = H_previous  # [WN-FWD-2]: H_{a−1}, or None (zero) for the first array
        for layer, history in zip(self.layers, state):
            x, h = layer(x, c, history)  # [WN-FWD-2]: each layer takes the previous one's x'
            accumulator = h if accumulator is None else accumulator + h
        return x, self.head(accumulator, state[-1])  # [WN-FWD-3]


class WaveNetNetwork:
    """The model: the condition, the arrays chained, head_scale and the post-stack head ([WN-FWD-4] to
    [WN-FWD-6], [WN-HEAD-3])."""

    def __init__(self, cfg: WaveNetConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        reader = WeightReader(weights)
        tensors = {t.name: reader.take(*t.shape) for t in cfg.layout()}
        reader.finish()
        self.arrays = [LayerArray(arr, a, tensors, dtype, reading) for a, arr in enumerate(cfg.arrays)]
        self.head_scale = dtype(tensors["head_scale"])  # the last weight ([WN-3])
        self.post = []
        if cfg.post_head:
            act = cfg.post_head.activation.bind(dtype, reading)
            for i, (c_in, _) in enumerate(cfg.post_head.widths(cfg.arrays[-1].head_size)):  # [WN-HEAD-2]
                self.post.append((act, Conv(tensors[f"post.{i}.w"], tensors[f"post.{i}.b"], c_in, dtype=dtype)))
        cond = cfg.condition
        self.condition = cond.config.build(cond.weights, dtype, reading) if cond else None
        self.in_channels, self.out_channels = cfg.in_channels, cfg.out_channels

    def new_state(self):
        return {
            "condition": self.condition.new_state() if self.condition else None,
            "arrays": [arr.new_state() for arr in self.arrays],
            "post": [conv.new_history() for _, conv in self.post],
        }

    def process(self, x: np.ndarray, state) -> np.ndarray:
        c = self.condition.process(x, state["condition"]) if self.condition else x  # [WN-FWD-5]
        X, H = x, None
        for arr, arr_state in zip(self.arrays, state["arrays"]):
            X, H = arr(X, c, H, arr_state)  # [WN-FWD-4]
        y = self.head_scale * H  # [WN-FWD-6]
        for (act, conv), history in zip(self.post, state["post"]):
            y = conv(act(y), history)  # [WN-HEAD-3]
        return y
