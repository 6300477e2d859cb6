"""Value domains drawn on purpose: for every activation, parameters and inputs that reach every branch
of its definition ([ACT-2]); batch norm with channels of small and zero variance ([CNN-4], [CNN-5]);
reported facts that integer-minded code mangles ([SR-1], [META-5]). docs/coverage.md lists each
clause with the documents that exercise it (`python -m generators coverage` prints the table).

Each activation runs in a one-block, one-channel ConvNet whose convolution makes the pre-activation
v[t] = GAIN/2 · (x[t] + x[t−1]) + bias and whose head passes v through: on the triangle input
(−1 … 1 … −1) the pre-activation sweeps about ±GAIN, which `reach` names interval by interval.
"""

from __future__ import annotations

import dataclasses

import numpy as np

GAIN = 8.0
INPUT_LENGTH = 1024


@dataclasses.dataclass(frozen=True)
class Domain:
    id: str
    clauses: tuple[str, ...]
    region: str  # what the document exercises (docs/coverage.md)
    document: dict
    reach: tuple[tuple[float, float], ...] = ()  # pre-activation intervals the input must enter


def domain_input() -> np.ndarray:
    """A triangle from −1 to 1 and back, with a little noise so that no two neighbours are equal."""
    half = INPUT_LENGTH // 2
    ramp = np.linspace(-1.0, 1.0, half)
    noise = np.random.default_rng(5).uniform(-0.01, 0.01, INPUT_LENGTH)
    return np.clip(np.concatenate([ramp, ramp[::-1]]) + noise, -1.0, 1.0).astype(np.float32)


def _convnet(activation, weights: list[float], channels: int = 1, batchnorm: bool = False) -> dict:
    return {"version": "0.5.4", "architecture": "ConvNet", "sample_rate": 48000,
            "config": {"channels": channels, "dilations": [1], "batchnorm": batchnorm, "activation": activation},
            "weights": weights}


def _activation(name: str, spec, reach, region: str, clause: str = "ACT-2") -> Domain:
    return Domain(f"activation.{name}", (clause, "CNN-5"), region,
                  _convnet(spec, [GAIN / 2, GAIN / 2, 0.0, 1.0, 0.0]), tuple(reach))


SMOOTH = ((-8, -3), (-0.5, 0.5), (3, 8))  # both saturations and the linear middle
SIGNS = ((-8, 0), (0, 8))


def _leaky(s: float) -> dict:
    return {"type": "LeakyReLU", "negative_slope": s}


