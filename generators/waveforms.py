"""Test signals and block-length sequences ([STREAM-2], [STREAM-9])."""

from __future__ import annotations

import numpy as np

from .source import Source

KINDS = ("silence", "impulse", "impulses", "sine", "sweep", "noise", "full_scale", "tiny", "step")
LEVELS = (0.5, 1.0, 0.1, 1e-3, 1e-6)
RATE = 48000.0


def signal(src: Source, length: int, channels: int = 1, kind: str | None = None) -> np.ndarray:
    """One float32 signal of `length` samples (1-D for one channel, else channels × length)."""
    kind = kind or src.choice(KINDS, "signal kind")
    rows = [_row(src, kind, length, f"channel {c}") for c in range(channels)]
    out = np.asarray(rows, dtype=np.float32)
    return out[0] if channels == 1 else out


def _row(src: Source, kind: str, n: int, label: str) -> np.ndarray:
    t = np.arange(n) / RATE
    if kind == "silence":
        return np.zeros(n)
    if kind in ("impulse", "impulses"):
        x = np.zeros(n)
        for i in range(1 if kind == "impulse" else src.integer(2, 5, f"{label} impulses")):
            x[src.integer(0, n - 1, f"{label} impulse {i} at")] = src.choice([1.0, -1.0, 0.5, 1e-3], f"{label} height")
        return x
    if kind == "sine":
        freq = src.choice([1000.0, 100.0, 440.0, 20.0, 5000.0, 19000.0], f"{label} frequency")
        return src.choice(LEVELS, f"{label} level") * np.sin(2 * np.pi * freq * t + src.real(0, 6.28, f"{label} phase"))
    if kind == "sweep":  # logarithmic, 20 Hz to 20 kHz over the signal
        duration = max(n / RATE, 1 / RATE)
        k = np.log(1000.0)
        phase = 2 * np.pi * 20.0 * duration / k * (np.exp(t / duration * k) - 1)
        return src.choice(LEVELS, f"{label} level") * np.sin(phase)
    if kind == "noise":
        rng = np.random.default_rng(src.seed(f"{label} noise seed"))
        level = src.choice(LEVELS, f"{label} level")
        return level * (rng.uniform(-1, 1, n) if src.boolean(f"{label} uniform") else np.clip(rng.normal(0, 0.3, n), -1, 1))
    if kind == "full_scale":  # a square wave at ±1
        period = src.integer(2, 200, f"{label} period")
        return np.where((np.arange(n) // max(1, period // 2)) % 2 == 0, 1.0, -1.0)
    if kind == "tiny":  # near the bottom of float32: tiny normals and subnormals ([STREAM-10])
        rng = np.random.default_rng(src.seed(f"{label} tiny seed"))
        return src.choice([1e-6, 1e-30, 1e-40], f"{label} tiny level") * rng.uniform(-1, 1, n)
    # "step": silence, then a constant level
    x = np.zeros(n)
    x[src.integer(0, n - 1, f"{label} step at"):] = src.choice([0.5, 1.0, -0.25], f"{label} step level")
    return x


BLOCK_KINDS = ("ones", "primes", "rf_divisors", "beyond_rf", "constant", "random", "whole")
PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def block_sequence(src: Source, total: int, receptive_field: int | None = None, kind: str | None = None) -> list[int]:
    """Block lengths, each >= 1, that add up to `total`."""
    if total <= 0:
        return []
    kind = kind or src.choice(BLOCK_KINDS, "block kind")
    rf = receptive_field or 64
    if kind == "ones":
        pattern = [1]
    elif kind == "primes":
        pattern = list(PRIMES[:src.integer(1, len(PRIMES), "how many primes")])
    elif kind == "rf_divisors":  # blocks that tile the receptive field exactly
        divisors = [d for d in range(1, rf + 1) if rf % d == 0]
        pattern = [src.choice(divisors[::-1], f"divisor {i} of {rf}") for i in range(src.integer(1, 3, "divisors"))]
    elif kind == "beyond_rf":
        pattern = [rf + src.integer(1, 2 * rf, "beyond the receptive field")]
    elif kind == "constant":
        pattern = [src.integer(1, max(1, total), "block length")]
    elif kind == "random":
        pattern = [src.integer(1, max(1, min(total, 4 * rf)), f"block {i}") for i in range(src.integer(1, 8, "blocks"))]
    else:
        pattern = [total]
    blocks, done, i = [], 0, 0
    while done < total:
        n = min(pattern[i % len(pattern)], total - done)
        blocks.append(n)
        done += n
        i += 1
    return blocks
