"""The cases the checks run on: the fixture corpus, extra model folders, and the invalid corpus."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import numpy as np

import nam_reference
from nam_reference import resources
from nam_reference.features import features as feature_tags
from nam_reference.readings import EXACT, Reading

STANDARD_SIGNAL_LENGTH = 16384


@dataclasses.dataclass(eq=False)
class Case:
    """A valid model with an input signal; the reference output is its expected output."""

    id: str
    model_path: Path
    features: frozenset
    clauses: tuple = ()
    size: float | None = None
    input_path: Path | None = None
    expected_path: Path | None = None
    tolerance: dict | None = None
    _outputs: dict = dataclasses.field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"Case({self.id})"

    @functools.cached_property
    def model(self) -> nam_reference.Model:
        return nam_reference.load(self.model_path)

    def model_in(self, reading: Reading) -> nam_reference.Model:
        """The model computing `reading` (spec section 21); the normative one for EXACT."""
        if reading.exact:
            return self.model
        key = ("model", reading)
        if key not in self._outputs:
            self._outputs[key] = nam_reference.Model(self.model.spec, reading=reading)
        return self._outputs[key]

    @functools.cached_property
    def input(self) -> np.ndarray:
        """The input as (channels × n) float32."""
        channels = self.model.in_channels
        if self.input_path is None:
            return np.tile(standard_signal(STANDARD_SIGNAL_LENGTH), (channels, 1))
        data = np.fromfile(self.input_path, dtype="<f4")
        return data.reshape(-1, channels).T.copy() if channels > 1 else data[None, :]

    def reference(self, x: np.ndarray | None = None, initial_state: str = "silent", size=...,
                  reading: Reading = EXACT) -> np.ndarray:
        """The reference output (channels × n) for x (default: the case input), computed as `reading` says."""
        size = self.size if size is ... else size
        model = self.model_in(reading)
        if (x is None and initial_state == "silent" and size == self.size and self.expected_path is not None
                and reading.exact):
            data = np.fromfile(self.expected_path, dtype="<f4")
            out = self.model.out_channels
            return data.reshape(-1, out).T.copy() if out > 1 else data[None, :]
        if x is None:  # the case input: computed once per process
            key = (initial_state, size, reading)
            if key not in self._outputs:
                self._outputs[key] = np.atleast_2d(model.process(self.input, size=size, initial_state=initial_state))
            return self._outputs[key]
        return np.atleast_2d(model.process(x, size=size, initial_state=initial_state))

    @property
    def receptive_field(self) -> int | None:
        return self.model.receptive_field(self.size)


def standard_signal(n: int, seed: int = 7) -> np.ndarray:
    """A test signal of the suite's own: a few quiet samples, an impulse, a log sweep, two sines and
    noise bursts, peak 0.9 (deterministic)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 48000.0
    x = np.zeros(n)
    x[8] = 0.9
    third = n // 3
    sweep = np.sin(2 * np.pi * 20.0 * (1000.0 ** (t[:third] / t[third - 1]) - 1) * t[third - 1] / np.log(1000.0))
    x[16:16 + third] += 0.6 * sweep[:max(0, min(third, n - 16))]
    x[third:2 * third] += 0.4 * np.sin(2 * np.pi * 110.0 * t[third:2 * third]) + 0.3 * np.sin(
        2 * np.pi * 997.0 * t[third:2 * third])
    x[2 * third:] += rng.uniform(-0.8, 0.8, n - 2 * third) * (np.arange(n - 2 * third) % 2048 < 1024)
    return np.clip(x, -0.9, 0.9).astype(np.float32)


def run_cost(case: Case) -> float:
    """A rough cost of running a case: its weights, an LSTM's many times (it steps sample by sample)."""
    return case.model.weight_count * (50 if "arch.lstm" in case.features else 1) + (1 if case.size is not None else 0)


def covering(cases: list[Case], tags) -> list[Case]:
    """A few cases that between them show every tag of `tags` any case shows: greedily the case showing
    most tags not yet shown, the cheapest among equals."""
    left, chosen = set(tags), []
    pool = sorted(cases, key=run_cost)
    while left:
        best = max(pool, key=lambda c: len(left & c.features), default=None)
        if best is None or not left & best.features:
            break
        chosen.append(best)
        left -= best.features
    return chosen


def extended(x: np.ndarray, n: int) -> np.ndarray:
    """The first n samples of a (channels × m) input, continued with the standard signal when m < n."""
    if x.shape[1] >= n:
        return x[:, :n]
    more = np.tile(standard_signal(n - x.shape[1]), (x.shape[0], 1))
    return np.concatenate([x, more], axis=1)


def dense_signal(channels: int, n: int, seed: int = 3) -> np.ndarray:
    """Noise whose every sample is at least 0.1 away from zero: a sample lost, repeated or read from the
    wrong place always shows in the output."""
    rng = np.random.default_rng(seed)
    return (rng.choice([-1.0, 1.0], (channels, n)) * rng.uniform(0.1, 0.9, (channels, n))).astype(np.float32)


def fixture_cases(group: str = "cases") -> list[Case]:
    """The fixture corpus (fixtures/MANIFEST.json); each entry's folder holds case.json. The group
    "near_miss" lists the near misses of popular shapes, which only the near-miss check runs.

    A missing or empty manifest is a broken installation (ResourceError), never a run without cases."""
    cases = []
    for entry in _index(resources.fixture_file("MANIFEST.json"), group):
        folder = entry.get("path", f"cases/{entry['id']}")
        meta = json.loads(resources.read_text(resources.fixture_file(folder, "case.json")))
        cases.append(Case(
            id=meta["id"], model_path=resources.fixture_file(folder, "model.nam"),
            features=frozenset(meta.get("features", ())), clauses=tuple(meta.get("clauses", ())), size=meta.get("size"),
            input_path=resources.fixture_file(folder, "input.f32"),
            expected_path=resources.fixture_file(folder, "expected.f32"), tolerance=meta.get("tolerance")))
    return cases


def model_cases(folders: list[str]) -> list[Case]:
    """Every valid .nam file under the given folders, with the suite's standard signal."""
    cases = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.nam")):
            report, spec = nam_reference.check(path)
            if spec is None:
                continue
            cases.append(Case(id=f"models.{path.stem}", model_path=path, features=frozenset(feature_tags(path))))
    return cases


@dataclasses.dataclass(frozen=True)
class InvalidCase:
    id: str
    path: Path
    clause: str
    error_class: str
    reject_level: str  # "MUST" or "SHOULD" ([GEN-5])
    description: str


def invalid_cases() -> list[InvalidCase]:
    """The invalid-file corpus (fixtures/invalid/INDEX.json); missing or empty, a ResourceError."""
    entries = _index(resources.fixture_file("invalid", "INDEX.json"), "files")
    return [InvalidCase(e["id"], resources.fixture_file("invalid", e["file"]), e["clause"], e["error_class"],
                        e.get("reject_level", "MUST"), e.get("description", "")) for e in entries]


def _index(path: Path, key: str) -> list[dict]:
    """The entries of a corpus index: a JSON list, or an object holding the list under `key`."""
    try:
        entries = json.loads(resources.read_text(path))
    except ValueError as exc:
        raise resources.ResourceError(f"{path}: the packaged index is not JSON ({exc})") from None
    entries = entries.get(key, entries) if isinstance(entries, dict) else entries
    if not isinstance(entries, list) or not entries:
        raise resources.ResourceError(f"{path}: the packaged index lists no files")
    return entries
