"""nam_reference: the reference interpreter of the .nam format specification (spec/nam-format.md).

    model = nam_reference.load("model.nam")        # raises InvalidModelError with every problem
    y = model.process(x)                           # whole signal, from the silent past
    stream = model.stream(); stream.process(block) # any block lengths; stream.reset()
    report = nam_reference.validate("model.nam")   # problems as values, never raises on content
"""

from __future__ import annotations

import importlib

SPEC_VERSION = "1.1.0"

# The public names, each imported on first use: importing the package (the suite's pytest plugin
# does, in every test run) loads neither NumPy nor jsonschema.
_PUBLIC = {"InvalidModelError": "problems", "NonFiniteOutputError": "problems", "Problem": "problems",
           "Report": "problems", "Model": "model", "Stream": "model", "check": "validation", "load_spec": "validation",
           "validate": "validation", "nested_models": "envelope", "EXACT": "readings", "Reading": "readings"}


def load(source, dtype=None, name: str | None = None, approximations=(), dialects=()):
    """Validate and load a .nam file (a path, bytes or a parsed JSON value), float32 unless `dtype`. The
    model computes the normative reading unless given named approximations ("namcore.fast_tanh", ...)
    or dialects ("DIV-4", ...) of spec section 21."""
    from .model import Model
    from .readings import Reading
    from .validation import load_spec

    return Model(load_spec(source, name), "float32" if dtype is None else dtype, Reading(approximations, dialects))


def __getattr__(name: str):
    if name == "__version__":  # the installed package's version, the project's only version number
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("nam-conformance")
        except PackageNotFoundError:
            return "unknown (not installed)"
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXACT", "InvalidModelError", "Model", "NonFiniteOutputError", "Problem", "Reading", "Report", "SPEC_VERSION",
           "Stream", "check", "load", "load_spec", "nested_models", "validate"]
