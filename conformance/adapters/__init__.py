"""How the suite drives an implementation (spec/adapter-protocol.md).

Adapters raise `Rejected` or `Unsupported` when loading; everything else an implementation does
wrong (a crash, a hang, garbage on the protocol, a wrong output length, non-finite output) becomes
`ImplementationError` (one subclass for each kind), which the suite reports as ERROR for that case
and then carries on. An implementation that cannot start raises `HandshakeError`; one that timed out
or crashed three times in a row is dead (`DeadImplementation`), and the remaining cases are not run.
"""

from __future__ import annotations

import json
import sys
import unittest
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


class HandshakeError(ImplementationError):
    """The implementation did not start: no program, no reply to `hello`, or another protocol."""


class CallTimeout(ImplementationError):
    """A call got no reply in the time allowed (the process was killed)."""


class AdapterCrashed(ImplementationError):
    """The adapter's process died (exited, was killed by a signal, closed its input)."""


class ProtocolViolation(ImplementationError):
    """A reply that is not a JSON object, does not echo the id, or has an unknown status."""


class WrongLength(ImplementationError):
    """The output has another number of frames than the input."""


class WrongChannelCount(ImplementationError):
    """The output has another number of channels than the model has."""


class WrongOutputSize(ImplementationError):
    """An output file whose size is not the frames of the reply times whole channels of float32."""


class NonFiniteOutput(ImplementationError):
    """A NaN or an infinity in the output for finite input ([NUM-7])."""


# The errors that mean the implementation stopped answering: three in a row and it is dead.
FATAL = (CallTimeout, AdapterCrashed)


class DeadImplementation(unittest.SkipTest):
    """The implementation timed out or crashed three times in a row: the remaining cases are not run.

    A SkipTest, not an ImplementationError: Hypothesis re-raises it at once instead of retrying
    examples against a dead adapter, and no check can mistake it for an error the case provoked."""

    status = "DEAD"

    def __init__(self, cause: str):
        super().__init__(f"{self.status}: the implementation is dead ({cause}); not run")
        self.cause = cause


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


def resolve(spec: str, *, capabilities_file: str | None = None, call_timeout: float = 10.0,
            workdir: Path | None = None, vitals=None):
    """The implementation named by an `--impl` value (spec/adapter-protocol.md). A Python plugin runs
    in a child process (conformance/adapters/plugin_host.py), so that a hang or a crash of it is a
    timeout or a crash like any adapter's; only the project's own `reference` runs in process."""
    from .command import CommandImplementation
    from .jsonl import JsonLinesImplementation
    from .plugin import PluginImplementation

    declared = load_capabilities_file(capabilities_file)
    if spec == "reference":
        from .reference import create_adapter

        return PluginImplementation(create_adapter(), "reference", declared)
    if spec.startswith("cmd:"):
        return CommandImplementation(spec[4:], declared, call_timeout, workdir=workdir, vitals=vitals)
    stripped = spec.strip()
    is_plugin = " " not in stripped and (stripped.endswith(".py")
                                         or (":" in stripped and not Path(stripped).exists()))
    if is_plugin:
        if stripped.endswith(".py") and not Path(stripped).is_file():
            raise HandshakeError(f"no such adapter file: {stripped}")
        return JsonLinesImplementation([sys.executable, "-m", "conformance.adapters.plugin_host", stripped], declared,
                                       call_timeout, mode=f"python plugin {stripped} (in a child process)",
                                       workdir=workdir, vitals=vitals)
    return JsonLinesImplementation(spec, declared, call_timeout, workdir=workdir, vitals=vitals)
