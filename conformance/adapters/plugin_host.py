"""A Python plugin served over JSON lines, in a process of its own (spec/adapter-protocol.md section 1).

    python -m conformance.adapters.plugin_host path/to/adapter.py     (or package.module:factory)

The suite runs every plugin but its own reference this way, so that a plugin that hangs, crashes
or kills its process is timed out, restarted or declared dead like any adapter, and never takes the
suite down with it. The plugin sees the interface of section 1: one `process` call per block.
Anything it prints goes to stderr; the protocol has stdout to itself.
"""

from __future__ import annotations

import itertools
import json
import os
import sys

import numpy as np

from .errors import ImplementationError, Rejected, Unsupported
from .base import checked_output, split
from .plugin import load_plugin


class PluginServer:
    def __init__(self, adapter):
        self.adapter = adapter
        self.models: dict[str, object] = {}
        self.handles = (f"m{i}" for i in itertools.count(1))

    def cmd_hello(self, request):
        return {"protocol": 1, "capabilities": self.adapter.capabilities(),
                "implementation": {"name": str(getattr(self.adapter, "name", type(self.adapter).__name__)),
                                   "version": str(getattr(self.adapter, "version", "unknown")), "language": "Python"}}

    def cmd_load(self, request):
        try:
            loaded = self.adapter.load(request["path"])
        except Rejected as exc:
            return {"status": "rejected", "message": str(exc)}
        except Unsupported as exc:
            return {"status": "unsupported", "feature": exc.feature, "message": str(exc)}
        handle = next(self.handles)
        self.models[handle] = loaded
        return {"handle": handle}

    def cmd_info(self, request):
        info = self.models[request["handle"]].info()
        if not isinstance(info, dict):
            raise ImplementationError(f"info returned {type(info).__name__}, not a dict")
        return {"info": info}

    def cmd_process(self, request):
        loaded = self.models[request["handle"]]
        channels, frames = request["channels"], request["frames"]
        x = np.fromfile(request["input"], dtype="<f4", count=channels * frames).reshape(frames, channels).T
        outputs = []
        for block in split(x, request.get("blocks")):
            block = np.ascontiguousarray(block, dtype=np.float32)
            outputs.append(checked_output(loaded.process(block.copy()), block.shape[1], "process"))
        if len({o.shape[0] for o in outputs}) > 1:
            raise ImplementationError(f"process returned different channel counts across blocks: "
                                      f"{sorted({o.shape[0] for o in outputs})}")
        y = np.concatenate(outputs, axis=1) if outputs else np.zeros((0, 0), dtype=np.float32)
        np.ascontiguousarray(y.T, dtype="<f4").tofile(request["output"])
        return {"frames": frames}

    def cmd_reset(self, request):
        self.models[request["handle"]].reset()
        return {}

    def cmd_set_size(self, request):
        self.models[request["handle"]].set_size(request["size"])
        return {}

    def cmd_unload(self, request):
        loaded = self.models.pop(request["handle"], None)
        if hasattr(loaded, "close"):
            loaded.close()
        return {}

    def reply(self, request) -> dict:
        handler = getattr(self, f"cmd_{request.get('cmd')}", None)
        if handler is None:
            return {"status": "error", "message": "unknown command"}
        try:
            return {"status": "ok", **handler(request)}
        except ImplementationError as exc:  # typed by the checks above: the suite keeps the type
            return {"status": "error", "error": type(exc).__name__, "message": str(exc)}
        except Exception as exc:
            return {"status": "error", "message": f"{request.get('cmd')} raised {type(exc).__name__}: {exc}"}


def main(argv: list[str]) -> int:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the plugin's prints go to stderr, not into the protocol
    sys.stdout = sys.stderr
    if len(argv) != 1:
        print("usage: python -m conformance.adapters.plugin_host ADAPTER", file=sys.stderr)
        return 2
    try:
        server = PluginServer(load_plugin(argv[0]))
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"the plugin {argv[0]} did not load: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    for line in sys.stdin:
        request = json.loads(line)
        reply = {"status": "ok"} if request.get("cmd") == "quit" else server.reply(request)
        try:
            line = json.dumps({"id": request.get("id"), **reply}, default=_plain)
        except (TypeError, ValueError) as exc:
            line = json.dumps({"id": request.get("id"), "status": "error",
                               "message": f"{request.get('cmd')} returned something that is not JSON: {exc}"})
        protocol.write(line + "\n")
        protocol.flush()
        if request.get("cmd") == "quit":
            break
    return 0


def _plain(value):
    """Numbers and arrays a plugin returns in `info` or its capabilities, as JSON."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
