"""ConvNet: dilated kernel-2 convolution blocks with optional batch norm, and a 1×1 head (spec section 10)."""

from __future__ import annotations

import dataclasses

import numpy as np

from . import activations
from .conv import Conv, WeightReader, conv_weight_count
from .readings import EXACT, Reading


@dataclasses.dataclass(frozen=True)
class ConvNetConfig:
    channels: int
    dilations: tuple[int, ...]
    batchnorm: bool
    activation: activations.Activation
    groups: int
    in_channels: int
    out_channels: int

    def block_inputs(self) -> list[int]:
        return [self.in_channels] + [self.channels] * (len(self.dilations) - 1)

    def weight_count(self) -> int:  # [CNN-3]
        c = self.channels
        per_norm = 4 * c + 1 if self.batchnorm else 0
        blocks = sum(conv_weight_count(cin, c, 2, self.groups, bias=not self.batchnorm) + per_norm
                     for cin in self.block_inputs())
        return blocks + conv_weight_count(c, self.out_channels)

    def receptive_field(self) -> int:
        return 1 + sum(self.dilations)  # [CNN-6]

    def conv_receptive_field(self) -> int:
        return self.receptive_field()

    def receptive_field_is_exact(self, weights) -> bool:
        return True  # one chain passes through every block ([WN-RF-4])

    def check_weights(self, weights: np.ndarray, ctx) -> bool:
        """[CNN-4]: var + eps > 0 for every batch-norm channel (needs the blob, so it runs after the count)."""
        if not self.batchnorm:
            return True
        reader = WeightReader(weights)
        for j, cin in enumerate(self.block_inputs()):
            reader.take(conv_weight_count(cin, self.channels, 2, self.groups, bias=False))
            _, var, _, _ = (reader.take(self.channels) for _ in range(4))
            eps = reader.take(1)[0]
            bad = np.flatnonzero(~(var + eps > 0))
            if bad.size:
                ctx.report.error(ctx.path + "/weights", "CNN-4", f"block {j}, channel {int(bad[0])}: var + eps must "
                                 f"be > 0 (var {var[bad[0]]}, eps {eps})", "consistency")
                return False
        return True

    def build(self, weights: np.ndarray, dtype, reading: Reading = EXACT) -> "ConvNetNetwork":
        return ConvNetNetwork(self, weights, dtype, reading)


def parse_config(config: dict, ctx) -> ConvNetConfig | None:
    if not ctx.at_most_one_weight_each(len(config["dilations"]), "blocks"):
        return None
    act = activations.parse(config["activation"])
    cfg = ConvNetConfig(int(config["channels"]), tuple(int(d) for d in config["dilations"]), config["batchnorm"],
                        act, int(config.get("groups", 1)), int(config.get("in_channels", 1)),
                        int(config.get("out_channels", 1)))
    ok = True
    for clause, message in activations.problems(act):
        ctx.error(("activation",), clause, message)
        ok = False
    for j, cin in enumerate(cfg.block_inputs()):
        if cin % cfg.groups or cfg.channels % cfg.groups:
            ctx.error(("groups",), "CNN-2",
                      f"groups ({cfg.groups}) must divide block {j}'s input width ({cin}) and channels ({cfg.channels})")
            ok = False
            break
    if act.width is not None and act.width != cfg.channels:
        ctx.error(("activation",), "ACT-4", f"PReLU has {act.width} slopes; the blocks have {cfg.channels} channels")
        ok = False
    return cfg if ok else None


class BatchNorm:
    """Batch norm in inference mode, with the statistics stored in the blob ([CNN-3], [CNN-5])."""

    def __init__(self, reader: WeightReader, channels: int, dtype):
        self.mean, var, self.gamma, self.beta = (reader.take(channels).astype(dtype)[:, None] for _ in range(4))
        eps = dtype(reader.take(1)[0])
        self.std = np.sqrt(var + eps)  # > 0 by [CNN-4]

    def __call__(self, v: np.ndarray) -> np.ndarray:
        return (v - self.mean) / self.std * self.gamma + self.beta  # per channel


class ConvNetNetwork:
    def __init__(self, cfg: ConvNetConfig, weights: np.ndarray, dtype, reading: Reading = EXACT):
        reader = WeightReader(weights)
        self.blocks = []  # (W_j, its batch norm or None, act) for each block j, in the order of [CNN-3]
        for cin, d in zip(cfg.block_inputs(), cfg.dilations):
            conv = Conv.read(reader, cin, cfg.channels, kernel=2, dilation=d, groups=cfg.groups,
                             bias=not cfg.batchnorm, dtype=dtype)
            norm = BatchNorm(reader, cfg.channels, dtype) if cfg.batchnorm else None
            self.blocks.append((conv, norm, cfg.activation.bind(dtype, reading)))
        self.head = Conv.read(reader, cfg.channels, cfg.out_channels, dtype=dtype)  # W_head [O][C], b_head
        reader.finish()
        self.in_channels, self.out_channels = cfg.in_channels, cfg.out_channels

    def new_state(self):
        return [conv.new_history() for conv, _, _ in self.blocks]

    def process(self, x: np.ndarray, histories) -> np.ndarray:
        """[CNN-5], one step a line."""
        h = x  # the first block's input is the model input
        for (conv, norm, act), history in zip(self.blocks, histories):
            v = conv(h, history)  # Conv(h; W_j, k = 2, d = d_j, groups = g, bias unless batchnorm)
            if norm is not None:
                v = norm(v)  # (v − mean) / sqrt(var + eps) · gamma + beta
            h = act(v)
        return self.head(h)  # y = W_head @ h + b_head
