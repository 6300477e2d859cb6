"""The envelope of a model: version, sample rate, metadata and weight blob (spec sections 2 to 6),
and the checks that tie an architecture's config to them."""

from __future__ import annotations

import dataclasses
import math
import re
from types import ModuleType
from typing import Mapping

import numpy as np

from . import jsonfile
from .problems import Report, join
from .schema import usable_metadata
from .versions import FEATURE_VERSIONS

DEFAULT_SAMPLE_RATE = 48000.0  # [SR-2]
MAX_MODEL_DEPTH = 4  # [LIM-2]
MAX_RECEPTIVE_FIELD = 1 << 20  # [LIM-3]
FLOAT32_MAX = float(np.finfo(np.float32).max)
_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


@dataclasses.dataclass
class ModelSpec:
    """A validated model (the root of a file or a nested one) with its parsed config."""

    path: str  # JSON pointer of the model object in its file
    version: tuple[int, int, int]
    architecture: str
    config: object  # the architecture's parsed config (see architectures.py)
    weights: np.ndarray  # float32 blob ([W-2])
    sample_rate: float
    sample_rate_defaulted: bool
    metadata: dict | None

    @property
    def in_channels(self) -> int:
        return self.config.in_channels

    @property
    def out_channels(self) -> int:
        return self.config.out_channels


class Context:
    """What an architecture's config parser needs: where it is, how to report, and the architectures a
    nested model may have."""

    def __init__(self, report: Report, path: str, sample_rate: float, depth: int, version,
                 architectures: Mapping[str, ModuleType], blob_length: int = 0):
        self.report = report
        self.architectures = architectures
        self.blob_length = blob_length  # len(weights): bounds what the config may declare before it is read
        self.path = path
        self.sample_rate = sample_rate
        self.depth = depth
        self.version = version
        self._features_warned: set[str] = set()

    def config_path(self, *rel) -> str:
        return join(self.path, "config", *rel)

    def error(self, rel: tuple, clause: str, message: str, error_class: str = "consistency") -> None:
        self.report.error(self.config_path(*rel), clause, message, error_class)

    def warn(self, rel: tuple, clause: str, message: str) -> None:
        self.report.warn(self.config_path(*rel), clause, message)

    def feature(self, name: str, rel: tuple = ()) -> None:
        """Warn once per model when a feature of FEATURE_VERSIONS is newer than the file's version ([VER-5])."""
        since = FEATURE_VERSIONS[name]
        if self.version < since and name not in self._features_warned:
            self._features_warned.add(name)
            self.report.warn(self.config_path(*rel), "VER-5",
                             f"{name} was introduced in {'.'.join(map(str, since))}; this file says "
                             f"{'.'.join(map(str, self.version))}")

    def at_most_one_weight_each(self, units: int, what: str) -> bool:
        """Each of `units` parts needs at least one weight: more than the blob has fails at once ([W-3],
        [W-5]), before anything is read or sized per part."""
        if units <= self.blob_length:
            return True
        self.report.error(join(self.path, "weights"), "W-3", f"the config declares {units} {what}, each with at least "
                          f"one weight; the blob has {self.blob_length} weights", "weight_count")
        return False

    def nested(self, document, rel: tuple) -> ModelSpec | None:
        """Check a nested model (a container submodel or a condition_dsp, [ENV-5])."""
        return check_model(document, self.config_path(*rel), self.report, self.sample_rate, self.depth + 1,
                           self.architectures)


def nested_models(document: dict):
    """A parsed document and every model nested in it ([ENV-5]: a WaveNet's condition_dsp, a container's
    submodels, a Sequential's models), root first. For walking documents, valid or not: a missing config
    has no nested models."""
    yield document
    config = document.get("config", {})
    if isinstance(config.get("condition_dsp"), dict):
        yield from nested_models(config["condition_dsp"])
    for entry in config.get("submodels", []):
        yield from nested_models(entry["model"])
    if document.get("architecture") == "Sequential":
        for child in config.get("models", []):
            if isinstance(child, dict):
                yield from nested_models(child)


def parse_version(text: str) -> tuple[int, int, int] | None:
    if not isinstance(text, str) or not _VERSION.match(text):
        return None
    major, minor, patch = (int(p) for p in text.split("."))
    return major, minor, patch


