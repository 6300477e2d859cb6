"""WaveNet drafts (spec sections 12 and 13): every key form, every feature, every cross-field rule.

A WaveNet is drawn in three passes. First each layer array's *structure*: layers, gating, activations,
which 1x1s and FiLMs are active, group counts and key forms. Then its *widths*: C, B and H1 are
multiples of the least common multiple that every group count needs ([WN-ARR-16]), so divisibility
holds by construction. Last the chaining ([WN-ARR-18] to [WN-ARR-20]) fixes input and head sizes, and
the blob layout is listed from [WN-W-1] (both in `generators.wavenet_arrays`). A packed container
([CONT-10]) reuses one structure with several widths.
"""

from __future__ import annotations

import dataclasses
import math

from . import activations, realistic, wavenet_arrays
from .activations import ActivationChoice
from .models import Build, Draft, Slot, root_widths
from .plan import NOT_IN_SLIMMABLE, Plan
from .source import Source
from .wavenet_arrays import FILM_SLOTS, Array, Film, Layer

ARRAY_TAGS = frozenset({
    "wavenet.legacy_head", "wavenet.head_object", "wavenet.head_kernel", "wavenet.head_dilation",
    "wavenet.kernel_size", "wavenet.kernel_sizes", "wavenet.per_layer_activation", "wavenet.gated_legacy",
    "wavenet.gating.gated", "wavenet.gating.blended", "wavenet.secondary_activation", "wavenet.bottleneck",
    "wavenet.layer1x1_inactive", "wavenet.layer1x1_groups", "wavenet.head1x1", "wavenet.head1x1_groups",
    "wavenet.groups_input", "wavenet.groups_input_mixin", "wavenet.film.no_shift", "wavenet.film.groups",
    "wavenet.film.implicit_active"} | {f"wavenet.film.{slot}" for slot in FILM_SLOTS}) | frozenset(
    activations.TAG_NAMES)
# Tags that cannot share one layer array.
CONFLICTS = (
    ({"wavenet.kernel_size"}, {"wavenet.kernel_sizes"}),
    ({"wavenet.legacy_head"}, {"wavenet.head_object", "wavenet.head_kernel", "wavenet.head_dilation"}),
    ({"wavenet.gated_legacy"}, {"wavenet.secondary_activation", "wavenet.gating.blended"}),
    ({"wavenet.layer1x1_inactive"}, {"wavenet.bottleneck", "wavenet.layer1x1_groups", "wavenet.film.layer1x1_post"}),
)
NOT_IN_SLIMMABLE_ARRAY = frozenset({"wavenet.bottleneck"})


def _lcm(*values: int) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


def _compatible(assigned: set[str], tag: str, slim: bool) -> bool:
    if slim and tag in NOT_IN_SLIMMABLE_ARRAY:
        return False
    for left, right in CONFLICTS:
        if (tag in left and assigned & right) or (tag in right and assigned & left):
            return False
    return True


def _assign(src: Source, want: set[str], slim: list[bool]) -> list[set[str]]:
    """Which array shows each wanted array-level tag. Tags on one side of a conflict stay together, so
    two arrays always suffice for every conflict."""
    assigned: list[set[str]] = [set() for _ in slim]
    for tag in sorted(want & ARRAY_TAGS):
        fits = [a for a in range(len(slim)) if _compatible(assigned[a], tag, slim[a])]
        side = next((left if tag in left else right for left, right in CONFLICTS if tag in left | right), set())
        together = [a for a in fits if assigned[a] & side]
        assigned[src.choice(together or fits, f"array for {tag}")].add(tag)
    return assigned


def _min_arrays(want: set[str], slimmable_model: bool) -> int:
    if "wavenet.multi_array" in want:
        return 2
    if any(want & left and want & right for left, right in CONFLICTS):
        return 2
    # a slimmable WaveNet (wanted, or drawn so) needs a second array for what a slimmable one cannot show
    if slimmable_model and want & NOT_IN_SLIMMABLE_ARRAY:
        return 2
    return 1


def build(src: Source, plan: Plan, slot: Slot, build_model: Build) -> Draft:
    """A WaveNet for `plan` in `slot`; `build_model` drafts its condition_dsp."""
    if slot.size == "realistic":
        return realistic.wavenet(src, plan, slot)
    want = set(plan.want)
    slimmable_model = "wavenet.slimmable" in want or (
        slot.role == "root" and not want & (NOT_IN_SLIMMABLE | {"wavenet.post_head"})
        and src.boolean("slimmable WaveNet", 0.08))

    # The condition: a condition_dsp's output, or the model input itself ([WN-FWD-5]).
    cond_plan = _condition_plan(src, plan, slot)
    wide = plan.wide_condition
    wide_input = (cond_plan is not None and cond_plan.wide_condition) or (
        wide and (cond_plan is None or cond_plan.architecture == "Linear"))
    if wide_input:
        slot = dataclasses.replace(slot, multichannel="require")
    in_ch, out_ch = root_widths(src, slot, min_in=2 if wide_input else 1)

    condition = None
    if cond_plan is not None:
        cond_out = None
        if cond_plan.architecture == "Linear":
            cond_out = in_ch
        elif wide:
            cond_out = src.integer(2, 4, "condition width")
        condition = build_model(src, cond_plan, Slot("condition", in_ch, cond_out, slot.size))
    S = condition.out_channels if condition is not None else in_ch

    # Layer arrays: how many, which are slimmable, and which array shows each wanted tag.
    fewest = _min_arrays(want, slimmable_model)
    n = src.integer(fewest, max(fewest, 3), "layer arrays")
    slim = _slimmable_arrays(src, want, n) if slimmable_model else [False] * n
    assigned = _assign(src, want, slim)

    post_head = "wavenet.post_head" in want or (not slimmable_model and src.boolean("post-stack head", 0.12))
    arrays = [_structure(src, assigned[a], a, S, slim[a], slimmable_model,
                         head_kernel_ok=not (slot.exact_rf and a < n - 1)) for a in range(n)]
    for a, arr in enumerate(arrays):
        _widths(src, arr, 1, label=f"array {a}")
    head = _post_head(src, arrays[-1], out_ch) if post_head else None
    wavenet_arrays.chain(src, arrays, in_ch, S, out_ch, head)
    head_scale = wavenet_arrays.draw_head_scale(src)
    mismatch = "wavenet.head_scale_mismatch" in want or src.boolean("config.head_scale differs", 0.05)
    return wavenet_arrays.draft(src, arrays, head, condition, in_ch, S, head_scale, mismatch)



def _condition_plan(src: Source, plan: Plan, slot: Slot) -> Plan | None:
    """The condition_dsp: the plan's, one the tags force, or one drawn; None: the condition is the model
    input itself ([WN-FWD-5])."""
    if plan.condition is not None:
        return plan.condition
    wide = plan.wide_condition
    if not ("wavenet.condition_dsp" in plan.want or (wide and slot.role != "root")
            or (slot.role != "condition" and not slot.exact_rf and src.boolean("condition_dsp", 0.12))):
        return None
    options = ["ConvNet", "LSTM", "WaveNet"] if wide and slot.role != "root" else ["Linear", "ConvNet", "LSTM",
                                                                                   "WaveNet"]
    arch = src.choice(options, "condition_dsp architecture")
    return Plan(arch, frozenset({f"arch.{arch.lower()}"}))


def _slimmable_arrays(src: Source, want: set[str], n: int) -> list[bool]:
    """Which of a slimmable WaveNet's `n` arrays are slimmable: at least one, and never the one that shows
    a feature a slimmable array cannot have."""
    host = src.integer(0, n - 1, "non-slimmable array for the bottleneck") if want & NOT_IN_SLIMMABLE_ARRAY else -1
    slim = [a != host and src.boolean(f"array {a} slimmable", 0.6) for a in range(n)]
    if not any(slim):
        slim[n - 1 if host != n - 1 else 0] = True
    return slim


