#!/usr/bin/env python3
"""An example render tool for the `cmd:` adapter mode (spec/adapter-protocol.md section 3).

It behaves like a typical engine's offline renderer: `render_tool.py MODEL IN.f32 OUT.f32 --block N
[--size V]` streams IN through MODEL in blocks of N samples and writes OUT; it exits with status 1
when the model is refused. Run the suite through it with
    pytest conformance --capabilities conformance/adapters/render_tool.json \\
        --impl="cmd:python conformance/adapters/render_tool.py {model} {input} {output} --block {block} --size {size}"
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import nam_reference


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--block", type=int, default=64)
    parser.add_argument("--size", type=float, default=None)
    args = parser.parse_args()
    report, spec = nam_reference.check(args.model)
    if spec is None:
        print("; ".join(p.line() for p in report.errors[:3]), file=sys.stderr)
        return 1
    stream = nam_reference.Model(spec).stream(size=args.size)
    x = np.fromfile(args.input, dtype="<f4")
    y = [stream.process(x[i:i + args.block]) for i in range(0, len(x), args.block)]
    np.concatenate(y or [np.zeros(0, np.float32)]).astype("<f4").tofile(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
