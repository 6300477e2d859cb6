"""Loudness and gain, and scaling a model's output (spec section 17).

    x = standard_stimulus()                 # the trainer's loudness_input.wav, found without importing it
    loudness(model, x), gain(model, x)      # [LOUD-2], [LOUD-3]; None when the output is silent
    scaled = scale_output(document, 2.0)    # [LOUD-8]: the file of a model whose output is doubled

`project_stimulus()` is a noise signal of this project's own, for relative checks (how loudness moves
when a model changes) on machines without the standard stimulus; absolute values measured with it
are not comparable with stored ones.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import math
import os
import wave
from pathlib import Path

import numpy as np

from .audio import AudioError
from .envelope import ModelSpec
from .model import Model
from .problems import InvalidModelError
from .validation import check, load_spec

# [LOUD-1]
STANDARD_SHA256 = "84f3c44ddb228909d7ed7bbfeb4c12d0bb761cfd24c2b1925a96071df9392be5"
STANDARD_SAMPLES = 48000
TRAINER_DISTRIBUTION = "neural-amp-modeler"
STIMULUS_RESOURCE = "nam/models/_resources/loudness_input.wav"

GAIN_LEVELS = tuple(k / 10 for k in range(11))  # [LOUD-3]: the stimulus scaled by 0, 0.1, ..., 1
LOUDNESS_TOLERANCE_DB = 0.01  # [LOUD-5]
GAIN_TOLERANCE = 0.001  # [LOUD-5]

PROJECT_SEED = 20240617
PROJECT_RMS = 0.17848  # the standard stimulus's RMS (about -15 dBFS), so levels are comparable in kind


class StimulusError(AudioError):
    """A stimulus that cannot be used: absent, unreadable, or not the standard file."""


# Stimuli.

def find_standard_stimulus() -> Path | None:
    """The stimulus inside an installed neural-amp-modeler distribution, or None.

    Only the distribution's file list is read: importing the trainer would need PyTorch.
    """
    import importlib.metadata  # here: a start of nam-ref need not read the installation

    try:
        dist = importlib.metadata.distribution(TRAINER_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    candidates = [f for f in dist.files or () if f.as_posix().endswith(STIMULUS_RESOURCE)]
    for path in [Path(f.locate()) for f in candidates] + [Path(dist.locate_file(STIMULUS_RESOURCE))]:
        if path.is_file():
            return path
    return None


def standard_stimulus(path: str | os.PathLike | None = None) -> np.ndarray:
    """The standard stimulus of [LOUD-1] as float32: from `path`, else from an installed trainer.

    Raises StimulusError when no file is found or the file is not the standard one (SHA-256).
    """
    if path is None:
        path = find_standard_stimulus()
        if path is None:
            raise StimulusError(f"the standard loudness stimulus was not found: install {TRAINER_DISTRIBUTION} "
                                "(only its files are read) or give the path of its loudness_input.wav")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StimulusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    if digest != STANDARD_SHA256:
        raise StimulusError(f"{path}: not the standard loudness stimulus (SHA-256 {digest}, expected "
                            f"{STANDARD_SHA256})")
    return _decode_pcm24(data)


def _decode_pcm24(data: bytes) -> np.ndarray:
    """Mono 24-bit PCM samples as integer / 2^23, rounded to float32 ([LOUD-1])."""
    with wave.open(io.BytesIO(data)) as w:
        assert w.getsampwidth() == 3 and w.getnchannels() == 1  # guaranteed by the checksum
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.uint8).reshape(-1, 3).astype(np.int32)
    unsigned = frames[:, 0] | (frames[:, 1] << 8) | (frames[:, 2] << 16)
    signed = np.where(unsigned >= 1 << 23, unsigned - (1 << 24), unsigned)
    return (signed / 2.0 ** 23).astype(np.float32)


def project_stimulus(samples: int = STANDARD_SAMPLES, seed: int = PROJECT_SEED) -> np.ndarray:
    """Seeded noise with a roughly pink spectrum (power falling as 1/f), no DC, RMS about -15 dBFS."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(samples))
    frequency = np.arange(spectrum.size, dtype=np.float64)
    spectrum[1:] /= np.sqrt(frequency[1:])
    spectrum[0] = 0.0
    x = np.fft.irfft(spectrum, samples)
    return (x * (PROJECT_RMS / np.sqrt(np.mean(x * x)))).astype(np.float32)


# Measurement.

@dataclasses.dataclass(frozen=True)
class Measurement:
    """r_0 ... r_10: the output RMS for the stimulus scaled by k/10, each rendered from the initial state."""

    levels: tuple[float, ...]

    @property
    def loudness(self) -> float | None:
        """[LOUD-2], in dB; None when the output is silent ([LOUD-4])."""
        return _db(self.levels[-1])

    @property
    def gain(self) -> float | None:
        """[LOUD-3]; None when the output for the full stimulus is silent ([LOUD-4])."""
        full = self.levels[-1]
        if full == 0:
            return None
        return float(min(max((math.fsum(self.levels) - 5.5 * full) / (5.5 * full), 0.0), 1.0))


