"""Near misses of the popular exact shapes: engines dispatch the WaveNet shapes found in real files
(the trainer's A1 presets, A2 lite and full exports, the packed A2 container) to specialised code, and
a shape detector that overlooks one key runs a file it does not compute. For each shape: the exact
shape, and the exact shape with one thing changed (a condition_dsp, a FiLM slot, another activation,
gating, a kernel size, the head, the sample rate). `conformance/test_near_miss.py` runs them.

A2 lite gets every change and every FiLM slot, A1 nano every change; the larger shapes (150 to 200 kB
each) only the changes a shape detector most often overlooks, to keep the corpus a few MB (a FiLM on head1x1's output needs
an active head1x1, so that slot is shown with one). Every model states its sample rate (48000 unless
the change is the rate).
"""

from __future__ import annotations

from . import documents, realistic, wavenet_arrays, writers
from .activations import ActivationChoice
from .models import Draft
from .source import RandomSource
from .wavenet_arrays import FILM_SLOTS, Film
from .weights import Tensor

COMMON = ("condition_dsp", "film.conv_pre", "activation", "gating", "kernel", "head", "sample_rate")
SHAPES = {  # name -> (the arrays of the exact shape, the changes shown, description)
    "a2_lite": (lambda: [realistic.a2_array(3)], ("exact",) + COMMON + tuple(f"film.{s}" for s in FILM_SLOTS[1:]),
                "A2 lite: 23 LeakyReLU layers of 3 channels, kernels 6 and 15, a kernel-16 head"),
    "a2_full": (lambda: [realistic.a2_array(8)], ("condition_dsp",),
                "A2 full: 23 LeakyReLU layers of 8 channels"),
    "a1_standard": (lambda: realistic.a1_arrays(16, "standard"),
                    ("condition_dsp", "film.conv_pre", "activation"),
                    "A1 standard: 16 then 8 channels, dilations 1 to 512 twice, Tanh"),
    "a1_feather": (lambda: realistic.a1_arrays(8, "lite"), ("exact",), "A1 feather: 8 then 4 channels"),
    "a1_nano": (lambda: realistic.a1_arrays(4, "lite"), ("exact",) + COMMON, "A1 nano: 4 then 2 channels"),
}
# The exact A2 full, A1 standard and packed A2 shapes are the fixtures realistic.a2, realistic.a1_standard and
# realistic.a2_packed; A2 lite and A1 nano, the smallest of their families, show every change.
CHANGES = {
    "exact": "the exact shape",
    "condition_dsp": "a Linear condition_dsp feeds the condition",
    "activation": "another activation (LeakyReLU of slope 0.02 for A2, ReLU for A1)",
    "gating": "every layer of the first array gated",
    "kernel": "one kernel size changed (the first layer's 6 to 5 for A2; 3 to 2 in the first array for A1)",
    "head": "an active head1x1 in the first array",
    "sample_rate": "a sample rate of 44100",
    **{f"film.{s}": f"an active {s} FiLM in the first array" + (" (with the head1x1 it needs)"
                                                               if s == "head1x1_post" else "") for s in FILM_SLOTS},
}


def _condition() -> Draft:
    return Draft("Linear", {"receptive_field": 3, "bias": True},
                 [Tensor("taps", (3,), fan_in=3, oldest_tap=-1), Tensor("bias", (1,), "bias")], 1, 1, 3, True)


def _change(arrays, change: str, a2: bool) -> None:
    first = arrays[0]
    if change.startswith("film."):
        slot = change[5:]
        first.films = {slot: Film(shift=True, groups=1, write_active=True, write_shift=True, write_groups=True)}
        first.inactive_films.pop(slot, None)
        if slot == "head1x1_post":
            change = "head"
    if change == "head":
        first.head1x1, first.head1x1_key, first.H1 = True, True, first.B
    elif change == "activation":
        act = (ActivationChoice("LeakyReLU", (("negative_slope", 0.02),), as_object=True) if a2
               else ActivationChoice("ReLU"))
        for arr in arrays:
            for layer in arr.layers:
                layer.activation = act
    elif change == "gating":
        for layer in first.layers:
            layer.gating = "gated"
        if not a2:
            first.gating_form = "legacy"
    elif change == "kernel":
        for layer in first.layers[:1] if a2 else first.layers:
            layer.kernel = 5 if a2 else 2


def _document(seed: int, arrays, change: str, a2: bool, head_scale: float | None = None) -> dict:
    src = RandomSource(seed)
    _change(arrays, change, a2)
    wavenet_arrays.chain(src, arrays, 1, 1, 1, None)
    scale = wavenet_arrays.draw_head_scale(src) if head_scale is None else head_scale
    draft = wavenet_arrays.draft(src, arrays, None, _condition() if change == "condition_dsp" else None, 1, 1, scale, False)
    doc = documents.from_draft(src, draft, metadata=False)
    doc["sample_rate"] = 44100 if change == "sample_rate" else 48000
    return writers.trainer_forms(doc)


def _packed(seed: int, change: str) -> dict:
    """The A2-shaped packed container of realistic.a2_packed, its wide submodel changed."""
    src = RandomSource(seed)
    head_scale = 0.01
    narrow = realistic.draft(src, [realistic.a2_array(3)], head_scale)
    arrays = [realistic.a2_array(8)]
    wavenet_arrays.chain(src, arrays, 1, 1, 1, None)
    wide = wavenet_arrays.draft(src, arrays, None, _condition() if change == "condition_dsp" else None, 1, 1, head_scale, False)
    container = Draft("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": narrow},
                                                           {"max_value": 1.0, "model": wide}]},
                      [], 1, 1, None, False, (0, 7, 0))
    return writers.trainer_forms(documents.from_draft(src, container, metadata=False))


def near_miss_documents(seed_of) -> dict[str, tuple[dict, int, str]]:
    """id -> (document, seed, description); `seed_of(name)` gives each document's seed."""
    out = {}
    for shape, (arrays, changes, description) in SHAPES.items():
        for change in changes:
            case_id = f"near_miss.{shape}.{change}"
            seed = seed_of(case_id)
            out[case_id] = (_document(seed, arrays(), change, shape.startswith("a2")), seed,
                            f"{description}; {CHANGES[change]}")
    for change in ("condition_dsp",):
        case_id = f"near_miss.a2_packed.{change}"
        seed = seed_of(case_id)
        out[case_id] = (_packed(seed, change), seed, f"the A2-shaped packed container of 3 and 8 channels; its wide "
                                                     f"submodel: {CHANGES[change]}")
    return out
