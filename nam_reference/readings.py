"""Readings of a file other than the normative one (spec section 21): the named approximations an
engine may declare ([APPROX-1] to [APPROX-5]) and the dialects, the computations section 20 records
for other implementations ([DIALECT-1] to [DIALECT-5]).

The normative reading is `EXACT`; `Reading(approximations=..., dialects=...)` asks the reference to
compute as a named engine does, for judging engines that declare it or explaining their failures.
"""

from __future__ import annotations

import dataclasses
import re

FAST_TANH = "namcore.fast_tanh"
FAST_SIGMOID = "namcore.fast_sigmoid"
# namcore.lut_tanh(min,max,points) and the same for sigmoid and silu ([APPROX-4]).
LUT = re.compile(r"namcore\.lut_(tanh|sigmoid|silu)\(\s*([^,()]+),\s*([^,()]+),\s*(\d+)\s*\)")
LUT_FUNCTIONS = {"tanh": "Tanh", "sigmoid": "Sigmoid", "silu": "SiLU"}  # the activation each table replaces


@dataclasses.dataclass(frozen=True)
class Lut:
    """A lookup table with linear interpolation of `function` over [low, high] with `points` entries."""

    function: str  # "Tanh", "Sigmoid" or "SiLU"
    low: float
    high: float
    points: int


@dataclasses.dataclass(frozen=True)
class Dialect:
    """A computation that section 20 records for another implementation."""

    clause: str  # the DIV clause that records it
    engine: str  # whose reading it is
    features: frozenset  # the feature tags of the cases it can change
    summary: str


NAMCORE = "NeuralAmpModelerCore 0.5.x"
TRAINER = "the trainer 0.13.0"
NEURALAUDIO = "NeuralAudio"
DIALECTS = {d.clause: d for d in (
    Dialect("DIV-1", TRAINER, frozenset({"arch.linear"}), "weights[R−1] multiplies the current sample"),
    Dialect("DIV-4", NAMCORE, frozenset({"wavenet.layer1x1_inactive"}),
            "without layer1x1 the residual is x' = x (the layer output is not added)"),
    Dialect("DIV-5", NAMCORE, frozenset({"wavenet.film.layer1x1_post"}),
            "layer1x1_post_film applies in blended layers only"),
    Dialect("DIV-6", TRAINER, frozenset({"wavenet.head_dilation"}), "head_dilation is ignored (dilation 1)"),
    Dialect("DIV-9", NAMCORE, frozenset({"act.hardtanh_bounds"}), "Hardtanh ignores min_val and max_val (±1)"),
    Dialect("DIV-17", NEURALAUDIO, frozenset({"arch.container"}),
            "a container selects the first submodel with size ≤ max_value"),
)}


def parse_approximation(name: str):
    """The approximation a declared name stands for, or ValueError for a name spec section 21 does not define."""
    if name in (FAST_TANH, FAST_SIGMOID):
        return name
    found = LUT.fullmatch(name)
    if found:
        low, high, points = float(found.group(2)), float(found.group(3)), int(found.group(4))
        if not (low < high and points >= 2):
            raise ValueError(f"{name}: a lookup table needs min < max and at least 2 points ([APPROX-4])")
        return Lut(LUT_FUNCTIONS[found.group(1)], low, high, points)
    raise ValueError(f"{name!r} is not a named approximation ([APPROX-1]): namcore.fast_tanh, namcore.fast_sigmoid, "
                     "namcore.lut_tanh(min,max,points), namcore.lut_sigmoid(...), namcore.lut_silu(...)")


@dataclasses.dataclass(frozen=True)
class Reading:
    approximations: frozenset = frozenset()  # declared names ([APPROX-1])
    dialects: frozenset = frozenset()  # DIV clause ids of DIALECTS

    def __post_init__(self):
        object.__setattr__(self, "approximations", frozenset(self.approximations))
        object.__setattr__(self, "dialects", frozenset(self.dialects))
        for name in self.approximations:
            parse_approximation(name)
        unknown = self.dialects - set(DIALECTS)
        if unknown:
            raise ValueError(f"no dialect for {sorted(unknown)}; the dialects are {sorted(DIALECTS)}")

    @property
    def exact(self) -> bool:
        return not self.approximations and not self.dialects

    def fast(self, name: str) -> bool:
        return name in self.approximations

    def lut(self, function: str) -> Lut | None:
        """The declared table replacing `function` ("Tanh", "Sigmoid", "SiLU"), if any."""
        tables = [t for t in map(parse_approximation, self.approximations) if isinstance(t, Lut) and t.function == function]
        return tables[-1] if tables else None

    def speaks(self, clause: str) -> bool:
        return clause in self.dialects

    def with_dialects(self, clauses) -> "Reading":
        return Reading(self.approximations, frozenset(clauses))


EXACT = Reading()


def applicable_dialects(features) -> list[Dialect]:
    """The dialects that can change a case with these feature tags."""
    return [d for d in DIALECTS.values() if d.features & set(features)]