def check_model(doc, path: str, report: Report, parent_rate: float | None, depth: int,
                architectures: Mapping[str, ModuleType]) -> ModelSpec | None:
    """Check one schema-checked model object and parse its config; None if it is invalid. `architectures`
    maps each name of [ENV-3] to the module whose `parse_config(config, ctx)` reads it (architectures.py);
    it is passed in, not imported, because the architectures' own modules build on this one."""
    if depth > MAX_MODEL_DEPTH:
        report.error(path, "LIM-2", f"models nest more than {MAX_MODEL_DEPTH} levels deep", "limit")
        return None
    if report.has_errors_under(path) and _structural_errors(report, path):
        return None  # the schema already found this model malformed; deeper checks would only guess

    version = parse_version(doc["version"])
    if version[1] == 7 and version[2] >= 1:
        report.warn(join(path, "version"), "VER-3",
                    f"version {doc['version']} is newer than this specification (0.7.0); keys are read as 0.7.0")

    rate, defaulted = _sample_rate(doc, path, report, parent_rate)
    weights = _weights(doc["weights"], join(path, "weights"), report)

    ctx = Context(report, path, rate, depth, version, architectures, len(doc["weights"]))
    if doc["architecture"] in ("SlimmableContainer", "Sequential"):
        ctx.feature(doc["architecture"])
    config = architectures[doc["architecture"]].parse_config(doc["config"], ctx)
    if config is None or weights is None:
        return None

    expected = config.weight_count()
    if len(weights) != expected:
        clause = {"SlimmableContainer": "CONT-2", "Sequential": "SEQ-2"}.get(doc["architecture"], "W-3")
        diff = len(weights) - expected
        report.error(join(path, "weights"), clause,
                     f"the {doc['architecture']} config needs exactly {expected} weights; the blob has "
                     f"{len(weights)} ({'+' if diff > 0 else ''}{diff})", "weight_count")
        return None
    check_weights = getattr(config, "check_weights", None)
    if check_weights is not None and not check_weights(weights, ctx):
        return None
    rf_star = config.conv_receptive_field()
    if rf_star > MAX_RECEPTIVE_FIELD:
        report.error(join(path, "config"), "LIM-3",
                     f"the receptive field is {rf_star} samples; the limit is {MAX_RECEPTIVE_FIELD}", "limit")
        return None
    return ModelSpec(path, version, doc["architecture"], config, weights, rate, defaulted,
                     usable_metadata(doc.get("metadata")))


def _structural_errors(report: Report, path: str) -> bool:
    """True if a schema error affects what this model computes (metadata errors do not)."""
    meta = join(path, "metadata")
    for p in report.errors:
        inside = p.path == path or p.path.startswith(path + "/")
        if inside and not (p.path == meta or p.path.startswith(meta + "/")):
            return True
    return False


def _sample_rate(doc, path: str, report: Report, parent_rate: float | None) -> tuple[float, bool]:
    if "sample_rate" not in doc:
        if parent_rate is not None:
            return parent_rate, False  # a nested model inherits its parent's rate ([SR-4])
        return DEFAULT_SAMPLE_RATE, True  # [SR-2]
    rate = float(doc["sample_rate"])
    if parent_rate is not None and rate != parent_rate:
        report.error(join(path, "sample_rate"), "SR-4",
                     f"a nested model's sample_rate must equal its parent's ({parent_rate:g}); got {rate:g}",
                     "consistency")
    return rate, False


def _weights(values, path: str, report: Report) -> np.ndarray | None:
    """The blob as float32 ([W-1], [W-2]); None (with a problem reported) if any element is unusable."""
    if isinstance(values, jsonfile.NumberArray):  # already read as finite doubles
        wide = values.values
    else:
        for i, v in enumerate(values):
            if type(v) not in (int, float):  # bool is not a number here ([JSON-6])
                report.error(join(path, i), "W-1", f"weights must be numbers; got {_type_name(v)}", "schema")
                return None
        try:
            wide = np.array(values, dtype=np.float64)
        except OverflowError:  # an integer literal beyond the double range
            wide = np.array([float(v) if abs(v) <= FLOAT32_MAX else math.inf for v in values])
    with np.errstate(over="ignore"):
        narrow = wide.astype(np.float32)
    bad = np.flatnonzero(~np.isfinite(narrow))
    if bad.size:
        i = int(bad[0])
        more = f" ({bad.size} weights do)" if bad.size > 1 else ""
        report.error(join(path, i), "W-2", f"{values[i] if isinstance(values, list) else float(wide[i])!r} rounds to infinity in binary32{more}", "non_finite")
        return None
    return narrow


def _type_name(value) -> str:
    return {bool: "a boolean", str: "a string", type(None): "null", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__)