def output_rms(model, stimulus, level: float = 1.0, size: float | None = None) -> float:
    """RMS over every output sample and channel, in double precision, for `level` times the stimulus.

    The output is computed from the initial state ([STATE-4]). A model with several input channels
    receives the stimulus in every channel.
    """
    model = _as_model(model)
    x = np.asarray(stimulus, dtype=np.float32)
    if x.ndim != 1:
        raise ValueError(f"a stimulus is one channel of samples; got shape {x.shape}")
    if level != 1.0:
        x = (x.astype(np.float64) * level).astype(np.float32)
    y = model.process(np.repeat(x[None, :], model.in_channels, axis=0), size=size)
    return float(np.sqrt(np.mean(np.square(y, dtype=np.float64)))) if y.size else 0.0


def loudness(model, stimulus, size: float | None = None) -> float | None:
    """[LOUD-2]: 20·log10 of the output RMS for the stimulus, in dB (None when silent).

    `model` is a Model or anything `nam_reference.load` accepts; `size` None means full size.
    """
    return _db(output_rms(model, stimulus, 1.0, size))


def gain(model, stimulus, size: float | None = None) -> float | None:
    """[LOUD-3] from the 11-level sweep (None when the output for the full stimulus is silent)."""
    return measure(model, stimulus, size).gain


def measure(model, stimulus, size: float | None = None) -> Measurement:
    """Loudness and gain together, from one sweep of 11 renders."""
    model = _as_model(model)
    return Measurement(tuple(output_rms(model, stimulus, level, size) for level in GAIN_LEVELS))


def _db(rms: float) -> float | None:
    return 20.0 * math.log10(rms) if rms > 0 else None


def _as_model(model) -> Model:
    return model if isinstance(model, Model) else Model(load_spec(model))


def contains_lstm(spec: ModelSpec) -> bool:
    """Whether an LSTM runs inside this model (itself, its condition_dsp, a container submodel or a
    Sequential's model)."""
    if spec.architecture == "LSTM":
        return True
    nested = [spec.config.condition] if getattr(spec.config, "condition", None) is not None else []
    nested += list(getattr(spec.config, "submodels", ())) + list(getattr(spec.config, "children", ()))
    return any(contains_lstm(m) for m in nested)


# Scaling the output ([LOUD-8]).

def scale_to_db(scale: float) -> float:
    return 20.0 * math.log10(scale)


def db_to_scale(db: float) -> float:
    return 10.0 ** (db / 20.0)


def scale_output(document: dict, scale: float) -> dict:
    """A copy of a parsed .nam document whose model computes `scale` times the original's output.

    What changes is what [LOUD-8] lists; `metadata.loudness` moves by 20·log10(scale) at every level
    where it is stored, `gain` and every other value stay as they are, and so does the key order.
    Scaled weights are the shortest decimals that round-trip their binary32 values ([W-2]).
    Raises InvalidModelError for an invalid document and ValueError for an unusable scale.
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"the scale must be a finite number > 0; got {scale!r}")
    report, spec = check(document)
    if spec is None:
        raise InvalidModelError(report)
    scaled = copy.deepcopy(document)
    _scale_model(scaled, spec, float(scale))
    return scaled


def _scale_model(doc: dict, spec: ModelSpec, scale: float) -> None:
    if spec.architecture == "SlimmableContainer":
        for entry, sub in zip(doc["config"]["submodels"], spec.config.submodels):
            _scale_model(entry["model"], sub, scale)
    elif spec.architecture == "Sequential":  # the last model only ([SEQ-13])
        _scale_model(doc["config"]["models"][-1], spec.config.children[-1], scale)
    else:
        weights = doc["weights"]
        for i in range(*output_weights(spec).indices(len(weights))):
            weights[i] = _scaled_float32(spec.weights[i], scale)
        if spec.architecture == "WaveNet" and spec.config.post_head is None:
            doc["config"]["head_scale"] = _scaled_float32(doc["config"]["head_scale"], scale)
    metadata = doc.get("metadata")
    if isinstance(metadata, dict) and metadata.get("loudness") is not None:
        metadata["loudness"] = metadata["loudness"] + scale_to_db(scale)


def output_weights(spec: ModelSpec) -> slice:
    """The part of a (non-container) model's blob that [LOUD-8] multiplies."""
    cfg, n = spec.config, len(spec.weights)
    if spec.architecture == "Linear":
        return slice(0, n)  # every tap and the bias
    if spec.architecture == "LSTM":
        return slice(n - cfg.out_channels * (cfg.hidden_size + 1), n)  # W_head, b_head
    if spec.architecture == "ConvNet":
        return slice(n - cfg.out_channels * (cfg.channels + 1), n)  # W_head, b_head
    if spec.architecture == "WaveNet":
        if cfg.post_head is None:
            return slice(n - 1, n)  # the head scale
        last_w, last_b = cfg.layout()[-3:-1]  # the last post-stack convolution, before the head scale
        return slice(n - 1 - last_w.size - last_b.size, n - 1)
    raise ValueError(f"no output weights for a {spec.architecture}")


def _scaled_float32(value, scale: float) -> float:
    """float32(float32(value) · scale), as the double whose shortest decimal is the float32's shortest."""
    with np.errstate(over="ignore"):
        result = np.float32(float(np.float32(value)) * scale)
    if not np.isfinite(result):
        raise ValueError(f"scaling {float(value):g} by {scale:g} overflows binary32")
    return float(np.format_float_scientific(result, unique=True))
