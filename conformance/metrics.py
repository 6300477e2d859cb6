"""The comparison metrics and agreement tiers of spec section 18 ([NUM-3] to [NUM-5])."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from scipy.signal import stft

# [NUM-5]: tier -> (max error, ESR, mel distance in dB); None means the metric is not used.
TIERS = {
    "strict": (5e-5, 1e-9, 0.001),
    "approximate": (5e-2, 1e-3, 0.3),
    "perceptual": (None, 1e-2, 1.0),
}
TIER_ORDER = ("strict", "approximate", "perceptual")
BLOCK_TOLERANCE = 5e-5  # [NUM-4]
RELATIVE_FLOOR_RMS = 1e-4  # ESR and mel distance apply above −80 dBFS ([NUM-3])
# [NUM-9]: at the approximate tier they apply only when the reference's varying part is above −60 dBFS;
# below it they measure the approximation's absolute error against almost no signal.
APPROXIMATE_FLOOR_RMS = 1e-3
MEL_FFT, MEL_HOP, MEL_BANDS, MEL_LOW_HZ = 1024, 256, 64, 20.0
MEL_FLOOR = 1e-6  # bands 60 dB below the reference's loudest count as silence


@dataclasses.dataclass(frozen=True)
class Comparison:
    max_error: float  # max|y − r| / max(1, peak)
    esr: float | None
    mel_db: float | None
    peak: float
    worst_index: int  # sample (flattened over channels) where |y − r| is largest
    finite: bool
    varying_rms: float = 0.0  # RMS of the reference minus its mean, per channel ([NUM-9])

    def within(self, tier: str) -> bool:
        if not self.finite:
            return False  # [NUM-7]
        limits = TIERS[tier]
        values = (self.max_error, self.esr, self.mel_db)
        if tier == "approximate" and self.varying_rms < APPROXIMATE_FLOOR_RMS:
            values = (self.max_error, None, None)  # [NUM-9]: the max error alone
        return all(limit is None or value is None or value <= limit for limit, value in zip(limits, values))

    def best_tier(self) -> str | None:
        """The strictest tier met, or None."""
        return next((t for t in TIER_ORDER if self.within(t)), None)

    def as_json(self) -> dict:
        return {"max_error": self.max_error, "esr": self.esr, "mel_db": self.mel_db, "peak": self.peak,
                "varying_rms": self.varying_rms, "worst_index": self.worst_index, "finite": self.finite,
                "tier": self.best_tier()}


def compare(y, reference, sample_rate: float = 48000.0) -> Comparison:
    """Compare an output with a reference output of the same shape, over all channels."""
    y = np.asarray(y, dtype=np.float64)
    r = np.asarray(reference, dtype=np.float64)
    if y.shape != r.shape:
        raise ValueError(f"shapes differ: {y.shape} and {r.shape}")
    finite = bool(np.all(np.isfinite(y)))
    peak = float(np.max(np.abs(r))) if r.size else 0.0
    if not finite or not r.size:
        return Comparison(float("inf") if not finite else 0.0, None, None, peak, 0, finite)
    diff = np.abs(y - r)
    worst = int(np.argmax(diff))
    max_error = float(diff.flat[worst]) / max(1.0, peak)
    esr = mel = None
    r2 = np.atleast_2d(r)
    varying = float(np.sqrt(np.mean((r2 - r2.mean(axis=-1, keepdims=True)) ** 2)))
    if np.sqrt(np.mean(r * r)) >= RELATIVE_FLOOR_RMS:
        esr = float(np.sum((y - r) ** 2) / np.sum(r * r))
        if r.shape[-1] >= MEL_FFT:
            mel = mel_distance(np.atleast_2d(y), np.atleast_2d(r), sample_rate)
    return Comparison(max_error, esr, mel, peak, worst, finite, varying)


def max_error(y, reference) -> float:
    """[NUM-3]'s max error alone: max|y − r| / max(1, peak of r)."""
    y, r = np.asarray(y, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return float(np.max(np.abs(y - r)) / max(1.0, float(np.max(np.abs(r))))) if r.size else 0.0


def mel_distance(y: np.ndarray, r: np.ndarray, sample_rate: float) -> float:
    """Mean |dB difference| of mel-band powers ([NUM-3]), over channels, frames and bands."""
    fb = _mel_filterbank(float(sample_rate))
    total = 0.0
    for yc, rc in zip(y, r):
        py, pr = (fb @ (np.abs(stft(s, nperseg=MEL_FFT, noverlap=MEL_FFT - MEL_HOP, window="hann",
                                    boundary=None, padded=False)[2]) ** 2) for s in (yc, rc))
        eps = MEL_FLOOR * max(float(pr.max()), 1e-300)
        total += float(np.mean(np.abs(10 * np.log10(py + eps) - 10 * np.log10(pr + eps))))
    return total / len(y)


@functools.lru_cache(maxsize=8)
def _mel_filterbank(sample_rate: float) -> np.ndarray:
    """MEL_BANDS triangular filters equally spaced on the mel scale from 20 Hz to Nyquist."""
    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    freqs = np.linspace(0.0, sample_rate / 2, MEL_FFT // 2 + 1)
    edges = hz(np.linspace(mel(MEL_LOW_HZ), mel(sample_rate / 2), MEL_BANDS + 2))
    bank = np.zeros((MEL_BANDS, freqs.size))
    for b in range(MEL_BANDS):
        lo, mid, hi = edges[b:b + 3]
        rising = (freqs - lo) / (mid - lo)
        falling = (hi - freqs) / (hi - mid)
        bank[b] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank
