"""Realistic shapes: WaveNets shaped like the trainer's A1 presets and like A2 exports, with random weights.

A1 ("standard" and its smaller siblings): two arrays of kernel-3 Tanh layers, channels c then c/2,
dilations 1 … 512 (or 1 … 64, then 128 … 512 and 1 … 512). A2: one array of 23 LeakyReLU layers with
kernel sizes 6 and 15, dilations 1 … 239 three times plus [1, 13], every 0.6.0/0.7.0 key written
explicitly, a kernel-16 head; packed as a container of a narrow and a wide model.
"""

from __future__ import annotations

from . import wavenet_arrays
from .activations import ActivationChoice
from .models import Draft, Slot
from .plan import Plan
from .source import Source
from .wavenet_arrays import FILM_SLOTS, Array, Layer

A1_TAGS = frozenset({"arch.wavenet", "wavenet.multi_array", "wavenet.kernel_size", "wavenet.legacy_head", "act.tanh"})
A2_TAGS = frozenset({"arch.wavenet", "wavenet.kernel_sizes", "wavenet.head_object", "wavenet.head_kernel",
                     "act.leaky_relu"})
A1_DILATIONS = {
    "standard": ([1, 2, 4, 8, 16, 32, 64, 128, 256, 512], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]),
    "lite": ([1, 2, 4, 8, 16, 32, 64], [128, 256, 512, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]),
}
_ENV = frozenset({"env.sample_rate_absent", "env.sample_rate_other", "env.metadata_absent"})
A2_DILATIONS = [1, 3, 7, 17, 41, 101, 239] * 2 + [1, 13] + [1, 3, 7, 17, 41, 101, 239]
A2_KERNELS = [6] * 14 + [15, 15] + [6] * 7


def draft(src: Source, arrays: list[Array], head_scale: float | None = None) -> Draft:
    """A one-input, one-output WaveNet of these arrays (the head scale is drawn unless given)."""
    wavenet_arrays.chain(src, arrays, 1, 1, 1, None)
    scale = wavenet_arrays.draw_head_scale(src) if head_scale is None else head_scale
    return wavenet_arrays.draft(src, arrays, None, None, 1, 1, scale, False)


def wavenet(src: Source, plan: Plan, slot: Slot) -> Draft:
    want = set(plan.want) - {"arch.wavenet"}
    # A slimmable WaveNet needs head kernels of 1 ([WN-SLIM-4]), so only the A1 shape can be slimmable.
    shapes = [name for name, tags in (("a1", A1_TAGS | {"wavenet.slimmable"}), ("a2", A2_TAGS))
              if not (want - tags - _ENV)]
    if not shapes:
        raise ValueError(f"size='realistic' WaveNets cannot show {sorted(want - A1_TAGS - A2_TAGS - _ENV)}")
    if src.choice(shapes, "realistic WaveNet shape") == "a1":
        arrays = a1_arrays(src.choice([16, 12, 8, 4], "A1 channels"), src.choice(["standard", "lite"], "A1 dilations"),
                           "wavenet.slimmable" in want)
    else:
        arrays = [a2_array(src.choice([3, 4, 6, 8], "A2 channels"))]
    return draft(src, arrays)


def packed(src: Source, plan: Plan, count: int) -> list[Draft]:
    """An A2-like packed container: `count` widths sharing everything else ([CONT-10])."""
    want = set(plan.want) - {"arch.wavenet"}
    if want - A2_TAGS:
        raise ValueError(f"a realistic packed container cannot show {sorted(want - A2_TAGS)}")
    head_scale = wavenet_arrays.draw_head_scale(src)
    return [draft(src, [a2_array(c)], head_scale) for c in ((3, 8) if count == 2 else (3, 5, 8))]


def _plain_array(layers: list[Layer], **changes) -> Array:
    fields = dict(
        layers=layers, kernel_form="kernel_size", activation_form="single", gating_form="gated_false",
        secondary_form="absent", legacy_decoy=None, layer1x1=True, layer1x1_key=False, g1=1, head1x1=False,
        head1x1_key=False, gh=1, gi=1, gi_key=False, gm=1, gm_key=False, films={}, inactive_films={},
        bottleneck_mode=False, bottleneck_key=False, head_form="legacy", head_kernel=1, head_dilation=1,
        head_dilation_key=False, head_bias=False, slimmable=False, slim_form="absent")
    fields.update(changes)
    return Array(**fields)


def a1_arrays(channels: int, dilation_form: str, slim: bool = False) -> list[Array]:
    """The two arrays of an A1 model: `channels` then channels / 2 ("standard": 16 and 8)."""
    first, second = A1_DILATIONS[dilation_form]
    tanh = ActivationChoice("Tanh")
    arrays = []
    for dilations, c, bias in ((first, channels, False), (second, channels // 2, True)):
        arr = _plain_array([Layer(d, 3, tanh, "none", None) for d in dilations], head_bias=bias,
                           slimmable=slim, slim_form="explicit" if slim else "absent")
        arr.C = arr.B = c
        arrays.append(arr)
    return arrays


def a2_array(channels: int) -> Array:
    """The one array of an A2 model (the example export has 3 and 8 channels), every key written out."""
    leaky = ActivationChoice("LeakyReLU", (("negative_slope", 0.01),), as_object=True)
    arr = _plain_array(
        [Layer(d, k, leaky, "none", None) for d, k in zip(A2_DILATIONS, A2_KERNELS)],
        kernel_form="kernel_sizes", activation_form="list", gating_form="list", secondary_form="list",
        layer1x1_key=True, head1x1_key=True, gi_key=True, gm_key=True, bottleneck_key=True,
        inactive_films={s: {"active": False, "shift": True, "groups": 1} for s in FILM_SLOTS},
        head_form="object", head_kernel=16, head_bias=True, slim_form="null")
    arr.C = arr.B = channels
    return arr
