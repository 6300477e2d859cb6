"""`python -m generators fixtures`: rebuild fixtures/cases/ and fixtures/MANIFEST.json.

The corpus has three parts:
- `hand.*`: tiny models whose outputs tests/test_fixtures.py works out by hand;
- one case per feature tag of spec/features.txt (the case id is the tag), drawn with that tag
  requested, plus a few at a slimmable size below 1; a WaveNet tag (`arch.wavenet`, `wavenet.*`,
  `act.*`) is shown by a one-channel WaveNet without the disputed features it is not about, and every
  feature of the model a case runs must matter: removing it (generators.ablation) changes the output
  noticeably;
- `realistic.*`: WaveNets shaped like the trainer's A1 "standard" preset and like A2 exports (and an
  A2-shaped packed container), with seeded random weights and short inputs;
- `metadata.loudness`: a model whose metadata holds the loudness and gain of [LOUD-2] and [LOUD-3].
Every WaveNet is written the way the trainer writes it (generators.writers.trainer_forms): `"head":
null`, per-layer lists, head objects, FiLM objects with `active`; a case about a legacy or compact form
keeps that form, and keys a drawn file omits stay omitted.
Seeds are fixed, so a rebuild writes the same models and inputs; expected outputs can move by a few
units in the last place if NumPy's arithmetic changes, which the fixture tolerance absorbs.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import numpy as np

import nam_reference
from conformance.metrics import max_error
from nam_reference.features import features, registry

from . import ablation, cases, documents, near_miss, realistic, strategies, writers
from .models import Draft
from .plan import SEQUENTIAL, WIDE_CONDITION
from .source import RandomSource
from .wavenet_arrays import FILM_SLOTS

INPUT_LENGTH = 2048
ATTEMPTS = 200
# A second case at this size, for a model that has sizes: a slimmable WaveNet and a container at their
# narrowest, a packed container at 0.5.
CASE_SIZES = {"wavenet.slimmable": 0.0, "arch.container": 0.0, "container.packed": 0.5, "sequential.slimmable": 0.0}


def fixture_input(channels: int, length: int = INPUT_LENGTH, seed: int = 0) -> np.ndarray:
    """An impulse (the impulse response comes first), noise, then a logarithmic sweep; per channel."""
    rows = []
    for c in range(channels):
        rng = np.random.default_rng([seed, c])
        x = np.zeros(length)
        x[3 + c] = 0.8
        x[64:512] = rng.uniform(-0.5, 0.5, 448)
        n = length - 512
        t = np.arange(n) / 48000.0
        duration = n / 48000.0
        x[512:] = 0.5 * np.sin(2 * np.pi * 20.0 * duration / np.log(1000.0) * (np.exp(t / duration * np.log(1000.0)) - 1)
                               + c)
        rows.append(x)
    out = np.asarray(rows, dtype=np.float32)
    return out[0] if channels == 1 else out


# Hand-computable models: tests/test_fixtures.py states their outputs as formulas.

HAND_INPUT = np.array([1.0, 0.0, 0.0, 0.0, 2.0, -1.0, 0.5, 0.0, -0.75, 0.25, 0.0, 1.0, -2.0, 0.3, 0.0, 0.0,
                       0.6, -0.6, 0.9, 0.1, 0.0, 0.0, -0.4, 0.2], dtype=np.float32)


def _doc(architecture: str, config: dict, weights: list, version: str = "0.7.0") -> dict:
    return {"version": version, "architecture": architecture, "config": config, "weights": weights,
            "sample_rate": 48000}


def _trainer_array(**keys) -> dict:
    """A layer array with every key the trainer writes, in its order, defaults for those not given."""
    n = len(keys["dilations"])
    raw = {"input_size": 1, "condition_size": 1, "head": {"out_channels": 1, "kernel_size": 1, "bias": True},
           "channels": 1, "kernel_sizes": [1] * n, "dilations": keys["dilations"], "activation": [{"type": "Tanh"}] * n,
           "bottleneck": keys.get("channels", 1), "head1x1": {"active": False, "out_channels": 1, "groups": 1},
           "layer1x1": {"active": True, "groups": 1}, "groups_input": 1, "groups_input_mixin": 1,
           **{f"{slot}_film": dict(writers.INACTIVE_FILM) for slot in FILM_SLOTS},
           "gating_mode": ["none"] * n, "secondary_activation": [None] * n, "slimmable": None}
    raw.update(keys)
    return raw


def hand_models() -> dict[str, tuple[dict, float | None, str]]:
    """id -> (document, size, description)."""
    m = {**_hand_single_models(), **_hand_nested_models()}
    return {
        "hand.sequential.linear_linear": (m["chain"], None, "Linear then Linear: y1 = 1 + 0.5 x[t] + 0.25 x[t-1], "
                                                            "y = 2 y1[t] + y1[t-2]; the second model's past is y1's "
                                                            "response to silence, 1.0 ([SEQ-8])"),
        "hand.sequential.container": (m["sized"], 0.25, "Linear, container, Linear at size 0.25: the container "
                                                         "runs its first submodel (gain 2) ([SEQ-6])"),
        "hand.linear": (m["linear"], None, "three taps and a bias: y[t] = 0.125 + x[t] + 0.5 x[t-1] - 0.25 x[t-2]"),
        "hand.linear_no_bias": (m["linear_no_bias"], None, "three taps, no bias: y[t] = 0.5 x[t] + x[t-1] "
                                                           "- 0.25 x[t-2]; the blob ends with a tap"),
        "hand.convnet": (m["convnet"], None, "two blocks of dilations 2 and 1, ReLU, a 1x1 head; the first block's "
                                             "bias reaches the second block's past"),
        "hand.convnet_batchnorm": (m["convnet_bn"], None, "one batch-normalised block, Tanh, a 1x1 head"),
        "hand.lstm": (m["lstm"], None, "one LSTM unit whose zero state is steady"),
        "hand.wavenet": (m["wavenet"], None, "one layer of one channel, kernel 2, dilation 2, Tanh, a kernel-2 head, "
                                             "every key the trainer writes"),
        "hand.wavenet_gated": (m["gated"], None, "one gated layer (Tanh times Sigmoid) without layer1x1, a kernel-2 "
                                                 "head"),
        "hand.container.below_threshold": (m["container"], 0.25, "size 0.25 selects the first submodel"),
        "hand.container.at_threshold": (m["container"], 0.5, "size 0.5, exactly at a threshold, selects the next"),
        "hand.container.default": (m["container"], None, "no size: the last submodel ([CONT-6])"),
        "hand.slimmable.narrow": (m["slimmable"], 0.0, "size 0 slices every tensor to width 1 ([WN-SLIM-7])"),
        "hand.slimmable.full": (m["slimmable"], None, "the full two-channel model"),
    }


def _hand_single_models() -> dict[str, dict]:
    """Linear (with and without bias), ConvNet (without and with batchnorm), LSTM, WaveNet and gated WaveNet."""
    linear = _doc("Linear", {"receptive_field": 3, "bias": True}, [1.0, 0.5, -0.25, 0.125], "0.5.4")
    linear_no_bias = _doc("Linear", {"receptive_field": 3, "bias": False}, [0.5, 1.0, -0.25], "0.5.4")
    convnet = _doc("ConvNet", {"channels": 1, "dilations": [2, 1], "batchnorm": False, "activation": "ReLU"},
                   [0.5, 1.0, 0.1, -0.5, 1.0, 0.05, 2.0, 0.25], "0.5.4")
    convnet_bn = _doc("ConvNet", {"channels": 1, "dilations": [1], "batchnorm": True, "activation": "Tanh"},
                      [0.5, 1.0, 0.1, 4.0, 2.0, -0.5, 0.0, 1.5, 0.0], "0.5.4")
    lstm = _doc("LSTM", {"input_size": 1, "hidden_size": 1, "num_layers": 1},
                [0.5, 0.1, 1.0, 0.2, 0.8, -0.3, 0.6, 0.4, 0.0, 1.0, 0.0, 0.5, 0.0, 0.0, 2.0, 0.1], "0.5.4")
    # As the trainer exports it, every key written.
    wavenet = _doc("WaveNet", {"layers": [_trainer_array(
        head={"out_channels": 1, "kernel_size": 2, "bias": True}, kernel_sizes=[2], dilations=[2])],
        "head": None, "head_scale": 0.5},
        [1.5, 0.5, -1.0, 0.1, 0.25, 0.7, 0.05, 0.4, 2.0, -0.2, 0.5])
    # The trainer's forms, optional keys left out.
    gated = _doc("WaveNet", {"layers": [{
        "input_size": 1, "condition_size": 1, "head": {"out_channels": 1, "kernel_size": 2, "bias": True},
        "channels": 1, "kernel_sizes": [1], "dilations": [1], "activation": ["Tanh"],
        "layer1x1": {"active": False, "groups": 1}, "gating_mode": ["gated"], "secondary_activation": ["Sigmoid"]}],
        "head": None, "head_scale": 1.0},
        [1.0, 1.0, 0.5, 0.1, 0.2, 0.3, -0.4, -0.5, 1.0, 0.05, 1.0])
    return {"linear": linear, "linear_no_bias": linear_no_bias, "convnet": convnet, "convnet_bn": convnet_bn,
            "lstm": lstm, "wavenet": wavenet, "gated": gated}


def _hand_nested_models() -> dict[str, dict]:
    """A container of two Linears, a slimmable WaveNet, a Sequential of two Linears and one with a container."""
    sub = [_doc("Linear", {"receptive_field": 1, "bias": False}, [w], "0.5.4") for w in (2.0, -0.5)]
    for s in sub:
        del s["sample_rate"]
    container = _doc("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": sub[0]},
                                                          {"max_value": 1.0, "model": sub[1]}]}, [])
    slimmable = _doc("WaveNet", {"layers": [_trainer_array(
        head={"out_channels": 1, "kernel_size": 1, "bias": False}, channels=2, kernel_sizes=[1], dilations=[1],
        activation=[{"type": "ReLU"}], layer1x1={"active": False, "groups": 1},
        slimmable={"method": "slice_channels_uniform", "kwargs": {"allowed_channels": [1, 2]}})],
        "head": None, "head_scale": 0.8},
        [1.0, 2.0, 0.5, -0.3, 0.2, 0.4, 0.1, -0.1, 0.25, 0.5, 1.0, -1.0, 0.8])
    # Sequential ([SEQ-5], [SEQ-8]): the first model answers silence with 1.0, its successor's steady input.
    first = _doc("Linear", {"receptive_field": 2, "bias": True}, [0.5, 0.25, 1.0])
    second = _doc("Linear", {"receptive_field": 3, "bias": False}, [2.0, 0.0, 1.0])
    chain = _doc("Sequential", {"models": [first, second]}, [])
    # A container between two Linears: the size reaches it through the chain ([SEQ-6]).
    sized = _doc("Sequential", {"models": [_doc("Linear", {"receptive_field": 2, "bias": True}, [1.0, -0.5, 0.25]),
                                           container, second]}, [])
    return {"container": container, "slimmable": slimmable, "chain": chain, "sized": sized}


# Feature cases: the id is the tag.

def _seed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


# Features that implementations compute differently (spec section 20): a WaveNet case shows one only when
# it is about it, so that a case fails or goes unsupported for its own feature, not for another. (The
# legacy `gated` key and FiLM objects without `active`, [DIV-10] and [DIV-13], are written away by
# generators.writers unless the case is about them.)
DISPUTED = frozenset({
    "wavenet.layer1x1_inactive",  # [DIV-4]
    "wavenet.film.layer1x1_post",  # [DIV-5]
    "wavenet.head_dilation",  # [DIV-6]
    "act.fasttanh",  # [DIV-7]
    "act.hardtanh_bounds",  # [DIV-9]
    "wavenet.head_scale_mismatch",  # [DIV-11]
    "wavenet.slimmable",  # [DIV-15]
    "wavenet.condition_dsp",  # [DIV-16]
    "act.prelu_per_channel",  # [DIV-31]
    "act.prelu",  # [DIV-33]
})
IMPLIES = {"act.prelu_per_channel": {"act.prelu"}}


def _wavenet_tag(tag: str) -> bool:
    return tag.startswith(("wavenet.", "act.")) or tag == "arch.wavenet"


def feature_document(tag: str) -> tuple[dict, int]:
    """A small document drawn to show `tag`, and the seed that drew it: the first seed whose document
    suits the case ([`_suits`])."""
    wavenet = _wavenet_tag(tag)
    options = strategies.root_plans("WaveNet" if wavenet else None, features={tag})
    for attempt in range(ATTEMPTS):
        seed = (_seed(tag) + attempt) % 2**32
        try:
            doc = strategies.draw_document(RandomSource(seed), options, multichannel="forbid" if wavenet else "allow")
        except documents.Unusable:
            continue
        doc = writers.trainer_forms(doc, keep={tag} & writers.LEGACY_FORMS)
        if _suits(doc, tag, seed):
            return doc, seed
    raise RuntimeError(f"no usable document for {tag}")


def _suits(doc: dict, tag: str, seed: int) -> bool:
    """A WaveNet case without disputed features it is not about (a condition_dsp only where the tag needs
    a wide condition), its own feature removable where generators.ablation can remove it, and every
    feature of the model that runs, at each size the case is built for, noticeable in the output."""
    if _wavenet_tag(tag) or tag in SEQUENTIAL:
        allowed = {tag} | IMPLIES.get(tag, set()) | ({"wavenet.condition_dsp"} if tag in WIDE_CONDITION else set())
        if (features(doc) - allowed) & DISPUTED:
            return False
    if ablation.defined(tag) and tag not in ablation.removals(doc):
        return False  # the case about a removable feature must show that it matters
    model = nam_reference.load(doc)
    x = fixture_input(model.in_channels, seed=seed)
    sizes = [None] + [s for s in [_second_size(tag, model)] if s is not None]
    return all(features_matter(doc, x, size) for size in sizes)


def features_matter(doc: dict, x: np.ndarray, size: float | None = None) -> bool:
    """Whether removing any feature of the model running at `size` changes its output noticeably."""
    y = nam_reference.load(doc).process(x, size=size)
    return all(max_error(nam_reference.load(variant).process(x, size=size), y) >= ablation.NOTICEABLE
               for variant in ablation.removals(doc, size).values())


def _second_size(tag: str, model) -> float | None:
    """The size of the second case built for `tag`, if any."""
    return CASE_SIZES.get(tag) if model.breakpoints else None


# Realistic shapes.

def realistic_documents() -> dict[str, tuple[dict, int, str]]:
    out = {}
    seed = _seed("realistic.a1_standard")
    src = RandomSource(seed)
    out["realistic.a1_standard"] = (documents.from_draft(src, realistic.draft(src, realistic.a1_arrays(16, "standard")),
                                                         metadata=False), seed,
                                    "shaped like the trainer's A1 standard preset: 16 then 8 channels, dilations "
                                    "1 to 512 twice, Tanh")
    seed = _seed("realistic.a2")
    src = RandomSource(seed)
    out["realistic.a2"] = (documents.from_draft(src, realistic.draft(src, [realistic.a2_array(8)]), metadata=False),
                           seed, "shaped like an A2 export: 23 LeakyReLU layers of 8 channels, kernels 6 and 15, "
                                 "a kernel-16 head")
    seed = _seed("realistic.a2_packed")
    src = RandomSource(seed)
    head_scale = 0.01
    narrow, wide = (realistic.draft(src, [realistic.a2_array(c)], head_scale) for c in (3, 8))
    container = Draft("SlimmableContainer", {"submodels": [{"max_value": 0.5, "model": narrow},
                                                           {"max_value": 1.0, "model": wide}]},
                      [], 1, 1, wide.receptive_field, wide.rf_exact, (0, 7, 0))
    out["realistic.a2_packed"] = (documents.from_draft(src, container, metadata=False), seed,
                                  "an A2-shaped packed container: 3 and 8 channels, thresholds 0.5 and 1.0")
    return out


def build(out: Path) -> list[dict]:
    """Write every case under out/cases/ and out/MANIFEST.json; returns the manifest entries."""
    built = {**_hand_cases(), **_feature_cases(), **_realistic_cases(), **_loudness_case()}
    return _write(out, built, _near_miss_cases())


def _hand_cases() -> dict[str, dict[str, bytes]]:
    built = {}
    for case_id, (doc, size, description) in hand_models().items():
        built[case_id] = cases.build_case(case_id, doc, HAND_INPUT, size=size, description=description, provenance={
            "model": "written by hand in generators/fixtures.py",
            "input": "24 samples written by hand",
            "cross_checks": ["the output worked out by hand in tests/test_fixtures.py",
                             "tests/per_sample.py (per-sample, float64)", "the float64 reference output"],
        })
    return built


def _feature_cases() -> dict[str, dict[str, bytes]]:
    """One case per feature tag, and a second at another size for the tags of models that have sizes."""
    built = {}
    for tag in sorted(registry()):
        doc, seed = feature_document(tag)
        model = nam_reference.load(doc)
        x = fixture_input(model.in_channels, seed=seed)
        root = "architecture='WaveNet', " if _wavenet_tag(tag) else ""
        provenance = {
            "model": f"generators.nam_files with {root}features {{{tag!r}}}, drawn from RandomSource({seed}), "
                     "in the trainer's export forms (generators.writers)",
            "input": f"generators.fixtures.fixture_input(channels={model.in_channels}, seed={seed})",
            "seed": seed,
            "cross_checks": ["tests/per_sample.py (per-sample, float64) on the first samples",
                             "the float64 reference output", "the trainer, for files it can import"],
        }
        built[tag] = cases.build_case(tag, doc, x, size=None, provenance=provenance,
                                      description=f"a small model drawn to show {tag}: {registry()[tag]}")
        size = _second_size(tag, model)
        if size is not None:
            case_id = f"{tag}.size_{size:g}".replace("0.", "0_")
            built[case_id] = cases.build_case(case_id, doc, x, size=size, provenance=provenance,
                                              description=f"the {tag} case at size {size:g}")
    return built


def _realistic_cases() -> dict[str, dict[str, bytes]]:
    """The realistic shapes; a packed container also at its narrow size."""
    built = {}
    for case_id, (doc, seed, description) in realistic_documents().items():
        x = fixture_input(1, seed=seed)
        doc = writers.trainer_forms(doc)
        provenance = {"model": f"generators.realistic shapes with weights from RandomSource({seed}), in the "
                               "trainer's export forms (generators.writers)",
                      "input": f"generators.fixtures.fixture_input(channels=1, seed={seed})", "seed": seed,
                      "cross_checks": ["the float64 reference output", "the trainer"]}
        built[case_id] = cases.build_case(case_id, doc, x, provenance=provenance, description=description)
        if doc["architecture"] == "SlimmableContainer":
            built[case_id + ".narrow"] = cases.build_case(case_id + ".narrow", doc, x, size=0.25,
                                                          provenance=provenance,
                                                          description=description + ", at size 0.25")
    return built


def _loudness_case() -> dict[str, dict[str, bytes]]:
    seed = _seed("metadata.loudness")
    src = RandomSource(seed)
    doc = writers.trainer_forms(documents.from_draft(src, realistic.draft(src, realistic.a1_arrays(4, "lite")),
                                                     metadata="loudness"))
    return {"metadata.loudness": cases.build_case(
        "metadata.loudness", doc, fixture_input(1, seed=seed),
        description="an A1-shaped WaveNet of 4 then 2 channels whose metadata stores its loudness and gain",
        provenance={"model": f"generators.realistic.a1_arrays(4, 'lite') with weights and metadata from "
                             f"RandomSource({seed}), in the trainer's export forms (generators.writers)",
                    "input": f"generators.fixtures.fixture_input(channels=1, seed={seed})", "seed": seed,
                    "metadata": "loudness and gain measured per [LOUD-2] and [LOUD-3] on the standard stimulus",
                    "cross_checks": ["the float64 reference output", "loudness and gain recomputed in float64",
                                     "the trainer's own loudness and gain"]})}


def _near_miss_cases() -> dict[str, dict[str, bytes]]:
    near = {}
    for case_id, (doc, seed, description) in near_miss.near_miss_documents(_seed).items():
        near[case_id] = cases.build_case(case_id, doc, fixture_input(1, seed=seed), description=description, provenance={
            "model": f"generators.near_miss with weights from RandomSource({seed}), in the trainer's export forms "
                     "(generators.writers)",
            "input": f"generators.fixtures.fixture_input(channels=1, seed={seed})", "seed": seed,
            "cross_checks": ["the float64 reference output", "the trainer, for files it can import"]})
    return near


def _write(out: Path, built: dict[str, dict[str, bytes]], near: dict[str, dict[str, bytes]]) -> list[dict]:
    """Write the case folders (removing stale ones) and the manifest, which lists the near misses apart."""
    target = out / "cases"
    if target.is_dir():
        for stale in target.iterdir():
            if (stale / "case.json").is_file() and stale.name not in built and stale.name not in near:
                shutil.rmtree(stale)
    entries, near_entries = [], []
    for group, listed in ((built, entries), (near, near_entries)):
        for case_id, files in group.items():
            cases.write_case(target / case_id, files)
            listed.append(cases.manifest_entry(case_id, files, f"cases/{case_id}"))
    manifest = {"description": "The project's own cases: model.nam, input.f32, expected.f32 and case.json per "
                               "folder (spec/case.schema.json). Rebuild with python -m generators fixtures. The "
                               "near misses of popular shapes (generators.near_miss) are listed apart: only the "
                               "near-miss check runs them.",
                "cases": entries, "near_miss": near_entries}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return entries + near_entries
