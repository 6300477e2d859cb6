"""How the suite drives an implementation (spec/adapter-protocol.md).

Adapters raise `Rejected` or `Unsupported` when loading; everything else an implementation does
wrong (a crash, a hang, garbage on the protocol, a wrong output length, non-finite output) becomes
`ImplementationError`, which the suite reports as ERROR for that case and then carries on.
"""

from __future__ import annotations

import json
from pathlib import Path

from nam_reference.readings import Reading

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


class Rejected(Exception):
    """The implementation refused the model file (it considers it invalid)."""


class Unsupported(Exception):
    """The file is valid but uses a feature the implementation does not implement."""

    def __init__(self, feature: str, message: str = ""):
        super().__init__(f"{feature}: {message}" if message else feature)
        self.feature = feature


class ImplementationError(Exception):
    """The implementation misbehaved: crash, hang, protocol violation, wrong length, NaN."""


class ReportedError(ImplementationError):
    """The implementation itself reported an error for a request (status `error`, an exception raised
    by a plugin, a render command exiting with a status): an explicit refusal, which a crash, a hang, a
    wrong length or non-finite output is not."""


class NotApplicable(Exception):
    """This adapter mode cannot take part in a check (e.g. a render command has no state)."""


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


def resolve(spec: str, *, capabilities_file: str | None = None, call_timeout: float = 120.0):
    """The implementation named by an `--impl` value (spec/adapter-protocol.md)."""
    from .command import CommandImplementation
    from .jsonl import JsonLinesImplementation
    from .plugin import PluginImplementation, load_plugin

    declared = load_capabilities_file(capabilities_file)
    if spec == "reference":
        from .reference import create_adapter

        return PluginImplementation(create_adapter(), "reference", declared)
    if spec.startswith("cmd:"):
        return CommandImplementation(spec[4:], declared, call_timeout)
    first = spec.split()[0] if spec.split() else spec
    if first.endswith(".py") and " " not in spec.strip():
        return PluginImplementation(load_plugin(spec), f"python plugin {spec}", declared)
    if ":" in spec and " " not in spec and not Path(spec).exists():
        return PluginImplementation(load_plugin(spec), f"python plugin {spec}", declared)
    return JsonLinesImplementation(spec, declared, call_timeout)
