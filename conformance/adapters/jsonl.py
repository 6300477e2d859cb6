"""The suite's side of the JSON-lines protocol (spec/adapter-protocol.md section 2).

Whatever the adapter does, the suite's memory and time stay bounded: a reply line may be 1 MiB at
most, stderr is kept as its last 8 KiB, output files are checked for size before they are read,
every call has a timeout (vitals.call_limit), and the adapter runs in its own process group, which
is killed as a whole (children that kept its stdout open too) when it misbehaves and at the end.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import queue
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from .errors import (AdapterCrashed, CallTimeout, DeadImplementation, HandshakeError, ImplementationError,
                     NonFiniteOutput, ProtocolViolation, Rejected, ReportedError, Unsupported, WrongChannelCount,
                     WrongLength, WrongOutputSize)
from .protocol import PROTOCOL_VERSION, normalise_capabilities
from .base import Handle, Implementation, checked_output
from .vitals import Vitals, call_limit, forget_group, note_group

MAX_LINE = 1 << 20  # bytes in one reply line
STDERR_TAIL = 8192  # bytes of the adapter's stderr kept for error reports
MAX_OUTPUT_CHANNELS = 64  # the most channels an output file may hold when the model's count is unknown
TOO_LONG = object()  # queued in place of a reply line longer than MAX_LINE
# The typed errors an adapter may name in the `error` field of an `error` reply (the plugin host does).
TYPED_ERRORS = {cls.__name__: cls for cls in (ImplementationError, WrongLength, WrongChannelCount, NonFiniteOutput)}


class JsonLinesImplementation(Implementation):
    def __init__(self, command: str | list[str], declared: dict | None, call_timeout: float, *,
                 mode: str | None = None, workdir: Path | None = None, vitals: Vitals | None = None):
        self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not self.argv:
            raise HandshakeError("the adapter command is empty")
        self.mode = mode or f"JSON lines: {command}"
        self.timeout = call_timeout
        self.vitals = vitals or Vitals()
        self.process_handle = None
        self.generation = 0  # bumped at every (re)start: handles of an older process are gone
        self.workdir = Path(tempfile.mkdtemp(prefix="nam-conformance-", dir=workdir))
        self.groups = Path(workdir) / "groups" if workdir else None  # see vitals.note_group
        self._names = itertools.count()
        self._stopped = threading.Event()
        atexit.register(self._kill)  # no adapter outlives the suite, however it ends
        try:
            hello = self._start()
            implementation = hello.get("implementation") or {}
            if not isinstance(implementation, dict):
                raise HandshakeError(f"hello: `implementation` is not an object: {implementation!r:.100}")
            self.name = str(implementation.get("name", self.argv[0]))[:200]
            self.version = str(implementation.get("version", "unknown"))[:200]
            self.capabilities = _capabilities(declared if declared is not None else hello.get("capabilities"))
        except (HandshakeError, DeadImplementation):
            self.close()
            raise
        except ImplementationError as exc:
            self.close()
            raise HandshakeError(f"{_first_line(exc)}{self._stderr_last_line()}") from None

    # The process.

    def _start(self) -> dict:
        self.vitals.check()
        self._kill()
        try:
            proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)  # its own process group, killed as a whole
        except OSError as exc:
            raise HandshakeError(f"cannot start {self.argv[0]}: {exc.strerror or exc}") from None
        self.process_handle = proc
        note_group(self.groups, proc.pid)
        self.generation += 1
        self._ids = itertools.count(1)
        self._stopped = threading.Event()
        self._lines: queue.Queue = queue.Queue(maxsize=4)
        self._stderr = bytearray()
        threading.Thread(target=_pump_lines, args=(proc.stdout, self._lines, self._stopped), daemon=True).start()
        threading.Thread(target=_pump_tail, args=(proc.stderr, self._stderr), daemon=True).start()
        reply = self.call("hello", protocol=PROTOCOL_VERSION)
        if reply.get("protocol") != PROTOCOL_VERSION:
            self._kill()
            raise HandshakeError(f"hello: the adapter speaks protocol {reply.get('protocol')!r:.40}, "
                                 f"the suite {PROTOCOL_VERSION}")
        return reply

    def _alive(self) -> bool:
        return self.process_handle is not None and self.process_handle.poll() is None

    def _kill(self) -> None:
        """Kill the adapter's process group (its children too) and release its pipes."""
        proc = self.process_handle
        if proc is None:
            return
        self._stopped.set()
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
        forget_group(self.groups, proc.pid)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()

    def _stderr_tail(self) -> str:
        tail = bytes(self._stderr).decode("utf-8", "replace").strip()
        return f"\nlast lines on stderr:\n{tail[-2000:]}" if tail else ""

    def _stderr_last_line(self) -> str:
        lines = bytes(self._stderr).decode("utf-8", "replace").strip().splitlines()
        return f"; its stderr ends: {lines[-1][-300:]}" if lines else ""

    def _fatal(self, error: ImplementationError) -> ImplementationError:
        self.vitals.failed(error)
        return error

    def call(self, cmd: str, **fields) -> dict:
        """Send one request and return the `ok` reply; other outcomes raise."""
        self.vitals.check()
        if not self._alive():
            raise self._fatal(AdapterCrashed(f"{cmd}: the adapter process is not running (exit code "
                                             f"{self.process_handle.returncode}){self._stderr_tail()}"))
        request_id = next(self._ids)
        line = json.dumps({"id": request_id, "cmd": cmd, **fields}) + "\n"
        try:
            self.process_handle.stdin.write(line.encode())
            self.process_handle.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self._kill()
            raise self._fatal(AdapterCrashed(f"{cmd}: the adapter closed its input{self._stderr_tail()}")) from None
        limit = call_limit(cmd, self.timeout, int(fields.get("frames", 0)))
        try:
            raw = self._lines.get(timeout=limit)
        except queue.Empty:
            self._kill()
            raise self._fatal(CallTimeout(f"{cmd}: no reply within {limit:g} s (killed){self._stderr_tail()}")) from None
        if raw is None:
            try:
                code = self.process_handle.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = "unknown: it closed its output"
            self._kill()
            raise self._fatal(AdapterCrashed(f"{cmd}: the adapter exited (code {code}) without "
                                             f"replying{self._stderr_tail()}"))
        if raw is TOO_LONG:
            self._kill()
            raise ProtocolViolation(f"{cmd}: a reply line longer than {MAX_LINE} bytes")
        try:
            reply = json.loads(raw)
            if not isinstance(reply, dict):
                raise ValueError("not an object")
        except ValueError:
            self._kill()
            raise ProtocolViolation(f"{cmd}: the reply is not a JSON object: {raw[:200]!r}") from None
        if reply.get("id") != request_id:
            self._kill()
            raise ProtocolViolation(f"{cmd}: the reply echoes id {str(reply.get('id'))[:40]!r}, not {request_id}")
        status, message = reply.get("status"), str(reply.get("message", ""))[:2000]
        if status == "ok":
            if cmd == "process":
                self.vitals.answered()
            return reply
        if status in ("rejected", "unsupported", "error"):
            self.vitals.answered()
        if status == "rejected":
            raise Rejected(message)
        if status == "unsupported":
            raise Unsupported(str(reply.get("feature", "?"))[:200], message)
        if status == "error":
            typed = TYPED_ERRORS.get(reply.get("error"))
            raise typed(message) if typed else ReportedError(f"{cmd}: {message or 'error'}")
        self._kill()
        raise ProtocolViolation(f"{cmd}: unknown status {str(status)[:40]!r}")

    def scratch(self, suffix: str) -> Path:
        return self.workdir / f"{next(self._names)}{suffix}"

    # The interface.

    def load(self, path: str) -> Handle:
        if not self._alive():
            self._start()  # a previous case killed or crashed it
        reply = self.call("load", path=str(Path(path).resolve()))
        handle = reply.get("handle")
        if not isinstance(handle, str):
            raise ProtocolViolation(f"load: the reply has no string handle: {str(reply)[:200]}")
        return JsonLinesHandle(self, handle)

    def close(self) -> None:
        """Ask the adapter to quit, give it 5 s, then kill its process group; remove the scratch folder."""
        if self._alive():
            with contextlib.suppress(OSError, ValueError):
                self.process_handle.stdin.write(json.dumps({"id": 0, "cmd": "quit"}).encode() + b"\n")
                self.process_handle.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process_handle.wait(timeout=5)
        self._kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


