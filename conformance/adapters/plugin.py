"""Python plugin adapters (spec/adapter-protocol.md section 1): loading one, and running one in the
suite's process (only the project's reference runs so; other plugins run in plugin_host.py)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np

from .errors import ImplementationError, Rejected, ReportedError, Unsupported
from .protocol import normalise_capabilities
from .base import Handle, Implementation, checked_output, split


def load_plugin(spec: str):
    """Call the factory named by `path/to/adapter.py` (create_adapter) or `package.module:factory`."""
    if spec.endswith(".py"):
        path = Path(spec).resolve()
        if not path.is_file():
            raise SystemExit(f"--impl: no such adapter file: {spec}")
        module_name = f"_nam_conformance_adapter_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        module_spec.loader.exec_module(module)
        factory_name = "create_adapter"
    else:
        module_name, _, factory_name = spec.partition(":")
        module = importlib.import_module(module_name)
    factory = getattr(module, factory_name, None)
    if factory is None:
        raise SystemExit(f"--impl: {spec} defines no {factory_name}()")
    return factory()


class PluginImplementation(Implementation):
    def __init__(self, adapter, mode: str, declared: dict | None = None):
        self.adapter = adapter
        self.mode = mode
        self.name = getattr(adapter, "name", type(adapter).__name__)
        self.version = str(getattr(adapter, "version", "unknown"))
        self.capabilities = normalise_capabilities(declared if declared is not None else adapter.capabilities())

    def load(self, path: str) -> Handle:
        try:
            loaded = self.adapter.load(str(path))
        except (Rejected, Unsupported):
            raise
        except Exception as exc:
            raise ImplementationError(f"load raised {type(exc).__name__}: {exc}") from None
        return PluginHandle(loaded)


class PluginHandle(Handle):
    def __init__(self, loaded):
        self.loaded = loaded

    def _call(self, what: str, *args):
        try:
            return getattr(self.loaded, what)(*args)
        except (Rejected, Unsupported, ImplementationError):
            raise
        except Exception as exc:  # the adapter's own exception: it reported the error
            raise ReportedError(f"{what} raised {type(exc).__name__}: {exc}") from None

    def info(self) -> dict:
        info = self._call("info")
        if not isinstance(info, dict):
            raise ImplementationError(f"info returned {type(info).__name__}, not a dict")
        return info

    def process(self, x: np.ndarray, blocks: list[int] | None = None) -> np.ndarray:
        outputs = []
        for block in split(x, blocks):
            block = np.ascontiguousarray(block, dtype=np.float32)
            outputs.append(checked_output(self._call("process", block.copy()), block.shape[1], "process",
                                          self.out_channels))
        if not outputs:
            return np.zeros((0, 0), dtype=np.float32)
        channels = {o.shape[0] for o in outputs}
        if len(channels) != 1:
            raise ImplementationError(f"process returned different channel counts across blocks: {sorted(channels)}")
        return np.concatenate(outputs, axis=1)

    def reset(self) -> None:
        self._call("reset")

    def set_size(self, size: float) -> None:
        self._call("set_size", size)

    def close(self) -> None:
        if hasattr(self.loaded, "close"):
            self._call("close")
