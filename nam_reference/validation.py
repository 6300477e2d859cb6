"""Validating a .nam file: strict JSON, then the schema, then every cross-field rule in code."""

from __future__ import annotations

import os

from . import jsonfile, schema
from .architectures import ARCHITECTURES
from .envelope import ModelSpec, check_model
from .problems import InvalidModelError, Report


def check(source, name: str | None = None) -> tuple[Report, ModelSpec | None]:
    """Validate a file path, bytes or an already-parsed JSON value; never raises for bad content.

    Returns every problem found and, for a valid file, the parsed model. Unreadable paths raise OSError.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read()
        report = Report(name or os.fspath(source))
        document = jsonfile.decode(data, report, number_arrays=True)
    elif isinstance(source, (bytes, bytearray)):
        report = Report(name or "<bytes>")
        document = jsonfile.decode(bytes(source), report, number_arrays=True)
    else:
        report = Report(name or "<document>")
        document = source if jsonfile.check_value(source, report) else None
    if document is None and not report.ok:
        return report, None  # not JSON; a JSON null root is reported below
    if not isinstance(document, dict):
        report.error("", "ENV-1", f"the root must be an object; got {schema.json_type(document)}", "schema")
        return report, None
    schema.check(_without_weights(document), report)
    required = ("version", "architecture", "config", "weights")
    if not all(k in document for k in required):
        return report, None
    spec = check_model(document, "", report, None, 1, ARCHITECTURES)
    return report, (spec if report.ok else None)


def validate(source, name: str | None = None) -> Report:
    return check(source, name)[0]


def load_spec(source, name: str | None = None) -> ModelSpec:
    report, spec = check(source, name)
    if spec is None:
        raise InvalidModelError(report)
    return spec


def _without_weights(model):
    """A shallow copy of each model object with an empty blob: weights are checked in code, faster."""
    if not isinstance(model, dict):
        return model
    out = dict(model)
    if isinstance(out.get("weights"), (list, jsonfile.NumberArray)):
        out["weights"] = []
    config = out.get("config")
    if isinstance(config, dict):
        config = dict(config)
        if isinstance(config.get("condition_dsp"), dict):
            config["condition_dsp"] = _without_weights(config["condition_dsp"])
        if isinstance(config.get("submodels"), list):
            config["submodels"] = [
                dict(e, model=_without_weights(e["model"])) if isinstance(e, dict) and "model" in e else e
                for e in config["submodels"]]
        if out.get("architecture") == "Sequential" and isinstance(config.get("models"), list):
            config["models"] = [_without_weights(m) for m in config["models"]]
        out["config"] = config
    return out
