"""Whether an implementation is still alive, and how long a call may take (spec/adapter-protocol.md
section 6).

A timeout or a crash is an ERROR for its case, and the suite restarts the adapter for the next one.
Three of them in a row, with no audio processed and no refusal or error reply in between, and the
implementation is dead: every later call raises `DeadImplementation` at once, and the remaining
cases are not run. xdist workers count together and share the verdict through files in the run's
folder (each worker's count, and the dead flag), so that a hang costs the whole run three timeouts,
two rounds of them with two workers.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from .errors import FATAL, DeadImplementation, ImplementationError

STRIKES = 3  # consecutive timeouts or crashes that make an implementation dead
START_FACTOR = 3  # `hello` may take this many call timeouts (start-up: a JIT, an interpreter, imports)
SECONDS_PER_FRAME = 0.001  # `process` may take this much longer per frame of audio (48x slower than real time at 48 kHz)


def call_limit(cmd: str, call_timeout: float, frames: int = 0) -> float:
    """The seconds a call may take: the call timeout, three of them to start, and 1 ms more per frame
    of audio for `process`. A hang is found in about ten seconds at the default, however long the run."""
    if cmd == "hello":
        return START_FACTOR * call_timeout
    return call_timeout + SECONDS_PER_FRAME * frames


class Vitals:
    """Consecutive fatal errors of one implementation, and the dead flag (a file, when the run has a folder)."""

    def __init__(self, marker: Path | None = None):
        self.marker = Path(marker) if marker else None
        self.strikes = 0
        self.cause: str | None = None
        # This process's count, beside the marker, where the other workers add it to theirs.
        self._count_file = self.marker.with_name(f"{self.marker.name}.strikes.{os.getpid()}") if self.marker else None

    def check(self) -> None:
        """Raise DeadImplementation when this process or another worker found the implementation dead."""
        if self.cause is None and self.marker is not None and self.marker.exists():
            self.cause = self.marker.read_text(encoding="utf-8", errors="replace").strip() or "found dead by another worker"
        if self.cause is not None:
            raise DeadImplementation(self.cause)

    def answered(self) -> None:
        """The implementation did useful work (processed audio, refused a file): it is alive."""
        if self.strikes:
            self.strikes = 0
            self._publish()

    def failed(self, error: ImplementationError) -> None:
        """Count a timeout or a crash; the third in a row (over all workers) declares the implementation dead."""
        if not isinstance(error, FATAL):
            return
        self.strikes += 1
        self._publish()
        if self._total() >= STRIKES:
            self.declare_dead(f"{STRIKES} timeouts or crashes in a row, the last: {_first_line(error)}")

    def _publish(self) -> None:
        if self._count_file is not None:
            with contextlib.suppress(OSError):
                self._count_file.write_text(str(self.strikes), encoding="utf-8")

    def _total(self) -> int:
        """This process's strikes and the other workers' (each a small file beside the marker)."""
        if self.marker is None:
            return self.strikes
        total = self.strikes
        for file in self.marker.parent.glob(f"{self.marker.name}.strikes.*"):
            if file != self._count_file:
                with contextlib.suppress(OSError, ValueError):
                    total += int(file.read_text(encoding="utf-8") or 0)
        return total

    def declare_dead(self, cause: str) -> None:
        self.cause = cause
        if self.marker is not None:
            temporary = self.marker.with_name(f"{self.marker.name}.{os.getpid()}")
            try:
                temporary.write_text(cause, encoding="utf-8")
                os.replace(temporary, self.marker)  # whole or absent for the other workers
            except OSError:
                pass  # the run's folder is gone: this process still knows


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


# The adapters' process groups, noted in the run's folder: the process that reports kills whatever is
# left of them at the end of the run, however a worker ended (Ctrl-C reaches only the controller, and
# xdist may kill a worker that waits on a hung adapter before its own clean-up runs).

def note_group(folder: Path | None, pgid: int) -> None:
    if folder is not None:
        with contextlib.suppress(OSError):
            folder.mkdir(exist_ok=True)
            (folder / str(pgid)).touch()


def forget_group(folder: Path | None, pgid: int) -> None:
    if folder is not None:
        with contextlib.suppress(OSError):
            (folder / str(pgid)).unlink()


def kill_groups(folder: Path) -> None:
    """Kill every process group still noted in `folder` (each was killed and forgotten if all went well)."""
    with contextlib.suppress(OSError):
        for note in folder.iterdir():
            with contextlib.suppress(OSError, ValueError):
                os.killpg(int(note.name), signal.SIGKILL)
            with contextlib.suppress(OSError):
                note.unlink()
