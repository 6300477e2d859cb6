#!/usr/bin/env python3
"""An example JSON-lines adapter (spec/adapter-protocol.md section 2), serving the reference.

Run the suite against it with
    pytest conformance --impl="python conformance/adapters/reference_jsonl.py"
An engine's adapter does the same in its own language: read a line, dispatch on `cmd`, write one
line with the same `id`, flush. Audio goes through headerless little-endian float32 files.
"""

from __future__ import annotations

import itertools
import json
import sys

import numpy as np

import nam_reference

CAPABILITIES = {
    "features": "all",
    "initial_state": "silent",
    "numerics": "exact",
    "reports": ["sample_rate", "receptive_field", "weight_count", "channels", "loudness", "breakpoints"],
    "max_block": None,
    "stateful": True,
    "set_size": True,
}


class Server:
    def __init__(self):
        self.models = {}  # handle -> (model, stream, size)
        self.handles = (f"m{i}" for i in itertools.count(1))

    def cmd_hello(self, request):
        return {"protocol": 1, "implementation": {"name": "nam_reference (JSON lines)",
                                                  "version": nam_reference.__version__, "language": "Python"},
                "capabilities": CAPABILITIES}

    def cmd_load(self, request):
        report, spec = nam_reference.check(request["path"])
        if spec is None:
            return {"status": "rejected", "message": "; ".join(p.line() for p in report.errors[:3])}
        model = nam_reference.Model(spec)
        handle = next(self.handles)
        self.models[handle] = [model, model.stream(), None]
        return {"handle": handle}

    def cmd_info(self, request):
        model, _, size = self.models[request["handle"]]
        return {"info": {"sample_rate": model.sample_rate, "receptive_field": model.receptive_field(size),
                         "weight_count": model.weight_count, "in_channels": model.in_channels,
                         "out_channels": model.out_channels, "loudness": model.loudness,
                         "breakpoints": model.breakpoints}}

    def cmd_process(self, request):
        model, stream, _ = self.models[request["handle"]]
        channels, frames = request["channels"], request["frames"]
        x = np.fromfile(request["input"], dtype="<f4").reshape(frames, channels).T  # de-interleave
        outputs, start = [], 0
        for length in request.get("blocks") or [frames]:  # one engine call per block
            outputs.append(np.atleast_2d(stream.process(x[:, start:start + length])))
            start += length
        y = np.concatenate(outputs, axis=1) if outputs else np.zeros((model.out_channels, 0))
        np.ascontiguousarray(y.T, dtype="<f4").tofile(request["output"])  # interleave again
        return {"frames": frames}

    def cmd_reset(self, request):
        self.models[request["handle"]][1].reset()
        return {}

    def cmd_set_size(self, request):
        entry = self.models[request["handle"]]
        entry[2] = request["size"]
        entry[1].set_size(request["size"])
        return {}

    def cmd_unload(self, request):
        self.models.pop(request["handle"], None)
        return {}


def main() -> None:
    server = Server()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("cmd") == "quit":
            print(json.dumps({"id": request.get("id"), "status": "ok"}), flush=True)
            return
        handler = getattr(server, f"cmd_{request.get('cmd')}", None)
        try:
            reply = {"status": "ok", **handler(request)} if handler else {"status": "error", "message": "unknown command"}
        except Exception as exc:  # report, never die: the suite marks the case as an error
            reply = {"status": "error", "message": f"{type(exc).__name__}: {exc}"}
        print(json.dumps({"id": request.get("id"), **reply}), flush=True)


if __name__ == "__main__":
    main()
