"""Feature tags (spec/features.txt): which features a valid file uses."""

from __future__ import annotations

import functools
import json

import numpy as np

from .envelope import ModelSpec
from . import resources
from .validation import check


@functools.lru_cache(maxsize=None)
def registry() -> dict[str, str]:
    """Every registered tag and its description (with its clause)."""
    tags = {}
    for line in resources.read_text(resources.spec_file("features.txt")).splitlines():
        if line.strip() and not line.startswith("#"):
            tag, _, rest = line.partition(" ")
            tags[tag] = rest.strip()
    return tags


def features(document) -> set[str]:
    """The tags of a valid document (a path, bytes or parsed JSON). Raises ValueError if invalid."""
    report, spec = check(document)
    if spec is None:
        raise ValueError("not a valid .nam file: " + "; ".join(p.line() for p in report.errors[:3]))
    if not isinstance(document, dict):
        document = json.loads(document) if isinstance(document, (bytes, bytearray)) else json.loads(
            open(document, "rb").read())
    tags: set[str] = set()
    _collect(spec, document, tags, root=True)
    unknown = tags - set(registry())
    assert not unknown, f"unregistered feature tags {unknown}"
    return tags


# The feature tag of each architecture, in the order of spec/features.txt (the suite reads it too).
ARCHITECTURE_TAGS = {"Linear": "arch.linear", "ConvNet": "arch.convnet", "LSTM": "arch.lstm", "WaveNet": "arch.wavenet",
                     "SlimmableContainer": "arch.container", "Sequential": "arch.sequential"}
_ACT_TAGS = {"Tanh": "act.tanh", "Fasttanh": "act.fasttanh", "Hardtanh": "act.hardtanh", "ReLU": "act.relu",
             "LeakyReLU": "act.leaky_relu", "PReLU": "act.prelu", "Sigmoid": "act.sigmoid", "SiLU": "act.silu",
             "Hardswish": "act.hardswish", "LeakyHardtanh": "act.leaky_hardtanh", "Softsign": "act.softsign"}


def _activation(act, tags: set[str]) -> None:
    tags.add(_ACT_TAGS[act.name])
    if act.slopes is not None:
        tags.add("act.prelu_per_channel")
    if act.name == "Hardtanh" and (act.param("min_val"), act.param("max_val")) != (-1.0, 1.0):
        tags.add("act.hardtanh_bounds")


def _collect(spec: ModelSpec, raw: dict, tags: set[str], root: bool = False) -> None:
    tags.add(ARCHITECTURE_TAGS[spec.architecture])
    if root and "sample_rate" not in raw:
        tags.add("env.sample_rate_absent")
    if root and spec.sample_rate != 48000.0:
        tags.add("env.sample_rate_other")
    if root and raw.get("metadata") is None:
        tags.add("env.metadata_absent")
    if root and (spec.in_channels > 1 or spec.out_channels > 1):  # a condition_dsp's width is internal
        tags.add("env.multichannel")
    cfg, rc = spec.config, raw["config"]
    if spec.architecture == "Linear":
        if cfg.bias:
            tags.add("linear.bias")
    elif spec.architecture == "ConvNet":
        _activation(cfg.activation, tags)
        if cfg.batchnorm:
            tags.add("convnet.batchnorm")
        if cfg.groups > 1:
            tags.add("convnet.groups")
    elif spec.architecture == "LSTM":
        if cfg.num_layers > 1:
            tags.add("lstm.multilayer")
    elif spec.architecture == "SlimmableContainer":
        for sub, entry in zip(cfg.submodels, rc["submodels"]):
            _collect(sub, entry["model"], tags)
        if len({s.architecture for s in cfg.submodels}) > 1:
            tags.add("container.mixed")
        if _packed_shape(cfg):
            tags.add("container.packed")
    elif spec.architecture == "Sequential":
        for child, raw_child in zip(cfg.children, rc["models"]):
            _collect(child, raw_child, tags)
            if child.architecture == "Sequential":
                tags.add("sequential.nested")
        if cfg.slimmable:
            tags.add("sequential.slimmable")
    else:
        _wavenet(cfg, rc, tags)
        if float(np.float32(rc["head_scale"])) != float(spec.weights[-1]):
            tags.add("wavenet.head_scale_mismatch")


def _packed_shape(cfg) -> bool:
    """[CONT-10]: WaveNets sharing kernels, dilations and head scale, thresholds (i+1)/n."""
    subs = cfg.submodels
    if any(s.architecture != "WaveNet" for s in subs):
        return False
    n = len(subs)
    if any(abs(t - (i + 1) / n) > 1e-12 for i, t in enumerate(cfg.thresholds)):
        return False
    shapes = {tuple((tuple(l.kernel for l in a.layers), tuple(l.dilation for l in a.layers)) for a in s.config.arrays)
              for s in subs}
    scales = {float(s.weights[-1]) for s in subs}
    return len(shapes) == 1 and len(scales) == 1


def _wavenet(cfg, rc: dict, tags: set[str]) -> None:
    if len(cfg.arrays) > 1:
        tags.add("wavenet.multi_array")
    if cfg.post_head is not None:
        tags.add("wavenet.post_head")
        _activation(cfg.post_head.activation, tags)
    if cfg.condition is not None:
        tags.add("wavenet.condition_dsp")
        _collect(cfg.condition, rc["condition_dsp"], tags)
    if cfg.slimmable:
        tags.add("wavenet.slimmable")
    for arr, ra in zip(cfg.arrays, rc["layers"]):
        tags.add("wavenet.head_object" if ra.get("head") is not None else "wavenet.legacy_head")
        if arr.head_kernel > 1:
            tags.add("wavenet.head_kernel")
        if arr.head_dilation > 1:
            tags.add("wavenet.head_dilation")
        tags.add("wavenet.kernel_sizes" if "kernel_sizes" in ra else "wavenet.kernel_size")
        if len({l.activation for l in arr.layers}) > 1:
            tags.add("wavenet.per_layer_activation")
        if ra.get("gating_mode") is None and ra.get("gated"):
            tags.add("wavenet.gated_legacy")
        for layer in arr.layers:
            _activation(layer.activation, tags)
            if layer.gating != "none":
                tags.add(f"wavenet.gating.{layer.gating}")
                _activation(layer.secondary, tags)
                if layer.secondary.name != "Sigmoid":
                    tags.add("wavenet.secondary_activation")
        if arr.bottleneck != arr.channels:
            tags.add("wavenet.bottleneck")
        if arr.layer1x1_groups is None:
            tags.add("wavenet.layer1x1_inactive")
        elif arr.layer1x1_groups > 1:
            tags.add("wavenet.layer1x1_groups")
        if arr.head1x1 is not None:
            tags.add("wavenet.head1x1")
            if arr.head1x1.groups > 1:
                tags.add("wavenet.head1x1_groups")
        if arr.groups_input > 1:
            tags.add("wavenet.groups_input")
        if arr.groups_input_mixin > 1:
            tags.add("wavenet.groups_input_mixin")
        for slot, film in arr.films:
            tags.add(f"wavenet.film.{slot}")
            if not film.shift:
                tags.add("wavenet.film.no_shift")
            if film.groups > 1:
                tags.add("wavenet.film.groups")
            if "active" not in ra[slot + "_film"]:
                tags.add("wavenet.film.implicit_active")
