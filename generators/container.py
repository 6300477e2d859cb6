"""SlimmableContainer drafts (spec section 14): packed-training exports and mixed containers."""

from __future__ import annotations

from . import wavenet
from .models import Build, Draft, Slot
from .plan import LEAF_ARCHITECTURES, Plan
from .source import Source


def build(src: Source, plan: Plan, slot: Slot, build_model: Build) -> Draft:
    if plan.packed:
        count = src.integer(2, 3, "packed submodels")
        drafts = wavenet.packed_variants(src, plan.submodels[0], count, slot.size, build_model)
        thresholds = [(i + 1) / count for i in range(count)]  # the trainer's packed export ([CONT-10])
    else:
        plans = list(plan.submodels)
        if slot.size == "realistic" and not plans:
            plans = [Plan("LSTM", frozenset({"arch.lstm"})), Plan("WaveNet", frozenset({"arch.wavenet"}))]
        extra = src.integer(0 if plans else 1, 2 if slot.size == "small" else 0, "extra submodels")
        for i in range(extra):
            arch = src.choice(LEAF_ARCHITECTURES, f"extra submodel {i} architecture")
            plans.append(Plan(arch, frozenset({f"arch.{arch.lower()}"})))
        while plan.mixed and len({p.architecture for p in plans}) < 2:
            present = {p.architecture for p in plans}
            arch = src.choice([a for a in LEAF_ARCHITECTURES if a not in present], "architecture that mixes")
            plans.append(Plan(arch, frozenset({f"arch.{arch.lower()}"})))
        ordered = []
        while plans:
            ordered.append(plans.pop(src.integer(0, len(plans) - 1, "next submodel")))
        drafts = [build_model(src, p, Slot("submodel", 1, 1, slot.size)) for p in ordered]
        thresholds = _thresholds(src, len(drafts))
    config = {"submodels": [{"max_value": t, "model": d} for t, d in zip(thresholds, drafts)]}
    last = drafts[-1]
    return Draft("SlimmableContainer", config, [], 1, 1, last.receptive_field, last.rf_exact, (0, 7, 0))


def _thresholds(src: Source, count: int) -> list[float]:
    """Strictly increasing, the last at least 1.0 ([CONT-3])."""
    grid = [k / 20 for k in range(1, 20)]
    chosen = []
    for i in range(count - 1):
        options = [g for g in grid if not chosen or g > chosen[-1]]
        options = options[:len(options) - (count - 2 - i)]  # leave room for the thresholds still to come
        chosen.append(src.choice(options, f"max_value {i}"))
    return chosen + [src.choice([1.0, 1, 1.5], "last max_value")]
