"""Which model tree can carry a set of wanted feature tags (spec/features.txt), and where each tag goes.

A plan fixes only what the wanted tags force: the root architecture, which tags each node must show,
and the nested models (a `condition_dsp`, container submodels) the tags need. Everything else is drawn
later by the builders. `plans()` lists every plan that fits; it is empty when no valid file can use
all the tags at once (then the strategies raise ValueError before drawing anything).
"""

from __future__ import annotations

import dataclasses
import functools

from nam_reference.features import registry

ARCHITECTURES = ("Linear", "ConvNet", "LSTM", "WaveNet", "SlimmableContainer", "Sequential")
LEAF_ARCHITECTURES = ("Linear", "ConvNet", "LSTM", "WaveNet")

ENV = frozenset({"env.sample_rate_absent", "env.sample_rate_other", "env.metadata_absent", "env.multichannel"})
CONTAINER = frozenset({"arch.container", "container.mixed", "container.packed"})
# A Sequential is drawn only when a tag asks for one, so the plans for other tags stay as they were.
SEQUENTIAL = frozenset({"arch.sequential", "sequential.slimmable", "sequential.nested"})
OWN_TAGS = {  # the tags only a node of that architecture can show
    "Linear": frozenset({"arch.linear", "linear.bias"}),
    "ConvNet": frozenset({"arch.convnet", "convnet.batchnorm", "convnet.groups"}),
    "LSTM": frozenset({"arch.lstm", "lstm.multilayer"}),
}

# WaveNet tags that no array of a slimmable WaveNet may show ([WN-SLIM-4]); they can live in its condition_dsp.
NOT_IN_SLIMMABLE = frozenset({
    "wavenet.groups_input", "wavenet.groups_input_mixin", "wavenet.layer1x1_groups", "wavenet.head1x1",
    "wavenet.head1x1_groups", "wavenet.head_kernel", "wavenet.post_head", "act.prelu_per_channel",
    "wavenet.film.groups", "wavenet.film.no_shift", "wavenet.film.implicit_active",
} | {f"wavenet.film.{slot}" for slot in ("conv_pre", "conv_post", "input_mixin_pre", "input_mixin_post",
                                          "activation_pre", "activation_post", "layer1x1_post", "head1x1_post")})
# Tags whose grouped convolution reads the condition, so the condition must be at least 2 wide.
WIDE_CONDITION = frozenset({"wavenet.groups_input_mixin", "wavenet.film.groups"})


@functools.lru_cache(maxsize=None)
def all_tags() -> frozenset[str]:
    return frozenset(registry())


@functools.lru_cache(maxsize=None)
def wavenet_tags() -> frozenset[str]:
    return frozenset(t for t in all_tags() if t.startswith("wavenet.")) | {"arch.wavenet"}


@functools.lru_cache(maxsize=None)
def activation_tags() -> frozenset[str]:
    return frozenset(t for t in all_tags() if t.startswith("act."))


def activation_names(tags) -> set[str]:
    """The distinct activation functions a set of act.* tags needs (PReLU and Hardtanh variants merge)."""
    merge = {"act.prelu_per_channel": "act.prelu", "act.hardtanh_bounds": "act.hardtanh"}
    return {merge.get(t, t) for t in tags if t.startswith("act.")}


@dataclasses.dataclass(frozen=True)
class Plan:
    """One node of a model tree and the tags it must show itself."""

    architecture: str
    want: frozenset[str] = frozenset()
    condition: "Plan | None" = None  # a forced condition_dsp (WaveNet only)
    submodels: tuple["Plan", ...] = ()  # forced submodels (container) or models (Sequential), in no particular order
    packed: bool = False  # container in the packed-training shape ([CONT-10])
    mixed: bool = False  # container with submodels of at least two architectures
    wide_condition: bool = False  # WaveNet whose condition must be at least 2 channels wide


def plans(want, architectures=None, role: str = "root") -> list[Plan]:
    """Every plan for a model whose tags include `want`; `architectures` restricts the root."""
    want = frozenset(want)
    unknown = want - all_tags()
    if unknown:
        raise ValueError(f"unknown feature tags {sorted(unknown)}; see spec/features.txt")
    if "env.sample_rate_absent" in want and "env.sample_rate_other" in want:
        return []
    candidates = ARCHITECTURES if architectures is None else tuple(architectures)
    if candidates == ("Sequential",):
        want |= {"arch.sequential"}  # asked for by name
    found = []
    for arch in candidates:
        plan = _route(want, arch, role)
        if plan is not None:
            found.append(plan)
    return found


