"""Complete `.nam` documents: envelopes, weight blobs, a usable output, steady LSTM states, metadata.

`generate` turns a plan into a document. Weights are drawn from one seed (numpy's PCG64), so a
document is a pure function of the choices made by its `Source`. A model whose output on the probe
signal is (near) silent, does not respond to its input, or explodes is redrawn with the next seed,
and given up on (`Unusable`) after a few tries.
"""

from __future__ import annotations

import numpy as np

import nam_reference
from nam_reference.features import features

from . import builders, loudness, weights
from .models import Draft, Slot
from .plan import Plan
from .source import Source

VERSIONS = ("0.5.0", "0.5.1", "0.5.2", "0.5.3", "0.5.4", "0.6.0", "0.6.1", "0.7.0")
OTHER_RATES = (44100, 96000, 88200, 32000, 22050, 16000)
PROBE_LENGTH = 1024
MAX_PEAK = 8.0  # larger outputs count as exploding
MIN_RESPONSE_RMS = 1e-3  # per output channel: how much the output must move with the input
WEIGHT_ATTEMPTS = 6
LSTM_BURN_IN = 4096  # zero samples per round while looking for the steady state ([STATE-5])
LSTM_STEADY = 5e-7  # one float32 zero step may move a stored state component by this much (checkers: 1e-6)
RF_PROBE_MIN_CHANGE = 1e-4  # relative change at the receptive field's oldest sample, 10× the probe's threshold
METADATA_MODES = (None, False, True, "loudness")


class Unusable(Exception):
    """The drawn model cannot be given usable weights (silent, exploding, or an LSTM without a steady state)."""


class GeneratorBug(AssertionError):
    """A drawn document lacks a feature it was built to have: a defect in this package, not in the model."""


def probe_signal(channels: int, length: int = PROBE_LENGTH) -> np.ndarray:
    """A fixed test signal: a sine, a chirp, noise and an impulse, at moderate level, different per channel."""
    t = np.arange(length) / 48000.0
    rng = np.random.default_rng(20240601)
    rows = []
    for c in range(channels):
        x = 0.3 * np.sin(2 * np.pi * (220.0 * (c + 1)) * t + c) + 0.2 * np.sin(2 * np.pi * (50 + 4000 * t) * t)
        x += 0.1 * rng.standard_normal(length)
        x[length // 3] += 0.5
        rows.append(x)
    return np.asarray(rows, dtype=np.float32)


def generate(src: Source, plan: Plan, size: str = "small", metadata=None, *, exact_rf: bool = False,
             multichannel: str = "allow") -> dict:
    """A valid document for `plan`, with every tag of `plan.want`."""
    if "env.multichannel" in plan.want:
        multichannel = "require"
    slot = Slot("root", size=size, multichannel=multichannel, exact_rf=exact_rf)
    return from_draft(src, builders.build(src, plan, slot), plan.want, metadata, exact_rf=exact_rf)


def from_draft(src: Source, draft: Draft, want=frozenset(), metadata=None, *, exact_rf: bool = False) -> dict:
    """The document of a root draft: envelopes, usable weights, metadata; it must show every tag of `want`."""
    _envelopes(src, draft, want)
    doc = complete(draft, src.seed("weights"), exact_rf=exact_rf)
    _add_metadata(src, doc, "env.metadata_absent" in want, metadata)
    missing = set(want) - features(doc)
    if missing:
        raise GeneratorBug(f"a document built for {sorted(want)} lacks {sorted(missing)}")
    return doc


def _envelopes(src: Source, root: Draft, want) -> None:
    """Versions ([VER-5]: never older than the newest feature) and sample rates ([SR-1] to [SR-4])."""
    for draft in root.walk():
        options = [v for v in VERSIONS if tuple(map(int, v.split("."))) >= draft.min_version]
        draft.envelope["version"] = src.choice(options[::-1], f"{draft.architecture} version")
    if "env.sample_rate_absent" in want:
        rate = None
    elif "env.sample_rate_other" in want:
        rate = src.choice(OTHER_RATES, "sample rate")
    else:
        rate = src.choice([48000, 48000, 48000.0, None, "other"], "sample rate")
        if rate == "other":
            rate = src.choice(OTHER_RATES, "sample rate")
    if rate is not None:
        root.envelope["sample_rate"] = rate
    for draft in list(root.walk())[1:]:  # nested models inherit the rate or repeat it ([SR-4])
        if rate is not None and src.boolean(f"nested {draft.architecture} sample_rate", 0.4):
            draft.envelope["sample_rate"] = float(rate) if src.boolean("as a float", 0.3) else rate


def complete(draft: Draft, seed: int, exact_rf: bool = False) -> dict:
    """The document of a draft, with weights drawn from `seed`.

    The root model (or, in a container, each submodel) is checked on the probe signal and redrawn,
    nested models included, until it is usable ([`_usable`]). With `exact_rf` the oldest taps are kept
    large and the oldest sample of the receptive field must move the output measurably.
    """
    def doc_of(d: Draft, path: tuple[int, ...], checked: bool) -> dict:
        for attempt in range(WEIGHT_ATTEMPTS if checked else 1):
            here = path + (attempt,)
            children = iter(range(1 << 20))
            config = _resolve(d.config, lambda child: doc_of(
                child, here + (next(children),), checked=d.architecture == "SlimmableContainer"))
            blob = weights.fill(d.tensors, np.random.default_rng([seed, *here]), strong_oldest_taps=exact_rf)
            out = {"version": d.envelope["version"], "architecture": d.architecture, "config": config,
                   "weights": weights.to_json_numbers(blob)}
            if "sample_rate" in d.envelope:
                out["sample_rate"] = d.envelope["sample_rate"]
            if d.architecture == "LSTM" and not _burn_in(out, d):
                continue
            # A submodel checked on its own keeps the rate it inherits ([SR-4]), or its condition_dsp's would clash.
            alone = dict(out, sample_rate=out.get("sample_rate", draft.envelope.get("sample_rate", 48000)))
            if not checked or d.architecture == "SlimmableContainer" or _usable(alone, d if exact_rf else None):
                return out
        raise Unusable(f"no usable weights for this {d.architecture} after {WEIGHT_ATTEMPTS} tries")

    return doc_of(draft, (), checked=True)


def _resolve(value, doc_of):
    if isinstance(value, Draft):
        return doc_of(value)
    if isinstance(value, dict):
        return {k: _resolve(v, doc_of) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, doc_of) for v in value]
    return value


