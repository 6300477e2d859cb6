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
        s = self.conv(c)  # (m·D × n): scale rows, then shift rows
        out = x * s[:self.width]
        if self.shift:
            out += s[self.width:]
        return out


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
        """`[slot](x)`: the FiLM if that slot is active, else x unchanged."""
        f = self.films.get(slot)
        return x if f is None else f(x, c)

    def gate(self, z: np.ndarray) -> np.ndarray:
        """[WN-LAYER-5]: the first B rows feed the primary activation, the next B the secondary."""
        if self.gating == "none":
            return self.primary(z)
        top, bottom = z[:self.bottleneck], z[self.bottleneck:]
        if self.gating == "gated":
            return self.primary(top) * self.secondary(bottom)
        alpha = self.secondary(bottom)  # blended
        return alpha * self.primary(top) + (self.one - alpha) * top

    def mixin_term(self, c: np.ndarray) -> np.ndarray:
        """m of [WN-LAYER-4]: the input mixin of the condition, with its FiLMs. It depends on c alone."""
        return self.film("input_mixin_post", self.mixin(self.film("input_mixin_pre", c, c)), c)

    def __call__(self, x: np.ndarray, c: np.ndarray, history, m: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
        """`m` is this layer's `mixin_term(c)` when the caller has already computed it."""
        z = self.film("conv_post", self.conv(self.film("conv_pre", x, c), history), c)
        z = self.film("activation_pre", z + (self.mixin_term(c) if m is None else m), c)
        a = self.film("activation_post", self.gate(z), c)
        if self.layer1x1 is not None:  # [WN-LAYER-6]: the FiLM applies in every gating mode
            x_next = self.film("layer1x1_post", self.layer1x1(a), c)
            x_next += x
        elif self.keeps_input:
            x_next = x
        else:  # [WN-LAYER-7]
            x_next = x + a
        h = self.film("head1x1_post", self.head1x1(a), c) if self.head1x1 is not None else a  # [WN-LAYER-8]
        return x_next, h


class LayerArray:
    def __init__(self, arr: ArrayConfig, index: int, tensors: dict, dtype, reading: Reading = EXACT):
        p = f"{index}."
        self.rechannel = Conv(tensors[p + "rechannel.w"], None, arr.input_size, dtype=dtype)  # [WN-FWD-1]
        self.layers = [Layer(arr, layer, tensors, f"{p}{l}.", dtype, reading) for l, layer in enumerate(arr.layers)]
        dilation = 1 if reading.speaks("DIV-6") else arr.head_dilation  # [DIALECT-3]: the trainer drops the key
        self.head = Conv(tensors[p + "head.w"], tensors.get(p + "head.b"), arr.head_path_width,
                         dilation=dilation, dtype=dtype)  # [WN-FWD-3]
        self.head_path_width = arr.head_path_width
        # Without FiLM on the condition path, every layer's mixin term is W_mixin @ c: one product of the
        # layers' stacked dense (Z_l × S) matrices gives them all; mixin_rows[l] are layer l's rows.
        self.stacked_mixin = None
        if arr.film("input_mixin_pre") is None and arr.film("input_mixin_post") is None:
            stacked = np.concatenate([layer.mixin.taps[0] for layer in self.layers])
            self.stacked_mixin = Conv(stacked[:, :, None], None, arr.condition_size, dtype=dtype)
            ends = np.cumsum([layer.mixin.c_out for layer in self.layers])
            self.mixin_rows = [slice(end - layer.mixin.c_out, end) for layer, end in zip(self.layers, ends)]

    def mixin_terms(self, c: np.ndarray) -> list[np.ndarray]:
        """Every layer's mixin term m ([WN-LAYER-4]): they depend on the condition alone."""
        if self.stacked_mixin is None:
            return [layer.mixin_term(c) for layer in self.layers]
        m = self.stacked_mixin(c)
        return [m[rows] for rows in self.mixin_rows]

    def new_state(self):
        return [layer.conv.new_history() for layer in self.layers] + [self.head.new_history()]

    def __call__(self, X, c, H_previous, state):
        """[WN-FWD-2]: returns the last layer's residual output and the array's head output."""
        x = self.rechannel(X)
        acc = H_previous
        for layer, history, m in zip(self.layers, state, self.mixin_terms(c)):
            x, h = layer(x, c, history, m)
            acc = h if acc is None else acc + h
        return x, self.head(acc, state[-1])


class WaveNetNetwork:
    def __init__(self, cfg: WaveNetConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        reader = WeightReader(weights)
        tensors = {t.name: reader.take(*t.shape) for t in cfg.layout()}
        reader.finish()
        self.arrays = [LayerArray(arr, a, tensors, dtype, reading) for a, arr in enumerate(cfg.arrays)]
        self.head_scale = dtype(tensors["head_scale"])  # the last weight ([WN-3])
        self.post = []
        if cfg.post_head:
            act = cfg.post_head.activation.bind(dtype, reading)
            for i, (c_in, _) in enumerate(cfg.post_head.widths(cfg.arrays[-1].head_size)):
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
