"""How the suite drives an implementation (spec/adapter-protocol.md).

Adapters raise `Rejected` or `Unsupported` when loading; everything else an implementation does
wrong (a crash, a hang, garbage on the protocol, a wrong output length, non-finite output) becomes
`ImplementationError` (one subclass for each kind), which the suite reports as ERROR for that case
and then carries on. An implementation that cannot start raises `HandshakeError`; one that timed out
or crashed three times in a row is dead (`DeadImplementation`), and the remaining cases are not run.

The errors are defined in errors.py and the protocol's version and capabilities in protocol.py, which
the adapter modules here import; this package re-exports them beside `resolve`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .command import CommandImplementation
from .errors import (FATAL, AdapterCrashed, CallTimeout, DeadImplementation, HandshakeError, ImplementationError,
                     NonFiniteOutput, NotApplicable, ProtocolViolation, Rejected, ReportedError, Unsupported,
                     WrongChannelCount, WrongLength, WrongOutputSize)
from .jsonl import JsonLinesImplementation
from .plugin import PluginImplementation
from .protocol import DEFAULT_CAPABILITIES, FACTS, PROTOCOL_VERSION, load_capabilities_file, normalise_capabilities
from .reference import create_adapter as create_reference_adapter


def resolve(spec: str, *, capabilities_file: str | None = None, call_timeout: float = 10.0,
            workdir: Path | None = None, vitals=None):
    """The implementation named by an `--impl` value (spec/adapter-protocol.md). A Python plugin runs
    in a child process (conformance/adapters/plugin_host.py), so that a hang or a crash of it is a
    timeout or a crash like any adapter's; only the project's own `reference` runs in process."""
    declared = load_capabilities_file(capabilities_file)
    if spec == "reference":
        return PluginImplementation(create_reference_adapter(), "reference", declared)
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


__all__ = ["FATAL", "AdapterCrashed", "CallTimeout", "DeadImplementation", "HandshakeError", "ImplementationError",
           "NonFiniteOutput", "NotApplicable", "ProtocolViolation", "Rejected", "ReportedError", "Unsupported",
           "WrongChannelCount", "WrongLength", "WrongOutputSize", "DEFAULT_CAPABILITIES", "FACTS", "PROTOCOL_VERSION",
           "load_capabilities_file", "normalise_capabilities", "resolve"]
