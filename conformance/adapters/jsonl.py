"""The suite's side of the JSON-lines protocol (spec/adapter-protocol.md section 2)."""

from __future__ import annotations

import collections
import itertools
import json
import queue
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from . import PROTOCOL_VERSION, ImplementationError, Rejected, ReportedError, Unsupported, normalise_capabilities
from .base import Handle, Implementation, checked_output


class JsonLinesImplementation(Implementation):
    def __init__(self, command: str, declared: dict | None, call_timeout: float):
        self.argv = shlex.split(command)
        self.mode = f"JSON lines: {command}"
        self.timeout = call_timeout
        self.process_handle = None
        self.generation = 0  # bumped at every (re)start: handles of an older process are gone
        self.workdir = Path(tempfile.mkdtemp(prefix="nam-conformance-"))
        self._names = itertools.count()
        hello = self._start()
        implementation = hello.get("implementation") or {}
        self.name = str(implementation.get("name", self.argv[0]))
        self.version = str(implementation.get("version", "unknown"))
        self.capabilities = normalise_capabilities(declared if declared is not None else hello.get("capabilities"))

    # The process.

    def _start(self) -> dict:
        try:
            self.process_handle = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                   stderr=subprocess.PIPE)
        except OSError as exc:
            raise ImplementationError(f"cannot start {self.argv[0]}: {exc.strerror or exc}") from None
        self.generation += 1
        self._ids = itertools.count(1)
        self._lines: queue.Queue = queue.Queue()
        self._stderr: collections.deque = collections.deque(maxlen=20)
        proc = self.process_handle
        threading.Thread(target=_pump_lines, args=(proc.stdout, self._lines), daemon=True).start()
        threading.Thread(target=_pump_tail, args=(proc.stderr, self._stderr), daemon=True).start()
        reply = self.call("hello", protocol=PROTOCOL_VERSION)
        if reply.get("protocol") != PROTOCOL_VERSION:
            self._kill()
            raise ImplementationError(f"hello: the adapter speaks protocol {reply.get('protocol')!r}, "
                                      f"the suite {PROTOCOL_VERSION}")
        return reply

    def _alive(self) -> bool:
        return self.process_handle is not None and self.process_handle.poll() is None

    def _kill(self) -> None:
        if self.process_handle is not None and self.process_handle.poll() is None:
            self.process_handle.kill()
            self.process_handle.wait()

    def _stderr_tail(self) -> str:
        tail = b"".join(self._stderr).decode("utf-8", "replace").strip()
        return f"\nlast lines on stderr:\n{tail[-2000:]}" if tail else ""

    def call(self, cmd: str, **fields) -> dict:
        """Send one request and return the `ok` reply; other outcomes raise."""
        if not self._alive():
            raise ImplementationError(f"the adapter process is not running (exit code "
                                      f"{self.process_handle.returncode}){self._stderr_tail()}")
        request_id = next(self._ids)
        line = json.dumps({"id": request_id, "cmd": cmd, **fields}) + "\n"
        try:
            self.process_handle.stdin.write(line.encode())
            self.process_handle.stdin.flush()
        except (BrokenPipeError, OSError):
            self._kill()
            raise ImplementationError(f"{cmd}: the adapter closed its input{self._stderr_tail()}") from None
        try:
            raw = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            self._kill()
            raise ImplementationError(f"{cmd}: no reply within {self.timeout:g} s (killed){self._stderr_tail()}") from None
        if raw is None:
            code = self.process_handle.wait()
            raise ImplementationError(f"{cmd}: the adapter exited (code {code}) without replying{self._stderr_tail()}")
        try:
            reply = json.loads(raw)
            if not isinstance(reply, dict):
                raise ValueError("not an object")
        except ValueError:
            self._kill()
            raise ImplementationError(f"{cmd}: the reply is not a JSON object: {raw[:200]!r}") from None
        if reply.get("id") != request_id:
            self._kill()
            raise ImplementationError(f"{cmd}: the reply echoes id {reply.get('id')!r}, not {request_id}")
        status, message = reply.get("status"), str(reply.get("message", ""))
        if status == "ok":
            return reply
        if status == "rejected":
            raise Rejected(message)
        if status == "unsupported":
            raise Unsupported(str(reply.get("feature", "?")), message)
        if status == "error":
            raise ReportedError(f"{cmd}: {message or 'error'}")
        self._kill()
        raise ImplementationError(f"{cmd}: unknown status {status!r}")

    def scratch(self, suffix: str) -> Path:
        return self.workdir / f"{next(self._names)}{suffix}"

    # The interface.

    def load(self, path: str) -> Handle:
        if not self._alive():
            self._start()  # a previous case killed or crashed it
        reply = self.call("load", path=str(Path(path).resolve()))
        handle = reply.get("handle")
        if not isinstance(handle, str):
            raise ImplementationError(f"load: the reply has no string handle: {reply!r}")
        return JsonLinesHandle(self, handle)

    def close(self) -> None:
        if self._alive():
            try:
                self.call("quit")
            except ImplementationError:
                pass
            try:
                self.process_handle.wait(timeout=5)
            except subprocess.TimeoutExpired:
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
            raise ImplementationError("info: the reply has no info object")
        return info

    def process(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        channels, frames = x.shape
        source, target = self.impl.scratch(".in.f32"), self.impl.scratch(".out.f32")
        np.ascontiguousarray(x.T, dtype="<f4").tofile(source)  # frames with interleaved channels
        fields = {"input": str(source), "output": str(target), "channels": channels, "frames": frames}
        if blocks is not None:
            fields["blocks"] = [int(b) for b in blocks]
        try:
            self._call("process", **fields)
            if not target.exists():
                raise ImplementationError("process: no output file was written")
            data = np.fromfile(target, dtype="<f4")
        finally:
            for p in (source, target):
                p.unlink(missing_ok=True)
        if frames == 0:
            return np.zeros((0, 0), dtype=np.float32)
        if data.size % frames:
            raise ImplementationError(f"process: {data.size} output values do not make whole frames of {frames}")
        return checked_output(data.reshape(frames, data.size // frames).T, frames, "process")

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


def _pump_lines(stream, lines: queue.Queue) -> None:
    """Queue each line of the adapter's stdout, then None at end of file."""
    for line in iter(stream.readline, b""):
        lines.put(line.decode("utf-8", "replace").strip())
    lines.put(None)


def _pump_tail(stream, tail: collections.deque) -> None:
    """Keep the last lines of the adapter's stderr for error reports."""
    for line in iter(stream.readline, b""):
        tail.append(line)