def _burn_in(doc: dict, draft: Draft) -> bool:
    """Store the zero-input steady state as h0, c0 ([STATE-5]), found by running the reference on silence.

    The search runs in float64, so that the stored state (rounded to float32) does not depend on the
    reference's float32 summation order; one float32 step must then move it by at most LSTM_STEADY.
    False if the state does not settle (the weights must be redrawn).
    """
    where = weights.offsets(draft.tensors)
    layers = draft.config["num_layers"]
    config = nam_reference.load(doc).spec.config
    blob = np.asarray(doc["weights"], dtype=np.float64)
    zeros = np.zeros((config.in_channels, LSTM_BURN_IN))
    for _ in range(12):
        net = config.build(blob, np.float64)
        before = net.new_state()  # the stored state; zero before the first round
        state = net.new_state()
        net.process(zeros, state)
        for l in range(layers):
            for name, value in ((f"layer{l}.h0", state[l][0]), (f"layer{l}.c0", state[l][1])):
                start, stop = where[name]
                blob[start:stop] = value
        if max(float(np.max(np.abs(state[l][k] - before[l][k]))) for l in range(layers) for k in (0, 1)) < 1e-12:
            break
    stored = np.asarray(blob, dtype=np.float32)
    net = config.build(stored, np.float32)
    state = net.new_state()
    net.process(np.zeros((config.in_channels, 1), dtype=np.float32), state)
    moved = max(float(np.max(np.abs(state[l][k] - net.new_state()[l][k]))) for l in range(layers) for k in (0, 1))
    if moved > LSTM_STEADY:
        return False
    doc["weights"] = weights.to_json_numbers(stored)
    return True


def _selections(model) -> list[float | None]:
    """The default size, the narrowest, and a couple of sizes between (one per submodel or slim width)."""
    points = list(model.breakpoints)
    if not points:
        return [None]
    middle = points[len(points) // 2:len(points) // 2 + 1] + points[-1:]
    return [None, 0.0] + sorted(set(middle))


def _usable(doc: dict, rf_draft: Draft | None) -> bool:
    """Bounded and responsive on the probe signal at every size; with `rf_draft`, the oldest sample of the
    receptive field must also move the output measurably ([WN-RF-4], for the black-box probe)."""
    model = nam_reference.load(doc)
    x = probe_signal(model.in_channels)
    for size in _selections(model):
        y = np.atleast_2d(model.process(x, size=size)).astype(np.float64)
        # From the silent past, the response to silence is a constant ([STATE-4]): one sample of it suffices.
        y0 = np.atleast_2d(model.process(np.zeros((model.in_channels, 1), np.float32), size=size))
        if not np.all(np.isfinite(y)) or np.max(np.abs(y)) > MAX_PEAK:
            return False
        if np.min(np.sqrt(np.mean((y - y0) ** 2, axis=1))) < MIN_RESPONSE_RMS:
            return False
    if rf_draft is not None:
        return _oldest_sample_matters(model, rf_draft.receptive_field)
    return True


def _oldest_sample_matters(model, rf: int) -> bool:
    lead = 8
    rng = np.random.default_rng(rf)
    for trial in range(3):
        x = rng.uniform(-0.5, 0.5, size=(model.in_channels, lead + rf + 8)).astype(np.float32)
        bumped = x.copy()
        bumped[:, lead] += np.float32(0.5 if trial % 2 == 0 else -0.75)
        y = np.atleast_2d(model.process(x)).astype(np.float64)
        y2 = np.atleast_2d(model.process(bumped)).astype(np.float64)
        scale = max(1.0, float(np.max(np.abs(y))), float(np.max(np.abs(y2))))
        if np.max(np.abs(y2[:, lead + rf - 1] - y[:, lead + rf - 1])) / scale < RF_PROBE_MIN_CHANGE:
            return False
    return True


def _add_metadata(src: Source, doc: dict, absent: bool, mode) -> None:
    """No metadata, `null`, informational keys, or (mode "loudness") the computed loudness and gain."""
    if mode not in METADATA_MODES:
        raise ValueError(f"metadata must be one of {METADATA_MODES}")
    if absent or mode is False or (mode is None and src.boolean("no metadata", 0.4)):
        if src.boolean("metadata: null", 0.3):
            doc["metadata"] = None
            _move_to_front(doc, "metadata")
        return
    if doc["architecture"] == "SlimmableContainer":
        for entry in doc["config"]["submodels"]:
            if mode == "loudness" or src.boolean("submodel metadata", 0.3):
                _add_metadata(src, entry["model"], False, mode if mode == "loudness" else True)
    meta = _informational(src)
    if mode == "loudness":
        model = nam_reference.load(doc)
        if doc["architecture"] == "SlimmableContainer":  # [CONT-9]: the container describes its last submodel
            last = doc["config"]["submodels"][-1]["model"].get("metadata") or {}
            measured = (last["loudness"], last["gain"]) if "loudness" in last else None
        else:
            measured = loudness.loudness_and_gain(model)
        if measured is not None:
            meta["loudness"], meta["gain"] = measured
    doc["metadata"] = meta
    _move_to_front(doc, "metadata")


def _move_to_front(doc: dict, key: str) -> None:
    """Trainers write `version`, then `metadata`, then the rest."""
    value = doc.pop(key)
    items = list(doc.items())
    doc.clear()
    doc.update(items[:1])
    doc[key] = value
    doc.update(items[1:])


def _informational(src: Source) -> dict:
    """Metadata a writer may know without measuring anything ([META-2]); `null` means unknown."""
    meta = {}
    if src.boolean("name", 0.7):
        meta["name"] = src.choice(["Test model", "Clean channel", "Fuzz pedal", "Größe Ü café"], "name")
    if src.boolean("modeled_by", 0.5):
        meta["modeled_by"] = src.choice(["nam-conformance", "A. Writer"], "modeled_by")
    if src.boolean("gear", 0.5):
        meta["gear_make"] = src.choice(["Acme", "Generic"], "gear_make")
        meta["gear_model"] = src.choice(["Model 1", "Twin"], "gear_model")
        meta["gear_type"] = src.choice(["amp", "pedal", "pedal_amp", "amp_cab", "amp_pedal_cab", "preamp", "studio",
                                        None], "gear_type")
        meta["tone_type"] = src.choice(["clean", "overdrive", "crunch", "hi_gain", "fuzz", None], "tone_type")
    if src.boolean("levels", 0.4):
        meta["input_level_dbu"] = round(src.real(-10.0, 24.0, "input_level_dbu"), 2)
        meta["output_level_dbu"] = src.choice([round(src.real(-10.0, 24.0, "output_level_dbu"), 2), None, 0],
                                              "output_level_dbu")
    if src.boolean("date", 0.5):
        meta["date"] = {"year": src.integer(2020, 2026, "year"), "month": src.integer(1, 12, "month"),
                        "day": src.integer(1, 28, "day"), "hour": src.integer(0, 23, "hour"),
                        "minute": src.integer(0, 59, "minute"), "second": src.integer(0, 59, "second")}
    if src.boolean("unknown loudness", 0.2):
        meta["loudness"] = None
        meta["gain"] = None
    if src.boolean("training", 0.2):
        meta["training"] = {"validation_esr": round(src.real(0.0, 0.2, "validation_esr"), 5), "settings": {}}
    if src.boolean("extra metadata key", 0.1):
        meta["notes"] = "random weights"
    return meta
