"""What the checks share: the implementation under test and the helpers that keep every check honest."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import nam_reference
from nam_reference.readings import Reading

from .adapters import ImplementationError, NotApplicable, Rejected, Unsupported
from .cases import Case
from .outcomes import LoadFailed, not_applicable, not_supported


class KnownFailures:
    """Why a model file failed to load, recorded once and shared by every check (and by every xdist
    worker: the record is a file in a folder they share), so that later checks on the same file are
    blocked by that problem instead of loading it again."""

    def __init__(self, folder: str | None):
        self.folder = Path(folder) if folder else None
        self._keys: dict[str, str] = {}

    def _file(self, path) -> Path | None:
        if self.folder is None:
            return None
        path = str(path)
        if path not in self._keys:
            self._keys[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return self.folder / f"{self._keys[path]}.json"

    def get(self, path) -> dict | None:
        file = self._file(path)
        try:
            return json.loads(file.read_text(encoding="utf-8")) if file else None
        except (OSError, ValueError):
            return None

    def put(self, path, cause: dict) -> None:
        file = self._file(path)
        if file is None:
            return
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(cause), encoding="utf-8")
        os.replace(temporary, file)  # whole or absent for a reader in another worker


class Session:
    def __init__(self, implementation, options: dict):
        self.impl = implementation
        self.caps = implementation.capabilities
        # Expected outputs are computed with the approximations the implementation names ([APPROX-1]).
        self.reading = Reading(approximations=self.caps.get("approximations", ()))
        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="nam-conformance-cases-", dir=options.get("run_dir")))
        self._counter = 0
        self._out_channels: dict[str, int | None] = {}
        self.known = KnownFailures(options.get("known_failures"))

    # Capabilities.

    def missing_features(self, features) -> list[str]:
        declared = self.caps["features"]
        excluded = set(self.caps.get("unsupported_features", ()))
        if declared == "all":
            return sorted(set(features) & excluded)
        return sorted(set(features) - set(declared) | (set(features) & excluded))

    def require(self, case_features, *, stateful=False, set_size=False, reports: str | None = None) -> None:
        """Skip as NOT SUPPORTED / NOT APPLICABLE when the implementation cannot take part."""
        missing = self.missing_features(case_features)
        if missing:
            not_supported(missing)
        if stateful and not self.caps["stateful"]:
            not_applicable("the implementation keeps no state between calls")
        if set_size and not self.caps["set_size"]:
            not_applicable("the implementation cannot select a size")
        if reports and reports not in self.caps["reports"]:
            not_applicable(f"the implementation does not report {reports}")

    @property
    def initial_state(self) -> str:
        return self.caps["initial_state"]

    @property
    def required_tier(self) -> str:
        return "approximate" if self.caps["numerics"] == "approximate" else "strict"  # [NUM-6]

    def blocks_within_limit(self, blocks: list[int] | None, n: int) -> list[int] | None:
        """Respect a declared maximum block length by splitting longer blocks."""
        limit = self.caps.get("max_block")
        if limit is None:
            return blocks
        blocks = [n] if blocks is None else blocks
        out = []
        for b in blocks:
            while b > limit:
                out.append(limit)
                b -= limit
            out.append(b)
        return out

    # Files.

    def write_model(self, document) -> Path:
        """Write a document (dict or bytes) to a fresh .nam file for the implementation to load."""
        self._counter += 1
        path = self.workdir / f"case{self._counter}.nam"
        path.write_bytes(document if isinstance(document, (bytes, bytearray)) else json.dumps(document).encode())
        return path

    # Running.

    def load(self, path) -> "LoadedModel":
        """Load a valid model; a refusal of a valid file is a failure of the check ([GEN-3]). A file
        of the suite's cases that already failed to load is not loaded again: the recorded cause is
        raised at once (the reports count the later checks as blocked by it)."""
        own_file = not Path(path).is_relative_to(self.workdir)  # files written by a check are new each time
        known = self.known.get(path) if own_file else None
        if known is not None:  # not loaded again (another case may have the same file under another name)
            raise LoadFailed(known["message"] + " (recorded by an earlier check)", dict(known, file=str(path)))
        try:
            handle = self.impl.load(str(path))
            handle.out_channels = self.out_channels(path)  # output of another width is the implementation's error
            return LoadedModel(handle, self)
        except Rejected as exc:
            self._load_failed(path, own_file, "refused",
                              f"[GEN-3] the implementation rejected a valid file it claims to support: {exc}", exc)
        except Unsupported as exc:
            self._load_failed(path, own_file, "refused",
                              f"[GEN-3] the implementation declared a feature unsupported ({exc.feature}) that its "
                              f"capabilities claim: {exc}", exc)
        except ImplementationError as exc:
            if not own_file:
                raise
            self._load_failed(path, own_file, "crash", f"the implementation failed while loading a valid file: {exc}",
                              exc)

    def _load_failed(self, path, own_file: bool, kind: str, message: str, exc: Exception):
        cause = {"kind": kind, "file": str(path), "message": message, "refusal": _without_path(str(exc), path)}
        if own_file:
            self.known.put(path, cause)
        raise LoadFailed(message, cause)

    @contextlib.contextmanager
    def loaded(self, path, size: float | None = None):
        """A loaded model, at `size` if one is given, unloaded afterwards."""
        model = self.load(path)
        try:
            if size is not None:
                model.set_size(size)
            yield model
        finally:
            with contextlib.suppress(ImplementationError, NotApplicable, Rejected, Unsupported):
                model.handle.close()

    def out_channels(self, path) -> int | None:
        """The output channels the spec gives a model file (None for a file the reference refuses)."""
        key = str(path)
        if key not in self._out_channels:
            spec = nam_reference.check(key)[1]
            self._out_channels[key] = None if spec is None else spec.out_channels
        return self._out_channels[key]

    def refuses(self, path) -> bool:
        """Whether the implementation refuses to load a file (a crash or a hang raises instead)."""
        try:
            handle = self.impl.load(str(path))
        except (Rejected, Unsupported):
            return True
        with contextlib.suppress(Exception):
            handle.close()
        return False


def _without_path(message: str, path) -> str:
    """A refusal message with the file's own path taken out: the same refusal of two files reads the same."""
    return message.replace(str(path), "<file>").strip()


class LoadedModel:
    """A handle with timing and the session's block-length limit applied."""

    def __init__(self, handle, session: Session):
        self.handle, self.session = handle, session
        self.timings: list[tuple[int, int, float]] = []  # (block length or 0 for one block, samples, seconds)

    def render(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        blocks = self.session.blocks_within_limit(blocks, x.shape[1])
        start = time.perf_counter()
        y = self.handle.process(np.ascontiguousarray(x, dtype=np.float32), blocks)
        self.timings.append((blocks[0] if blocks else 0, x.shape[1], time.perf_counter() - start))
        return y

    def reset(self) -> None:
        self.handle.reset()

    def set_size(self, size: float) -> None:
        self.handle.set_size(size)

    def info(self) -> dict:
        return self.handle.info()


def fresh_render(session: Session, case: Case, x: np.ndarray, blocks=None, size=None) -> np.ndarray:
    """Load the case's model anew, select its size, and render x from the initial state."""
    with session.loaded(case.model_path, size) as model:
        return model.render(x, blocks)
