"""Render-command adapters (spec/adapter-protocol.md section 3): one process per rendering."""

from __future__ import annotations

import contextlib
import itertools
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .errors import AdapterCrashed, CallTimeout, ImplementationError, NotApplicable, Rejected, ReportedError
from .protocol import normalise_capabilities
from .base import Handle, Implementation, checked_output
from .jsonl import STDERR_TAIL, output_channels
from .vitals import Vitals, call_limit

PLACEHOLDERS = ("model", "input", "output", "block", "size", "format")
REJECT_CODES = range(1, 126)  # exit statuses that mean "the model was refused"


class CommandImplementation(Implementation):
    def __init__(self, template: str, declared: dict | None, call_timeout: float, *, workdir: Path | None = None,
                 vitals: Vitals | None = None):
        self.template = template
        self.mode = f"render command: {template}"
        self.name = shlex.split(template)[0] if template.strip() else "?"
        self.timeout = call_timeout
        caps = normalise_capabilities(declared)
        caps["stateful"] = False  # every rendering is a fresh process
        caps["reports"] = []
        if "{size}" not in template:
            caps["set_size"] = False
        self.capabilities = caps
        self.vitals = vitals or Vitals()
        self.workdir = Path(tempfile.mkdtemp(prefix="nam-conformance-", dir=workdir))
        self._names = itertools.count()

    def run(self, model: str, x: np.ndarray, block: int | None, size: float | None) -> np.ndarray:
        source, target = self.workdir / f"{next(self._names)}.in.f32", self.workdir / f"{next(self._names)}.out.f32"
        x[0].astype("<f4").tofile(source)
        values = {"model": str(Path(model).resolve()), "input": str(source), "output": str(target),
                  "block": str(block or x.shape[1] or 1), "size": repr(1.0 if size is None else float(size)),
                  "format": "f32"}
        argv = [_substitute(part, values) for part in shlex.split(self.template)]
        self.vitals.check()
        stderr_file = self.workdir / f"{next(self._names)}.stderr"
        try:
            status = self._run(argv, stderr_file, call_limit("process", self.timeout, x.shape[1]))
            stderr = _tail(stderr_file)
        finally:
            source.unlink(missing_ok=True)
            stderr_file.unlink(missing_ok=True)
        try:
            if status in REJECT_CODES:
                self.vitals.answered()
                raise Rejected(f"exit status {status}: {stderr}")
            if status > 0:  # an error the tool reports itself, not a crash
                raise ReportedError(f"the render command failed (status {status}): {stderr}")
            if status != 0:  # killed by a signal
                error = AdapterCrashed(f"the render command died (status {status}): {stderr}")
                self.vitals.failed(error)
                raise error
            if not target.is_file():
                raise ImplementationError("the render command wrote no output file")
            count = x.shape[1] * output_channels(target.stat().st_size, x.shape[1], x.shape[1], 1)
            y = np.fromfile(target, dtype="<f4", count=count)
        finally:
            target.unlink(missing_ok=True)
        self.vitals.answered()
        return checked_output(y, x.shape[1], "the render command")

    def _run(self, argv: list[str], stderr_file: Path, limit: float) -> int:
        """Run one rendering in its own process group (killed whole at a timeout); stderr to a file."""
        try:
            with open(stderr_file, "wb") as stderr:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                                        start_new_session=True)
        except OSError as exc:
            raise ImplementationError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
        try:
            return proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            error = CallTimeout(f"the render command did not finish within {limit:g} s (killed)")
            self.vitals.failed(error)
            raise error from None
        finally:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # its children too, even after it exited
            proc.kill()
            proc.wait()

    def load(self, path: str) -> Handle:
        self.run(path, np.zeros((1, 16), dtype=np.float32), 16, None)  # a refusal shows here
        return CommandHandle(self, str(path))

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


class CommandHandle(Handle):
    """A model path; every `process` is a fresh rendering, so only whole renders can be checked."""

    def __init__(self, impl: CommandImplementation, path: str):
        self.impl, self.path, self.size = impl, path, None
        self.used = False

    def info(self) -> dict:
        raise NotApplicable("a render command reports no facts")

    def process(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        if self.used:
            raise NotApplicable("a render command keeps no state between renderings")
        if x.shape[0] != 1:
            raise NotApplicable("render commands take mono input")
        block = None
        if blocks is not None:
            uniform = set(blocks[:-1]) | ({blocks[-1]} if len(blocks) == 1 else set())
            if len(uniform) != 1 or blocks[-1] > blocks[0]:
                raise NotApplicable("a render command takes one block length per rendering")
            block = blocks[0]
        self.used = True
        return self.impl.run(self.path, x, block, self.size)

    def reset(self) -> None:
        self.used = False  # the next rendering starts afresh anyway

    def set_size(self, size: float) -> None:
        if not self.impl.capabilities["set_size"]:
            raise NotApplicable("the render command has no {size} placeholder")
        self.size = size


def _tail(path: Path) -> str:
    """The last bytes of a file (the command's output), however much it wrote."""
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - STDERR_TAIL))
        return f.read().decode("utf-8", "replace").strip()[-2000:]


def _substitute(part: str, values: dict) -> str:
    for key in PLACEHOLDERS:
        part = part.replace("{" + key + "}", values[key])
    return part
