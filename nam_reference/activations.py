"""Activations (spec section 7)."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from .readings import EXACT, FAST_TANH, Reading

# Canonical names, with the alias of [ACT-2].
NAMES = ("Tanh", "Fasttanh", "Hardtanh", "ReLU", "LeakyReLU", "PReLU", "Sigmoid", "SiLU", "Hardswish",
         "LeakyHardtanh", "Softsign")
ALIASES = {"LeakyHardTanh": "LeakyHardtanh"}

# Parameters and their defaults ([ACT-2]); PReLU's slopes are handled on their own ([ACT-4]).
DEFAULTS = {
    "Hardtanh": {"min_val": -1.0, "max_val": 1.0},
    "LeakyReLU": {"negative_slope": 0.01},
    "LeakyHardtanh": {"min_val": -1.0, "max_val": 1.0, "min_slope": 0.01, "max_slope": 0.01},
}

# Fasttanh's constants ([ACT-2]).
_FT_A, _FT_B, _FT_C = 2.45550750702956, 0.893229853513558, 0.821226666969744
_FT_D, _FT_E = 2.44506634652299, 0.814642734961073


@dataclasses.dataclass(frozen=True)
class Activation:
    """A parsed activation spec. `slopes` holds a PReLU's per-channel slopes, else None."""

    name: str
    params: tuple = ()  # (key, value) pairs, defaults filled in
    slopes: tuple | None = None

    @property
    def width(self) -> int | None:
        """The tensor width this activation requires (per-channel PReLU only)."""
        return None if self.slopes is None else len(self.slopes)

    def param(self, key: str) -> float:
        return dict(self.params)[key]

    def describe(self) -> str:
        if self.slopes is not None:
            return f"PReLU({len(self.slopes)} slopes)"
        return self.name + (f"({', '.join(f'{k}={v}' for k, v in self.params)})" if self.params else "")

    def bind(self, dtype, reading: Reading = EXACT) -> "callable":
        """A function computing the activation elementwise on a (channels × n) array of `dtype`, as
        `reading` says (the exact functions by default; spec section 21 for the others)."""
        dtype = np.dtype(dtype)
        if reading.exact:
            return _kernel(self, dtype)
        if self.name in ("Tanh", "Sigmoid", "SiLU"):
            table = reading.lut(self.name)
            if table is not None:  # [APPROX-4]
                return lut(table, dtype)
        if self.name == "Tanh" and reading.fast(FAST_TANH):  # [APPROX-2]
            return fast_tanh
        if self.name == "Hardtanh" and reading.speaks("DIV-9"):  # [DIALECT-2]: the bounds are not read
            return _kernel(Activation("Hardtanh", (("min_val", -1.0), ("max_val", 1.0))), dtype)
        return _kernel(self, dtype)


SIGMOID = Activation("Sigmoid")


def parse(spec) -> Activation:
    """Parse a schema-valid activation spec (a name or an object with `type`)."""
    if isinstance(spec, str):
        name, given = spec, {}
    else:
        name, given = spec["type"], spec
    name = ALIASES.get(name, name)
    if name == "PReLU":
        if "negative_slopes" in given:
            return Activation(name, slopes=tuple(float(s) for s in given["negative_slopes"]))
        return Activation(name, (("negative_slope", float(given.get("negative_slope", 0.01))),))
    params = tuple((k, float(given.get(k, v))) for k, v in DEFAULTS.get(name, {}).items())
    return Activation(name, params)


def problems(act: Activation) -> list[tuple[str, str]]:
    """(clause, message) for parameter values the schema cannot check ([ACT-3])."""
    if act.name in ("Hardtanh", "LeakyHardtanh") and not act.param("min_val") < act.param("max_val"):
        return [("ACT-3", f"{act.name} needs min_val < max_val; got {act.param('min_val')} and {act.param('max_val')}")]
    return []


def _leaky(s, zero):
    """x if x > 0 else s·x, for one slope s. For 0 < s ≤ 1 that is max(x, s·x) and for s > 1 it is
    min(x, s·x): the same values in two passes over the data instead of four."""
    if 0 < s <= 1:
        return lambda x: np.maximum(x, x * s)
    if s > 1:
        return lambda x: np.minimum(x, x * s)
    return lambda x: np.where(x > zero, x, x * s)