ACTIVATIONS = [
    _activation("tanh", "Tanh", SMOOTH, "x < −3, |x| < 0.5, x > 3"),
    _activation("fasttanh", "Fasttanh", SMOOTH, "x < −3, |x| < 0.5, x > 3 (both signs of each |x| term)"),
    _activation("sigmoid", "Sigmoid", SMOOTH, "x < −3, |x| < 0.5, x > 3"),
    _activation("silu", "SiLU", SMOOTH, "x < −3, |x| < 0.5, x > 3"),
    _activation("softsign", "Softsign", SMOOTH, "x < −3, |x| < 0.5, x > 3 (both signs of |x|)"),
    _activation("relu", "ReLU", SIGNS, "x < 0, x > 0"),
    _activation("hardtanh", "Hardtanh", ((-8, -1), (-1, 1), (1, 8)), "below, between and above the default bounds"),
    _activation("hardtanh_asymmetric", {"type": "Hardtanh", "min_val": -0.5, "max_val": 2.5},
                ((-8, -0.5), (-0.5, 2.5), (2.5, 8)), "below, between and above bounds −0.5 and 2.5"),
    _activation("hardtanh_narrow", {"type": "Hardtanh", "min_val": 0.25, "max_val": 0.5},
                ((-8, 0.25), (0.25, 0.5), (0.5, 8)), "bounds 0.25 and 0.5, both positive (equal or reversed bounds are "
                "invalid, [ACT-3]: fixtures/invalid activation.parameter.hardtanh_bounds_equal and _reversed)", "ACT-3"),
    _activation("leaky_relu", "LeakyReLU", SIGNS, "x < 0, x > 0, default slope 0.01"),
    _activation("leaky_relu_slope_0_5", _leaky(0.5), SIGNS, "x < 0, x > 0, slope 0.5"),
    _activation("leaky_relu_slope_1_5", _leaky(1.5), SIGNS, "x < 0, x > 0, slope 1.5 (above 1: max(x, s·x) is wrong)"),
    _activation("leaky_relu_slope_negative", _leaky(-0.25), SIGNS, "x < 0, x > 0, slope −0.25"),
    _activation("leaky_relu_slope_zero", _leaky(0.0), SIGNS, "x < 0, x > 0, slope 0"),
    _activation("prelu_slope_0_2", {"type": "PReLU", "negative_slope": 0.2}, SIGNS, "x < 0, x > 0, slope 0.2",
                "ACT-4"),
    _activation("prelu_slope_1_5", {"type": "PReLU", "negative_slope": 1.5}, SIGNS,
                "x < 0, x > 0, slope 1.5 (above 1)", "ACT-4"),
    _activation("prelu_slopes_2_5", {"type": "PReLU", "negative_slopes": [2.5]}, SIGNS,
                "x < 0, x > 0, one per-channel slope 2.5 (above 1)", "ACT-4"),
    _activation("hardswish", "Hardswish", ((-8, -3), (-3, 3), (3, 8)), "x < −3, −3 < x < 3, x > 3 (the upper clip)"),
    _activation("leaky_hardtanh", "LeakyHardtanh", ((-8, -1), (-1, 1), (1, 8)),
                "below, between and above the default bounds, default slopes"),
    _activation("leaky_hardtanh_steep", {"type": "LeakyHardtanh", "min_val": -2.0, "max_val": 0.5, "min_slope": 1.5,
                                         "max_slope": 0.25},
                ((-8, -2), (-2, 0.5), (0.5, 8)), "bounds −2 and 0.5, slope 1.5 below (above 1) and 0.25 above"),
    _activation("leaky_hardtanh_slopes_swapped", {"type": "LeakyHardtanh", "min_slope": 0.5, "max_slope": 2.0},
                ((-8, -1), (-1, 1), (1, 8)), "default bounds, slope 0.5 below and 2 above (above 1)"),
]


def _batchnorm(name: str, var: list[float], eps: float, region: str) -> Domain:
    """Two channels: v = GAIN/2·(x[t] + x[t−1]) in both, normalised with `var` and `eps`; gamma brings each
    channel back to about ±GAIN/2, so a wrong normalisation shows as a wrong level."""
    c = len(var)
    mean = [0.25] * c
    gamma = [0.5 * float(np.sqrt(v + eps)) for v in var]
    weights = [GAIN / 2] * (2 * c) + mean + var + gamma + [0.1] * c + [eps] + [1.0 / c] * c + [0.0]
    return Domain(f"batchnorm.{name}", ("CNN-4", "CNN-5"), region, _convnet("ReLU", weights, c, batchnorm=True))


BATCHNORM = [
    _batchnorm("zero_variance", [4.0, 0.0], 1e-5, "one channel of variance 0 (a dead channel), eps 1e-5"),
    _batchnorm("small_variance", [1e-7, 1e-5], 1e-5, "variances 1e-7 and eps itself, eps 1e-5"),
    _batchnorm("eps_zero", [0.25, 9.0], 0.0, "eps 0 ([CNN-4] needs only var + eps > 0)"),
]


def _facts(name: str, rate: float, loudness: float, region: str) -> Domain:
    document = {"version": "0.5.4", "architecture": "Linear", "sample_rate": rate,
                "config": {"receptive_field": 2, "bias": False}, "weights": [0.5, 0.25],
                "metadata": {"loudness": loudness, "gain": 0.123456789}}
    return Domain(f"facts.{name}", ("SR-1", "META-5"), region, document)


FACTS = [
    _facts("fractional_rate", 44100.5, -17.123456789012345, "sample rate 44100.5, loudness with 17 digits"),
    _facts("rate_below_one", 0.25, -0.000123456789, "sample rate 0.25 (truncated: 0), loudness near 0"),
    _facts("high_fractional_rate", 96000.125, -31.999999999, "sample rate 96000.125, loudness just above an integer"),
]

DOMAINS = ACTIVATIONS + BATCHNORM  # run and compared with the reference
ALL = DOMAINS + FACTS


def coverage_table() -> str:
    """The Markdown table of docs/coverage.md."""
    lines = ["| clauses | region | document |", "|---|---|---|"]
    for domain in ALL:
        lines.append(f"| {', '.join(f'[{c}]' for c in domain.clauses)} | {domain.region} | `{domain.id}` |")
    return "\n".join(lines)