def packed_variants(src: Source, plan: Plan, count: int, size: str, build_model: Build) -> list[Draft]:
    """`count` WaveNets sharing one structure, kernel sizes, dilations and head scale, with strictly
    increasing channels: the submodels of a packed-training container ([CONT-10])."""
    if size == "realistic":
        return realistic.packed(src, plan, count)
    want = set(plan.want)
    condition = None
    cond_plan = plan.condition
    if cond_plan is None and (plan.wide_condition or "wavenet.condition_dsp" in want):
        arch = src.choice(["ConvNet", "LSTM", "WaveNet"], "condition_dsp architecture")
        cond_plan = Plan(arch, frozenset({f"arch.{arch.lower()}"}))
    if cond_plan is not None:
        cond_out = 1 if cond_plan.architecture == "Linear" else (
            src.integer(2, 4, "condition width") if plan.wide_condition else None)
        condition = build_model(src, cond_plan, Slot("condition", 1, cond_out, size))
    S = condition.out_channels if condition is not None else 1
    n = src.integer(_min_arrays(want, False), max(_min_arrays(want, False), 2), "layer arrays")
    assigned = _assign(src, want, [False] * n)
    post_head = "wavenet.post_head" in want
    structures = [_structure(src, assigned[a], a, S, False, False) for a in range(n)]
    per_array = [_widths(src, arr, count, label=f"array {a}") for a, arr in enumerate(structures)]
    head_scale = wavenet_arrays.draw_head_scale(src)
    head_template = _post_head(src, structures[-1], 1) if post_head else None
    drafts = []
    for i in range(count):
        arrays = [dataclasses.replace(arr, C=widths[i][0], B=widths[i][1], H1=widths[i][2], layers=list(arr.layers))
                  for arr, widths in zip(structures, per_array)]
        head = dict(head_template) if head_template else None
        wavenet_arrays.chain(src, arrays, 1, S, 1, head)
        mismatch = "wavenet.head_scale_mismatch" in want
        drafts.append(wavenet_arrays.draft(src, arrays, head, condition, 1, S, head_scale, mismatch))
    return drafts


def _structure(src: Source, tags: set[str], a: int, S: int, slim: bool, slimmable_model: bool,
               head_kernel_ok: bool = True) -> Array:
    """Everything about array `a` except its widths. The order of the steps is the order of the draws."""
    p = f"array {a}"
    free = not slimmable_model  # features a slimmable WaveNet forbids are never drawn freely in one
    act_tags = sorted(tags & set(activations.TAG_NAMES))
    acts = [activations.for_tag(t, src, f"{p} activation for {t}", per_channel_ok=free) for t in act_tags]
    per_layer = "wavenet.per_layer_activation" in tags
    required, gating_form = _gating_form(src, p, tags)
    lo = max(1, len(acts) + (1 if per_layer and len(acts) < 2 else 0), 2 if per_layer else 1,
             len(required) if gating_form == "list" else 1)
    count = src.integer(lo, max(lo, 3), f"{p} layers")
    modes = _gating_modes(src, p, gating_form, required, count)
    activation_form, layer_acts = _primary_activations(src, p, acts, per_layer, count, free)
    secondary_form, secondaries, legacy_decoy = _secondary_activations(src, p, tags, gating_form, modes, free)
    kernel_form, kernels = _kernels(src, p, tags, count)
    dilations = [src.choice([1, 2, 3, 4, 8], f"{p} layer {l} dilation") for l in range(count)]
    layers = [Layer(d, k, act, m, sec) for d, k, act, m, sec in zip(dilations, kernels, layer_acts, modes, secondaries)]
    layer1x1, g1, head1x1, gh = _one_by_ones(src, p, tags, free)
    divisors = [g for g in range(2, S + 1) if S % g == 0]  # the group counts the condition allows
    gi, gm = _input_groups(src, p, tags, divisors, free)
    films = _active_films(src, p, tags, layer1x1, head1x1, divisors, free)
    inactive_films = _inactive_films(src, p, films)
    head_form, head_kernel, head_dilation, head_dilation_key = _head_rechannel(src, p, tags, free and head_kernel_ok)
    bottleneck_mode = "wavenet.bottleneck" in tags or (layer1x1 and free and not slim
                                                       and src.boolean(f"{p} bottleneck != channels", 0.15))
    return Array(
        layers=layers, kernel_form=kernel_form, activation_form=activation_form, gating_form=gating_form,
        secondary_form=secondary_form, legacy_decoy=legacy_decoy, layer1x1=layer1x1,
        layer1x1_key=(not layer1x1) or g1 != 1 or src.boolean(f"{p} explicit layer1x1", 0.3), g1=g1,
        head1x1=head1x1, head1x1_key=head1x1 or src.boolean(f"{p} explicit inactive head1x1", 0.3), gh=gh,
        gi=gi, gi_key=gi != 1 or src.boolean(f"{p} explicit groups_input", 0.3),
        gm=gm, gm_key=gm != 1 or src.boolean(f"{p} explicit groups_input_mixin", 0.3),
        films=films, inactive_films=inactive_films, bottleneck_mode=bottleneck_mode,
        bottleneck_key=bottleneck_mode or src.boolean(f"{p} explicit bottleneck", 0.3),
        head_form=head_form, head_kernel=head_kernel, head_dilation=head_dilation,
        head_dilation_key=head_dilation_key, head_bias=src.boolean(f"{p} head bias"), slimmable=slim,
        slim_form=src.choice(["default", "explicit", "explicit"], f"{p} allowed_channels form") if slim else
        src.choice(["absent", "absent", "null"], f"{p} slimmable key"), S=S)


