"""`nam-ref validate` on very large or hostile files, beside `json.load` of the same file.

    python -m benchmarks.big_files                   # every case (a few minutes; needs about 2 GB free)
    python -m benchmarks.big_files --cases weights   # one case

Each file is generated in a temporary folder, then validated by `nam-ref validate` in a fresh
process, and read by `json.load` in another (the peer: what any Python tool must pay to read the file
at all). Time is the child's CPU time (its wall time is shown too); memory is its peak resident set
size. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

CHUNK = 1 << 20


def _write_numbers(f, count: int, seed: int, fmt: str = "%.8g") -> None:
    """`count` comma-separated float32 values, written in chunks (never the whole text in memory)."""
    rng = np.random.default_rng(seed)
    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        values = (rng.standard_normal(n) * 0.05).astype(np.float32)
        f.write((", " if start else "") + ", ".join(np.char.mod(fmt, values).tolist()))


def lstm_weights(folder: str) -> tuple[str, str]:
    """A valid one-layer LSTM with H = 2037: 4·H·(1 + H) + 4·H + 2·H + H + 1 = 16,619,884 weights, ~225 MB."""
    h = 2037
    count = 4 * h * (1 + h) + 4 * h + 2 * h + h + 1
    path = os.path.join(folder, "lstm_16m.nam")
    with open(path, "w") as f:
        f.write('{"version": "0.5.4", "architecture": "LSTM", "config": {"input_size": 1, "hidden_size": %d, '
                '"num_layers": 1}, "sample_rate": 48000, "weights": [' % h)
        _write_numbers(f, count, 1)
        f.write("]}")
    return path, f"LSTM, {count:,} weights"


def metadata_numbers(folder: str) -> tuple[str, str]:
    """A valid Linear model whose metadata holds an array of 100 million numbers (~200 MB)."""
    path = os.path.join(folder, "metadata_100m.nam")
    count = 100_000_000
    with open(path, "w") as f:
        f.write('{"version": "0.5.4", "architecture": "Linear", "config": {"receptive_field": 2, "bias": false}, '
                '"weights": [0.5, 0.25], "metadata": {"numbers": [')
        block = ",".join(["0"] * CHUNK)
        for start in range(0, count, CHUNK):
            n = min(CHUNK, count - start)
            f.write(("," if start else "") + (block if n == CHUNK else ",".join(["0"] * n)))
        f.write("]}}")
    return path, "Linear, 100,000,000 numbers in metadata"


def wavenet_layers(folder: str) -> tuple[str, str]:
    """A WaveNet declaring a million layers (and 10 weights)."""
    path = os.path.join(folder, "wavenet_1m_layers.nam")
    n = 1_000_000
    layer = {"input_size": 1, "condition_size": 1, "channels": 16, "kernel_size": 3, "dilations": [1] * n,
             "activation": ["Tanh"] * n, "head_size": 1, "head_bias": True}
    with open(path, "w") as f:
        json.dump({"version": "0.5.4", "architecture": "WaveNet", "config": {"layers": [layer], "head_scale": 1.0},
                   "weights": [0.5] * 10}, f)
    return path, "WaveNet, 1,000,000 layers declared, 10 weights"


def convnet_dilations(folder: str) -> tuple[str, str]:
    """A ConvNet with a million distinct dilations and as many weights as blocks (~14 MB)."""
    path = os.path.join(folder, "convnet_1m_dilations.nam")
    n = 1_000_000
    with open(path, "w") as f:
        json.dump({"version": "0.5.4", "architecture": "ConvNet",
                   "config": {"channels": 1, "dilations": list(range(1, n + 1)), "batchnorm": False,
                              "activation": "Tanh"}, "weights": [0.5] * n}, f)
    return path, "ConvNet, 1,000,000 distinct dilations, 1,000,000 weights"


CASES = {"weights": lstm_weights, "metadata": metadata_numbers, "wavenet_layers": wavenet_layers,
         "convnet_dilations": convnet_dilations}


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """(CPU seconds, wall seconds, peak RSS in MiB, exit code) of one child process. CPU time (user and
    system) is what the work costs; on a shared machine the wall time also counts the waiting."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return (usage.ru_utime + usage.ru_stime, time.perf_counter() - start, usage.ru_maxrss / 1024,
            child.returncode)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.big_files", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--generate", nargs=2, metavar=("CASE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:  # in a child: the measuring parent stays small, and a forked child's peak RSS starts
        print(json.dumps(CASES[args.generate[0]](args.generate[1])))  # from its parent's
        return 0
    records = []
    with tempfile.TemporaryDirectory(prefix="nam-big-") as folder:
        for name in args.cases.split(","):
            made = subprocess.run([sys.executable, "-m", "benchmarks.big_files", "--generate", name, folder],
                                  capture_output=True, text=True, check=True)
            path, what = json.loads(made.stdout)
            size = os.path.getsize(path) / 1e6
            validate = measure([sys.executable, "-m", "nam_reference.cli", "validate", "--quiet", path])
            peer = measure([sys.executable, "-c", f"import json; json.load(open({path!r}))"])
            records.append({"case": name, "file": what, "mb": round(size, 1), "validate_cpu_s": round(validate[0], 2),
                            "validate_wall_s": round(validate[1], 2), "validate_rss_mb": round(validate[2]),
                            "validate_exit": validate[3], "json_load_cpu_s": round(peer[0], 2),
                            "json_load_rss_mb": round(peer[2]), "ratio": round(validate[0] / peer[0], 2)})
            os.remove(path)
            print(json.dumps(records[-1]), file=sys.stderr)
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    print("| case | file | MB | validate CPU s | (wall s) | peak RSS MiB | exit | json.load CPU s | peak RSS MiB | CPU ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in records:
        print(f"| {r['case']} | {r['file']} | {r['mb']} | {r['validate_cpu_s']} | {r['validate_wall_s']} | "
              f"{r['validate_rss_mb']} | {r['validate_exit']} | {r['json_load_cpu_s']} | {r['json_load_rss_mb']} | "
              f"{r['ratio']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
