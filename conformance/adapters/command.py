"""Render-command adapters (spec/adapter-protocol.md section 3): one process per rendering."""

from __future__ import annotations

import itertools
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from . import ImplementationError, NotApplicable, Rejected, ReportedError, normalise_capabilities
from .base import Handle, Implementation, checked_output

PLACEHOLDERS = ("model", "input", "output", "block", "size", "format")
REJECT_CODES = range(1, 126)  # exit statuses that mean "the model was refused"


class CommandImplementation(Implementation):
    def __init__(self, template: str, declared: dict | None, call_timeout: float):
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
        self.workdir = Path(tempfile.mkdtemp(prefix="nam-conformance-"))
        self._names = itertools.count()

    def run(self, model: str, x: np.ndarray, block: int | None, size: float | None) -> np.ndarray:
        source, target = self.workdir / f"{next(self._names)}.in.f32", self.workdir / f"{next(self._names)}.out.f32"
        x[0].astype("<f4").tofile(source)
        values = {"model": str(Path(model).resolve()), "input": str(source), "output": str(target),
                  "block": str(block or x.shape[1] or 1), "size": repr(1.0 if size is None else float(size)),
                  "format": "f32"}
        argv = [_substitute(part, values) for part in shlex.split(self.template)]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise ImplementationError(f"the render command did not finish within {self.timeout:g} s") from None
        except OSError as exc:
            raise ImplementationError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
        finally:
            source.unlink(missing_ok=True)
        stderr = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        if done.returncode in REJECT_CODES:
            target.unlink(missing_ok=True)
            raise Rejected(f"exit status {done.returncode}: {stderr}")
        if done.returncode != 0:
            target.unlink(missing_ok=True)
            died = ImplementationError if done.returncode < 0 else ReportedError  # killed by a signal: a crash
            raise died(f"the render command died (status {done.returncode}): {stderr}")
        if not target.exists():
            raise ImplementationError("the render command wrote no output file")
        y = np.fromfile(target, dtype="<f4")
        target.unlink()
        return checked_output(y, x.shape[1], "the render command")

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


def _substitute(part: str, values: dict) -> str:
    for key in PLACEHOLDERS:
        part = part.replace("{" + key + "}", values[key])
    return part
