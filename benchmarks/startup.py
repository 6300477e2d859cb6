"""Start-up time of `nam-ref`: `python -m benchmarks.startup [--repeats N] [--json]`.

The wall time of whole commands as a user runs them, beside two peers measured in the same run: the
bare interpreter (`python -c pass`) and NumPy's import, which a validation cannot avoid. The runs go
round-robin and the best counts: a busy machine slows a run down, it never speeds one up. The target
is 0.3 s for `nam-ref --help` and for `nam-ref validate` on a small file, on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 0.3
SMALL_MODEL = "cases/hand.wavenet/model.nam"  # a bundled fixture of a few hundred bytes


def commands(model: str) -> dict[str, list[str]]:
    script = shutil.which("nam-ref", path=str(Path(sys.executable).parent))
    nam_ref = [script] if script else [sys.executable, "-m", "nam_reference.cli"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "nam-ref --help": nam_ref + ["--help"],
        "nam-ref --version": nam_ref + ["--version"],
        "nam-ref validate small.nam": nam_ref + ["validate", model],
    }


def measure(repeats: int) -> dict[str, dict]:
    from nam_reference import resources

    model = str(resources.fixtures_dir() / SMALL_MODEL)
    timed = commands(model)
    times: dict[str, list[float]] = {name: [] for name in timed}
    with tempfile.TemporaryDirectory() as empty:  # run where no project files are
        for _ in range(repeats):
            for name, command in timed.items():
                start = time.perf_counter()
                done = subprocess.run(command, cwd=empty, capture_output=True)
                times[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    python, numpy = min(times["python -c pass"]), min(times["python -c 'import numpy'"])
    return {name: {"best_s": min(t), "median_s": sorted(t)[len(t) // 2], "ratio_to_python": min(t) / python,
                   "ratio_to_numpy": min(t) / numpy} for name, t in times.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--json", action="store_true", help="print the records as JSON")
    args = parser.parse_args(argv)
    results = measure(args.repeats)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"best and median wall time of {args.repeats} runs; ratios: best / best of `python -c pass`, "
          "of NumPy's import")
    width = max(map(len, results))
    for name, r in results.items():
        target = f"  (target {TARGET_S} s)" if name.startswith("nam-ref") and "version" not in name else ""
        print(f"{name.ljust(width)}  {r['best_s']:.3f} s  median {r['median_s']:.3f} s  "
              f"× {r['ratio_to_python']:.1f}  × {r['ratio_to_numpy']:.1f}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
