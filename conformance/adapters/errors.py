"""The errors of adapters (spec/adapter-protocol.md), in a module of their own so that every adapter
module can import them; adapters outside this package import them from `conformance.adapters`."""

from __future__ import annotations

import unittest


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
        self.reason = f"the implementation is dead ({cause}); not run"
        super().__init__(f"{self.status}: {self.reason}")
        self.cause = cause


class NotApplicable(Exception):
    """This adapter mode cannot take part in a check (e.g. a render command has no state)."""


# Named conformance.adapters.<name> in tracebacks and in the suite's reports: where adapters import them from.
for _error in (Rejected, Unsupported, ImplementationError, ReportedError, HandshakeError, CallTimeout, AdapterCrashed,
               ProtocolViolation, WrongLength, WrongChannelCount, WrongOutputSize, NonFiniteOutput, DeadImplementation,
               NotApplicable):
    _error.__module__ = "conformance.adapters"
del _error