def _route(want: frozenset[str], arch: str, role: str) -> Plan | None:
    if role != "root" and want & ENV:
        return None
    if arch == "Sequential":
        return _route_sequential(want) if role == "root" and want & SEQUENTIAL else None
    if want & SEQUENTIAL:
        return None
    if arch == "SlimmableContainer":
        return _route_container(want) if role == "root" else None
    if want & CONTAINER:
        return None
    if arch == "WaveNet":
        return _route_wavenet(want, role)
    rest = want - ENV
    if arch == "ConvNet":
        acts = rest & activation_tags()
        if len(activation_names(acts)) > 1:
            return None
        if "convnet.groups" in rest and role != "root":
            return None  # grouped blocks need at least 2 input channels; only a root model may have them
        rest -= acts
    if not rest <= OWN_TAGS[arch]:
        return None
    return Plan(arch, want | {f"arch.{arch.lower()}"})


def _leaf_groups(tags: frozenset[str]) -> dict[str, frozenset[str]]:
    """The Linear, ConvNet and LSTM tags, by architecture."""
    return {arch: tags & own for arch, own in OWN_TAGS.items() if tags & own}


def _route_wavenet(want: frozenset[str], role: str) -> Plan | None:
    own = want & (wavenet_tags() | activation_tags() | ENV)
    leaves = _leaf_groups(want)
    if len(leaves) > 1:
        return None  # one condition_dsp holds one architecture
    cond_want: frozenset[str] = frozenset()
    cond_arch = None
    if leaves:
        cond_arch, cond_want = next(iter(leaves.items()))
    if "wavenet.slimmable" in own:
        if role == "condition":
            return None  # [WN-COND-1]
        moved = own & NOT_IN_SLIMMABLE
        if moved:
            if cond_arch not in (None, "WaveNet"):
                return None
            cond_arch, cond_want, own = "WaveNet", cond_want | moved | {"arch.wavenet"}, own - moved
    if role == "condition" and "wavenet.condition_dsp" in own:
        return None  # this generator nests one condition_dsp at most
    condition = None
    if cond_arch is not None:
        options = plans(cond_want, [cond_arch], role="condition")
        if not options:
            return None
        condition = options[0]
        own |= {"wavenet.condition_dsp"}
    wide = bool(own & WIDE_CONDITION)
    if role != "root" and (wide and condition is not None and condition.architecture == "Linear"
                           or condition is not None and condition.wide_condition):
        return None  # both need a model input at least 2 wide, which only a root model may have
    if role == "submodel" and own & {"env.multichannel"}:
        return None
    return Plan("WaveNet", own | {"arch.wavenet"}, condition=condition, wide_condition=wide)


def _route_container(want: frozenset[str]) -> Plan | None:
    if want & {"env.multichannel", "wavenet.slimmable", "convnet.groups"}:
        return None  # [CONT-4]: one channel in and out, no slimmable submodel; grouped ConvNets need 2 inputs
    own = (want & (CONTAINER | ENV)) | {"arch.container"}
    rest = want - own
    if "container.packed" in own:
        if "container.mixed" in own:
            return None
        options = plans(rest | {"arch.wavenet"}, ["WaveNet"], role="submodel")
        return Plan("SlimmableContainer", own, submodels=tuple(options[:1]), packed=True) if options else None
    submodels = []
    leaves = _leaf_groups(rest)
    wavenet_want = rest & wavenet_tags()
    acts = rest & activation_tags()
    if acts and not wavenet_want:
        if len(activation_names(acts)) <= 1:
            leaves["ConvNet"] = leaves.get("ConvNet", frozenset()) | acts
        else:
            wavenet_want = frozenset({"arch.wavenet"})
    if wavenet_want:
        wavenet_want |= acts
    for arch, tags in leaves.items():
        options = plans(tags, [arch], role="submodel")
        if not options:
            return None
        submodels.append(options[0])
    if wavenet_want:
        options = plans(wavenet_want, ["WaveNet"], role="submodel")
        if not options:
            return None
        submodels.append(options[0])
    return Plan("SlimmableContainer", own, submodels=tuple(submodels), mixed="container.mixed" in own)


def _route_sequential(want: frozenset[str]) -> Plan | None:
    """A chain of one-channel models ([SEQ-4]): the tags that are not the chain's go to one of its models."""
    if "env.multichannel" in want:
        return None
    own = (want & (SEQUENTIAL | ENV)) | {"arch.sequential"}
    models = []
    if "sequential.nested" in own:
        models.append(Plan("Sequential", frozenset({"arch.sequential"})))
    if "sequential.slimmable" in own:  # a container of two architectures, so two submodels: a size matters
        models.append(Plan("SlimmableContainer", frozenset({"arch.container", "container.mixed"}), mixed=True))
    rest = want - own
    if rest:
        options = plans(rest, ARCHITECTURES[:-1], role="submodel") or plans(rest, ["SlimmableContainer"])
        if not options:
            return None
        models.append(options[0])
    return Plan("Sequential", own, submodels=tuple(models))