def _gating_form(src: Source, p: str, tags: set[str]) -> tuple[set[str], str]:
    """The gating modes the tags require, and the key form that writes the modes ([WN-ARR-5] to [WN-ARR-7])."""
    required = {m for m in ("gated", "blended") if f"wavenet.gating.{m}" in tags}
    if "wavenet.secondary_activation" in tags and not required:
        required = {src.choice(["gated", "blended"], f"{p} mode for the secondary activation")}
    if "wavenet.gated_legacy" in tags:
        return required, "legacy"
    if required:
        return required, "list" if len(required) > 1 else src.choice(["single", "list"], f"{p} gating form")
    gating_form = src.choice(["absent", "absent", "gated_false", "legacy", "single", "list"], f"{p} gating form")
    if gating_form == "legacy" and not src.boolean(f"{p} keep legacy gated", 0.5):
        gating_form = "absent"
    return required, gating_form


def _gating_modes(src: Source, p: str, gating_form: str, required: set[str], count: int) -> list[str]:
    """Each layer's gating mode: "none", "gated" or "blended", every required mode among them."""
    if gating_form == "legacy":
        return ["gated"] * count
    if gating_form in ("absent", "gated_false"):
        return ["none"] * count
    if gating_form == "single":
        return [next(iter(required))] * count if required else [src.choice(["none", "gated", "blended"],
                                                                            f"{p} gating mode")] * count
    modes = [src.choice(["none", "gated", "blended"], f"{p} layer {l} gating") for l in range(count)]
    for l, mode in enumerate(sorted(required)):
        modes[l] = mode
    return modes


def _primary_activations(src: Source, p: str, acts: list[ActivationChoice], per_layer: bool, count: int,
                         free: bool) -> tuple[str, list[ActivationChoice]]:
    """The activation key's form and each layer's activation ([WN-ARR-4]): one spec for every layer, or a
    list of L specs (different ones when the tags ask for per-layer activations)."""
    if per_layer or len(acts) > 1 or (not acts and src.boolean(f"{p} different activations per layer", 0.25)):
        layer_acts = list(acts)
        while len(layer_acts) < count:
            layer_acts.append(activations.draw(src, f"{p} layer {len(layer_acts)} activation", per_channel_ok=free))
        if per_layer and len({(x.name, x.params, x.per_channel) for x in layer_acts}) < 2:
            other = [nm for nm in activations.NAMES if nm not in (layer_acts[0].name, "PReLU")]
            layer_acts[-1] = activations.draw(src, f"{p} distinct activation", name=src.choice(other, f"{p} other"))
        return "list", layer_acts
    one = acts[0] if acts else activations.draw(src, f"{p} activation", per_channel_ok=free)
    activation_form = "list" if src.boolean(f"{p} repeated activation list", 0.2) else "single"
    return activation_form, [one] * count


