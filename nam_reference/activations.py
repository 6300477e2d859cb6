"""Activations (spec section 7).

`_kernel` has the functions of [ACT-2] in the order of the spec's table, each with its formula beside it.
One speed measure: `LeakyReLU` and a single-slope `PReLU` run `leaky_relu_max_min`, tested equal bit for bit
to the plain `leaky_relu` beside it. Section 21's approximations follow: `fast_tanh`, `fast_sigmoid`, `lut`.
"""

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


def leaky_relu(s):
    """x if x > 0 else s·x ([ACT-2] `LeakyReLU`, and `PReLU` with one slope for every row), as written."""
    return lambda x: np.where(x > 0, x, s * x)


def leaky_relu_max_min(s):
    """`leaky_relu` in two passes over the data instead of four, for the slopes where that is the same
    function: for 0 < s ≤ 1, s·x ≤ x exactly when x ≥ 0, so it is max(x, s·x); for s > 1 it is min(x, s·x).
    Other slopes get `leaky_relu`. tests/test_reference_activations.py checks the two agree bit for bit."""
    if 0 < s <= 1:
        return lambda x: np.maximum(x, s * x)
    if s > 1:
        return lambda x: np.minimum(x, s * x)
    return leaky_relu(s)


@functools.lru_cache(maxsize=None)
def logistic():
    """SciPy's logistic function (expit), imported on first use: SciPy alone takes longer to import
    than validating a small file."""
    from scipy.special import expit

    return expit


def _kernel(act: Activation, dtype: np.dtype):
    """The function of [ACT-2] that `act` names, in the table's order, on arrays of `dtype`; its
    constants and parameters are numbers of `dtype` ([ACT-6], [ACT-7])."""
    t, name = dtype.type, act.name
    p = {k: t(v) for k, v in act.params}
    zero, one, three, six = t(0), t(1), t(3), t(6)
    if name == "Tanh":
        return np.tanh  # [ACT-2] tanh(x)
    if name == "Fasttanh":
        return fast_tanh  # [ACT-2] the rational function, below
    if name == "Hardtanh":
        return lambda x: np.clip(x, p["min_val"], p["max_val"])  # [ACT-2] min(max(x, lo), hi)
    if name == "ReLU":
        return lambda x: np.maximum(x, zero)  # [ACT-2] max(x, 0)
    if name == "LeakyReLU":
        return leaky_relu_max_min(p["negative_slope"])  # [ACT-2] x if x > 0 else s·x
    if name == "PReLU" and act.slopes is None:
        return leaky_relu_max_min(p["negative_slope"])  # [ACT-4] one slope s for every row
    if name == "PReLU":
        s = np.asarray(act.slopes, dtype=dtype)[:, None]  # [ACT-4] s_r: one slope per channel row r
        return lambda x: np.where(x > 0, x, s * x)  # [ACT-2] x if x > 0 else s_r·x
    if name == "Sigmoid":
        return logistic()  # [ACT-2] σ(x)
    if name == "SiLU":
        sigmoid = logistic()
        return lambda x: x * sigmoid(x)  # [ACT-2] x·σ(x)
    if name == "Hardswish":
        return lambda x: x * np.clip(x + three, zero, six) / six  # [ACT-2] x·min(max(x + 3, 0), 6) / 6
    if name == "LeakyHardtanh":
        lo, hi, sl, sh = p["min_val"], p["max_val"], p["min_slope"], p["max_slope"]
        # [ACT-2] (x − lo)·sl + lo if x < lo; (x − hi)·sh + hi if x > hi; x otherwise
        return lambda x: np.where(x < lo, (x - lo) * sl + lo, np.where(x > hi, (x - hi) * sh + hi, x))
    if name == "Softsign":
        return lambda x: x / (one + np.abs(x))  # [ACT-2] x / (1 + |x|)
    raise ValueError(f"unknown activation {name!r}")  # unreachable for validated files


def fast_tanh(x, out=None):
    """The rational function of [ACT-2] (`Fasttanh`, and `namcore.fast_tanh` of [APPROX-2]), in the
    dtype of x, each operation rounded as written: x·A / B, not x·(A / B)."""
    t = x.dtype.type
    a, b, c, d, e = t(_FT_A), t(_FT_B), t(_FT_C), t(_FT_D), t(_FT_E)
    ax, x2 = np.abs(x), x * x  # |x|, x²
    numerator = x * (a + a * ax + (b + c * ax) * x2)  # x·(a + a·|x| + (b + c·|x|)·x²)
    denominator = d + (d + x2) * np.abs(x + e * x * ax)  # d + (d + x²)·|x + e·x·|x||
    return np.divide(numerator, denominator, out=out)


def fast_sigmoid(x, out=None):
    """`namcore.fast_sigmoid` ([APPROX-3]): 0.5·(fast_tanh(0.5·x) + 1)."""
    half, one = x.dtype.type(0.5), x.dtype.type(1)
    return np.multiply(half, fast_tanh(half * x) + one, out=out)


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