@functools.lru_cache(maxsize=None)
def logistic():
    """SciPy's logistic function (expit), imported on first use: SciPy alone takes longer to import
    than validating a small file."""
    from scipy.special import expit

    return expit


def _kernel(act: Activation, dtype: np.dtype):
    p = {k: dtype.type(v) for k, v in act.params}
    one, zero = dtype.type(1), dtype.type(0)
    name = act.name
    if name == "Tanh":
        return np.tanh
    if name == "Sigmoid":
        return logistic()
    if name == "SiLU":
        expit = logistic()
        return lambda x: x * expit(x)
    if name == "ReLU":
        return lambda x: np.maximum(x, zero)
    if name == "Softsign":
        return lambda x: x / (one + np.abs(x))
    if name == "Hardswish":
        three, six = dtype.type(3), dtype.type(6)
        return lambda x: x * np.clip(x + three, zero, six) / six
    if name == "Hardtanh":
        return lambda x: np.clip(x, p["min_val"], p["max_val"])
    if name == "LeakyReLU":
        return _leaky(p["negative_slope"], zero)
    if name == "PReLU":
        if act.slopes is None:
            return _leaky(dtype.type(act.param("negative_slope")), zero)
        s = np.asarray(act.slopes, dtype=dtype)[:, None]  # one slope per channel row
        return lambda x: np.where(x > zero, x, x * s)
    if name == "LeakyHardtanh":
        lo, hi, sl, sh = p["min_val"], p["max_val"], p["min_slope"], p["max_slope"]
        return lambda x: np.where(x < lo, (x - lo) * sl + lo, np.where(x > hi, (x - hi) * sh + hi, x))
    if name == "Fasttanh":
        return fast_tanh
    raise ValueError(f"unknown activation {name!r}")  # unreachable for validated files


def fast_tanh(x, out=None):
    """The rational function of [ACT-2] (`Fasttanh`, and `namcore.fast_tanh` of [APPROX-2]), in the
    dtype of x, each operation rounded as written: x·A / B, not x·(A / B)."""
    t = x.dtype.type
    a, b, c, d, e = t(_FT_A), t(_FT_B), t(_FT_C), t(_FT_D), t(_FT_E)
    ax = np.abs(x)
    x2 = x * x
    numerator = x * (a + a * ax + (b + c * ax) * x2)
    return np.divide(numerator, d + (d + x2) * np.abs(x + e * x * ax), out=out)


def fast_sigmoid(x, out=None):
    """`namcore.fast_sigmoid` ([APPROX-3]): 0.5·(fast_tanh(0.5·x) + 1)."""
    t = x.dtype.type
    half = t(0.5)
    y = fast_tanh(x * half)
    y += t(1)
    return np.multiply(y, half, out=out)


def lut(table, dtype: np.dtype):
    """`namcore.lut_*` ([APPROX-4]): a table of the exact function at low + i·step, i = 0 .. points − 1,
    step = (high − low)/(points − 1), read with clamping, truncation and linear interpolation, every
    value rounded to `dtype` as the engine's float arithmetic does."""
    t = dtype.type
    low, high, n = t(table.low), t(table.high), table.points
    step = (high - low) / t(n - 1)
    inverse = t(1) / step
    exact = _kernel(Activation(table.function), dtype)
    grid = low + np.arange(n).astype(dtype) * step
    values = exact(grid).astype(dtype)

    def lookup(x, out=None):
        position = (np.clip(x, low, high) - low) * inverse
        i = np.minimum(position.astype(np.int64), n - 1)  # truncation: position is never negative
        below = np.minimum(i, n - 2)
        fraction = position - below.astype(dtype)
        y = np.where(i >= n - 1, values[-1], values[below] + (values[below + 1] - values[below]) * fraction)
        if out is None:
            return y.astype(dtype, copy=False)
        out[...] = y
        return out

    return lookup