def _secondary_activations(src: Source, p: str, tags: set[str], gating_form: str, modes: list[str],
                           free: bool) -> tuple[str, list[ActivationChoice | None], ActivationChoice | None]:
    """The secondary_activation key's form, each layer's secondary activation, and the unused one that
    `gated: true` may sit beside ([WN-ARR-7])."""
    count = len(modes)
    gated_any = any(m != "none" for m in modes)
    secondaries: list[ActivationChoice | None] = [None] * count
    legacy_decoy = None
    if gating_form == "legacy":
        secondary_form = "absent"
        if src.boolean(f"{p} ignored secondary_activation beside gated", 0.3):
            legacy_decoy = activations.draw(src, f"{p} ignored secondary", names=("ReLU", "Tanh", "Softsign"))
    elif gating_form in ("single",) or (gating_form == "list" and src.boolean(f"{p} one secondary", 0.3)):
        secondary_form = "single" if gated_any or src.boolean(f"{p} unused secondary", 0.2) else "absent"
        if secondary_form == "single":
            one = _secondary(src, f"{p} secondary", tags, free)
            secondaries = [one] * count
    elif gating_form == "list":
        secondary_form = "list"
        secondaries = [_secondary(src, f"{p} layer {l} secondary", tags, free) if modes[l] != "none" else None
                       for l in range(count)]
    else:
        secondary_form = "absent"
    if "wavenet.secondary_activation" in tags and not any(
            s is not None and s.name != "Sigmoid" for s, m in zip(secondaries, modes) if m != "none"):
        gated_layer = next(l for l, m in enumerate(modes) if m != "none")
        forced = activations.draw(src, f"{p} forced secondary", names=[nm for nm in activations.NAMES
                                                                        if nm not in ("Sigmoid", "PReLU")])
        if secondary_form == "single":
            secondaries = [forced] * count
        else:
            secondaries[gated_layer] = forced
    return secondary_form, secondaries, legacy_decoy


def _kernels(src: Source, p: str, tags: set[str], count: int) -> tuple[str, list[int]]:
    """The kernel key's form (one kernel_size or a list of kernel_sizes) and each layer's kernel size."""
    kernel_form = ("kernel_sizes" if "wavenet.kernel_sizes" in tags else "kernel_size" if "wavenet.kernel_size" in tags
                   else src.choice(["kernel_size", "kernel_sizes"], f"{p} kernel key"))
    if kernel_form == "kernel_size":
        return kernel_form, [src.integer(1, 4, f"{p} kernel_size")] * count
    return kernel_form, [src.integer(1, 4, f"{p} layer {l} kernel") for l in range(count)]


def _one_by_ones(src: Source, p: str, tags: set[str], free: bool) -> tuple[bool, int, bool, int]:
    """Whether layer1x1 and head1x1 are active, and their group counts ([WN-ARR-9], [WN-ARR-10])."""
    needs_l1 = tags & {"wavenet.bottleneck", "wavenet.layer1x1_groups", "wavenet.film.layer1x1_post"}
    layer1x1 = bool(needs_l1) or ("wavenet.layer1x1_inactive" not in tags and not src.boolean(f"{p} layer1x1 off", 0.2))
    g1 = src.choice([2, 3], f"{p} layer1x1 groups") if "wavenet.layer1x1_groups" in tags else (
        src.choice([1, 1, 1, 2], f"{p} layer1x1 groups") if layer1x1 and free else 1)
    needs_h1 = tags & {"wavenet.head1x1", "wavenet.head1x1_groups", "wavenet.film.head1x1_post"}
    head1x1 = bool(needs_h1) or (free and src.boolean(f"{p} head1x1", 0.15))
    gh = src.choice([2, 3], f"{p} head1x1 groups") if "wavenet.head1x1_groups" in tags else (
        src.choice([1, 1, 2], f"{p} head1x1 groups") if head1x1 else 1)
    return layer1x1, g1, head1x1, gh


