"""Reading and writing audio: WAV through scipy, or headerless little-endian float32 (`.f32`)."""

from __future__ import annotations

import os

import numpy as np


def _wavfile():
    import scipy.io.wavfile  # on first use: SciPy takes longer to import than validating a small file

    return scipy.io.wavfile


class AudioError(Exception):
    """An audio file that cannot be used; the message is one line for the user."""


def read(path) -> tuple[np.ndarray, float | None]:
    """Samples as float32 (channels × n) and the sample rate (None for `.f32`)."""
    path = os.fspath(path)
    if path.lower().endswith(".f32"):
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as exc:
            raise AudioError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if len(raw) % 4:
            raise AudioError(f"{path}: a .f32 file holds 4-byte samples; its {len(raw)} bytes leave {len(raw) % 4} over")
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)[None, :], None
    try:
        rate, data = _wavfile().read(path)
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except Exception as exc:  # the header is untrusted: any failure to parse it is a bad file, e.g. 0 channels
        raise AudioError(f"{path}: not a readable WAV file ({type(exc).__name__}: {exc})") from None
    if rate <= 0 or (data.ndim == 2 and data.shape[1] == 0):
        raise AudioError(f"{path}: not a usable WAV file (sample rate {rate}, {data.shape[-1] if data.ndim == 2 else 1} channels)")
    return _to_float(data, path).T.copy() if data.ndim == 2 else _to_float(data, path)[None, :], float(rate)


def _to_float(data: np.ndarray, path: str) -> np.ndarray:
    """PCM integers to [-1, 1) (24-bit PCM arrives left-justified in int32), floats unchanged."""
    if data.dtype == np.uint8:
        return ((data.astype(np.float32) - 128) / 128).astype(np.float32)
    if data.dtype == np.int16:
        return (data / 32768.0).astype(np.float32)
    if data.dtype == np.int32:
        return (data / 2147483648.0).astype(np.float32)
    if data.dtype in (np.float32, np.float64):
        return data.astype(np.float32)
    raise AudioError(f"{path}: unsupported sample format {data.dtype}")


def write(path, samples: np.ndarray, rate: float | None) -> None:
    """Write float32 samples (channels × n, or 1-D): a float32 WAV, or raw float32 for `.f32` (mono only)."""
    path = os.fspath(path)
    samples = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    try:
        if path.lower().endswith(".f32"):
            if samples.shape[0] != 1:
                raise AudioError(f"{path}: .f32 files are mono; the output has {samples.shape[0]} channels")
            samples[0].astype("<f4").tofile(path)
        else:
            _wavfile().write(path, int(round(rate or 48000)), samples.T if samples.shape[0] > 1 else samples[0])
    except OSError as exc:
        raise AudioError(f"{path}: cannot write: {exc.strerror or exc}") from None
