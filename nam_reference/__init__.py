"""nam_reference: the reference interpreter of the .nam format specification (spec/nam-format.md).

    model = nam_reference.load("model.nam")        # raises InvalidModelError with every problem
    y = model.process(x)                           # whole signal, from the silent past
    stream = model.stream(); stream.process(block) # any block lengths; stream.reset()
    report = nam_reference.validate("model.nam")   # problems as values, never raises on content
"""

from __future__ import annotations

import numpy as np

from .envelope import nested_models
from .model import Model, Stream
from .problems import InvalidModelError, NonFiniteOutputError, Problem, Report
from .readings import EXACT, Reading
from .validation import check, load_spec, validate

SPEC_VERSION = "1.1.0"
__version__ = "0.1.0"


def load(source, dtype=np.float32, name: str | None = None, approximations=(), dialects=()) -> Model:
    """Validate and load a .nam file (a path, bytes or a parsed JSON value). The model computes the
    normative reading unless given named approximations ("namcore.fast_tanh", ...) or dialects
    ("DIV-4", ...) of spec section 21."""
    return Model(load_spec(source, name), dtype, Reading(approximations, dialects))


__all__ = ["EXACT", "InvalidModelError", "Model", "NonFiniteOutputError", "Problem", "Reading", "Report", "SPEC_VERSION", "Stream", "check", "load",
           "load_spec", "nested_models", "validate"]