def _input_groups(src: Source, p: str, tags: set[str], divisors: list[int], free: bool) -> tuple[int, int]:
    """The group counts of the dilated convolution and of the input mixin ([WN-ARR-11])."""
    gi = src.choice([2, 3, 4], f"{p} groups_input") if "wavenet.groups_input" in tags else (
        src.choice([1, 1, 1, 2], f"{p} groups_input") if free else 1)
    if "wavenet.groups_input_mixin" in tags:
        if not divisors:
            raise ValueError("groups_input_mixin > 1 needs a condition at least 2 wide")
        return gi, src.choice(divisors, f"{p} groups_input_mixin")
    return gi, src.choice([1] * 3 + divisors, f"{p} groups_input_mixin") if free and divisors else 1


def _active_films(src: Source, p: str, tags: set[str], layer1x1: bool, head1x1: bool, divisors: list[int],
                  free: bool) -> dict[str, Film]:
    """The active FiLMs by slot: those the tags ask for, and a few more when drawn freely ([WN-ARR-12],
    [WN-ARR-17]). A FiLM on a 1x1's output needs that 1x1 active."""
    allowed_slots = [s for s in FILM_SLOTS if (s != "layer1x1_post" or layer1x1) and (s != "head1x1_post" or head1x1)]
    slots = [s for s in FILM_SLOTS if f"wavenet.film.{s}" in tags]
    if tags & {"wavenet.film.no_shift", "wavenet.film.groups", "wavenet.film.implicit_active"} and not slots:
        slots = [src.choice(allowed_slots, f"{p} FiLM slot")]
    if free:
        slots += [s for s in allowed_slots if s not in slots and src.boolean(f"{p} FiLM {s}", 0.08)]
    films = {}
    for i, s in enumerate(slots):
        shift = not ("wavenet.film.no_shift" in tags and i == 0) and src.boolean(f"{p} FiLM {s} shift", 0.75)
        if "wavenet.film.groups" in tags and i == 0:
            if not divisors:
                raise ValueError("a grouped FiLM needs a condition at least 2 wide")
            groups = src.choice(divisors, f"{p} FiLM {s} groups")
        else:
            groups = src.choice([1] * 3 + divisors, f"{p} FiLM {s} groups") if divisors else 1
        implicit = ("wavenet.film.implicit_active" in tags and i == 0) or src.boolean(f"{p} FiLM {s} no active", 0.2)
        films[s] = Film(shift, groups, not implicit, not shift or src.boolean(f"{p} FiLM {s} shift key", 0.7),
                        groups != 1 or src.boolean(f"{p} FiLM {s} groups key", 0.7))
    return films


def _inactive_films(src: Source, p: str, films: dict[str, Film]) -> dict:
    """How each inactive FiLM slot is written: absent (not listed), `false`, or an object with active false."""
    inactive_films = {}
    for s in FILM_SLOTS:
        if s not in films:
            form = src.choice(["absent", "absent", "false", "object"], f"{p} inactive FiLM {s}")
            if form == "false":
                inactive_films[s] = False
            elif form == "object":
                inactive_films[s] = {"active": False, "shift": True, "groups": 1}
    return inactive_films


