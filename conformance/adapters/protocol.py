"""The adapter protocol's version and an implementation's capabilities with their defaults
(spec/adapter-protocol.md)."""

from __future__ import annotations

import json
from pathlib import Path

from nam_reference.readings import Reading

from .errors import ImplementationError

PROTOCOL_VERSION = 1
FACTS = ("sample_rate", "receptive_field", "weight_count", "channels", "loudness", "breakpoints")
DEFAULT_CAPABILITIES = {
    "features": "all",
    "unsupported_features": [],
    "initial_state": "silent",
    "numerics": "exact",
    "approximations": [],
    "reports": [],
    "max_block": None,
    "stateful": True,
    "set_size": True,
}


def normalise_capabilities(declared: dict | None) -> dict:
    caps = dict(DEFAULT_CAPABILITIES)
    caps.update(declared or {})
    if caps["features"] != "all":
        caps["features"] = sorted(set(caps["features"]))
    caps["approximations"] = sorted(set(caps["approximations"] or ()))
    try:  # named approximations only (spec section 21): the reference must be able to compute them
        Reading(approximations=caps["approximations"])
    except (ValueError, TypeError) as exc:
        raise ImplementationError(f"capabilities: approximations: {exc}") from None
    return caps


def load_capabilities_file(path: str | None) -> dict | None:
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None