class JsonLinesHandle(Handle):
    def __init__(self, impl: JsonLinesImplementation, handle: str):
        self.impl, self.handle, self.generation = impl, handle, impl.generation

    def _call(self, cmd: str, **fields) -> dict:
        if self.generation != self.impl.generation:
            raise ImplementationError(f"{cmd}: the adapter restarted since this model was loaded")
        return self.impl.call(cmd, handle=self.handle, **fields)

    def info(self) -> dict:
        info = self._call("info").get("info")
        if not isinstance(info, dict):
            raise ProtocolViolation("info: the reply has no info object")
        return info

    def process(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        channels, frames = x.shape
        source, target = self.impl.scratch(".in.f32"), self.impl.scratch(".out.f32")
        np.ascontiguousarray(x.T, dtype="<f4").tofile(source)  # frames with interleaved channels
        fields = {"input": str(source), "output": str(target), "channels": channels, "frames": frames}
        if blocks is not None:
            fields["blocks"] = [int(b) for b in blocks]
        try:
            reply = self._call("process", **fields)
            if not target.is_file():
                raise ImplementationError("process: no output file was written")
            out_channels = output_channels(target.stat().st_size, frames, reply.get("frames"), self.out_channels)
            data = np.fromfile(target, dtype="<f4", count=frames * out_channels)  # the size is known to be right
        finally:
            for p in (source, target):
                p.unlink(missing_ok=True)
        if frames == 0:
            return np.zeros((0, 0), dtype=np.float32)
        return checked_output(data.reshape(frames, out_channels).T, frames, "process", self.out_channels)

    def reset(self) -> None:
        self._call("reset")

    def set_size(self, size: float) -> None:
        self._call("set_size", size=float(size))

    def close(self) -> None:
        if self.generation == self.impl.generation and self.impl._alive():
            try:
                self._call("unload")
            except (ImplementationError, Rejected, Unsupported):
                pass


def output_channels(size: int, frames: int, replied, expected: int | None) -> int:
    """The channel count of an output file of `size` bytes, checked against the reply's frames and the
    model's channel count (when known) before anything is read: a wrong size is the adapter's error."""
    if type(replied) is not int or replied != frames:
        raise WrongLength(f"process: the reply says {str(replied)[:40]} frames for {frames}")
    if frames == 0:
        if size:
            raise WrongOutputSize(f"process: the output file has {size} bytes for 0 frames")
        return expected or 1
    frame_bytes = 4 * frames
    whole = size // frame_bytes if size % frame_bytes == 0 else None
    if expected is not None:
        if size == expected * frame_bytes:
            return expected
        if whole is not None and 0 < whole <= MAX_OUTPUT_CHANNELS:
            raise WrongChannelCount(f"process returned {whole} output channels; the model has {expected}")
        if size % (4 * expected) == 0:
            raise WrongLength(f"process: the output file holds {size // (4 * expected)} frames of {expected} "
                              f"channel(s); the reply says {frames}")
        raise WrongOutputSize(f"process: the output file has {size} bytes; {frames} frames of {expected} channel(s) "
                              f"of float32 are {expected * frame_bytes}")
    if whole is None or not 0 < whole <= MAX_OUTPUT_CHANNELS:
        raise WrongOutputSize(f"process: the output file has {size} bytes, not {frames} frames of 1 to "
                              f"{MAX_OUTPUT_CHANNELS} channels of float32")
    return whole


def _capabilities(declared) -> dict:
    if declared is not None and not isinstance(declared, dict):
        raise HandshakeError(f"hello: `capabilities` is not an object: {declared!r:.100}")
    features = (declared or {}).get("features", "all")
    if features != "all" and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise HandshakeError(f"hello: capabilities.features is neither \"all\" nor a list of tags: {features!r:.100}")
    return normalise_capabilities(declared)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _put(lines: queue.Queue, item, stopped: threading.Event) -> bool:
    """Queue an item, waiting while the queue is full (the adapter then blocks on its output)."""
    while not stopped.is_set():
        try:
            lines.put(item, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


def _pump_lines(stream, lines: queue.Queue, stopped: threading.Event) -> None:
    """Queue each line of the adapter's stdout (TOO_LONG for an overlong one), then None at end of file."""
    with contextlib.suppress(OSError, ValueError):
        while True:
            line = stream.readline(MAX_LINE)
            if not line:
                break
            if len(line) == MAX_LINE and not line.endswith(b"\n"):
                if not _put(lines, TOO_LONG, stopped):  # at once: the rest may never come
                    return
                while line and not line.endswith(b"\n"):  # drop the rest of the line
                    line = stream.readline(MAX_LINE)
            elif not _put(lines, line.decode("utf-8", "replace").strip(), stopped):
                return
    _put(lines, None, stopped)


def _pump_tail(stream, tail: bytearray) -> None:
    """Keep the last STDERR_TAIL bytes of the adapter's stderr for error reports."""
    with contextlib.suppress(OSError, ValueError):
        while chunk := stream.read1(65536):
            tail += chunk
            if len(tail) > STDERR_TAIL:
                del tail[:len(tail) - STDERR_TAIL]