def _head_rechannel(src: Source, p: str, tags: set[str], kernel_free: bool) -> tuple[str, int, int, bool]:
    """The head rechannel's key form, kernel size and dilation, and whether head_dilation is written
    ([WN-ARR-13]). `kernel_free`: a kernel over 1 may be drawn without a tag asking for it."""
    wants_object = tags & {"wavenet.head_object", "wavenet.head_kernel", "wavenet.head_dilation"}
    head_form = "object" if wants_object else "legacy" if "wavenet.legacy_head" in tags else src.choice(
        ["legacy", "object"], f"{p} head form")
    head_kernel = head_dilation = 1
    head_dilation_key = False
    if head_form == "object":
        if "wavenet.head_kernel" in tags:
            head_kernel = src.integer(2, 3, f"{p} head kernel")
        elif kernel_free and src.boolean(f"{p} head kernel > 1", 0.2):
            head_kernel = src.integer(2, 3, f"{p} head kernel")
        if "wavenet.head_dilation" in tags or src.boolean(f"{p} head dilation > 1", 0.1):
            head_dilation = src.integer(2, 3, f"{p} head_dilation")
        head_dilation_key = head_dilation > 1 or src.boolean(f"{p} explicit head_dilation", 0.2)
    return head_form, head_kernel, head_dilation, head_dilation_key


def _secondary(src: Source, label: str, tags: set[str], per_channel_ok: bool) -> ActivationChoice | None:
    """σ_l: None means absent or null, which is Sigmoid ([WN-ARR-7])."""
    if src.boolean(f"{label} default (Sigmoid)", 0.5):
        return None
    return activations.draw(src, label, per_channel_ok=per_channel_ok)


def _widths(src: Source, arr: Array, variants: int, label: str) -> list[tuple[int, int, int]]:
    """Draw (C, B, H1) for each variant (packed submodels, channels strictly increasing) and set the
    first on `arr`. Every width is a multiple of what the group counts need ([WN-ARR-16])."""
    unit_c = [arr.gi]
    unit_b = []
    if arr.layer1x1:
        unit_c.append(arr.g1)
        unit_b.append(arr.g1)
    if arr.head1x1:
        unit_b.append(arr.gh)
    for g in (arr.gi, arr.gm):
        unit_b += [g // math.gcd(g, factor) for factor in arr.gate_factors]
    unit_h = [arr.gh]
    for s, film in arr.films.items():
        g, m = film.groups, film.multiplier
        if s in ("conv_pre", "layer1x1_post"):
            unit_c.append(g // math.gcd(g, m))
        elif s == "activation_post":
            unit_b.append(g // math.gcd(g, m))
        elif s == "head1x1_post":
            unit_h.append(g // math.gcd(g, m))
        elif s != "input_mixin_pre":  # the Z-wide slots
            unit_b += [g // math.gcd(g, m * factor) for factor in arr.gate_factors]
    uc, ub, uh = _lcm(*unit_c), _lcm(*unit_b), _lcm(*unit_h)
    if not arr.bottleneck_mode:
        uc = ub = _lcm(uc, ub)
    top = 6
    k = src.integer(2 if arr.slimmable else 1, max(2, top // uc), f"{label} channels / {uc}")
    out = []
    for i in range(variants):
        if i:
            k += src.integer(1, 2, f"{label} variant {i} channel step")
        C = uc * k
        if arr.bottleneck_mode:
            choices = [ub * j for j in range(1, max(2, top // ub) + 2) if ub * j != C]
            B = src.choice(choices, f"{label} variant {i} bottleneck")
        else:
            B = C
        H1 = uh * src.integer(1, max(1, 4 // uh), f"{label} variant {i} head1x1 width") if arr.head1x1 else 0
        out.append((C, B, H1))
    arr.C, arr.B, arr.H1 = out[0]
    return out


def _post_head(src: Source, last: Array, out_ch: int | None) -> dict:
    """[WN-HEAD-1] to [WN-HEAD-3]; widths are fixed by `wavenet_arrays.chain`."""
    kernels = [src.integer(1, 3, f"post head kernel {i}") for i in range(src.integer(1, 2, "post head convolutions"))]
    return {"kernel_sizes": kernels,
            "activation": activations.draw(src, "post head activation", per_channel_ok=True),
            "channels": src.integer(1, 4, "post head channels"),
            "out_channels": out_ch if out_ch is not None else src.integer(1, 2, "post head out_channels"),
            "in_channels_key": src.boolean("post head in_channels key", 0.3)}


