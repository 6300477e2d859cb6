"""python -m benchmarks [--json] [--quick] [--repeats N] [--cases NAME,...]: see benchmarks/__init__.py."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys

from . import cases, trainer

LENGTHS = (10, 600)  # seconds of audio; --quick runs only the first
MODES = ("batch", "stream64", "stream4096")
KEYS = ("case", "mode", "seconds_of_audio", "reference_s_per_s", "trainer_s_per_s", "ratio", "peak_rss_mb")


def measure(engine: str, case: str, mode: str, seconds: int, repeats: int) -> dict | None:
    """Run one measurement in a fresh subprocess; None (with the reason on stderr) if it failed."""
    command = [sys.executable, "-m", "benchmarks.worker", engine, case, mode, str(seconds), str(repeats)]
    done = subprocess.run(command, cwd=cases.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  {engine} {case} {mode} {seconds} s failed:\n{done.stderr}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(selected, lengths, repeats: int, with_trainer: bool) -> list[dict]:
    records = []
    for case in selected:
        try:
            doc = case.document()
        except cases.MissingModel as missing:
            print(f"skipping {case.name}: {missing}", file=sys.stderr)
            continue
        has_trainer = with_trainer and cases.trainer_document(doc) is not None
        for seconds in lengths:
            runs = repeats if seconds <= LENGTHS[0] else 1  # a long signal is measured once
            trainer_s = None
            if has_trainer:
                print(f"{case.name}, {seconds} s: trainer", file=sys.stderr)
                result = measure("trainer", case.name, "batch", seconds, runs)
                trainer_s = result and result["s_per_s"]
            for mode in MODES:
                print(f"{case.name}, {seconds} s: reference, {mode}", file=sys.stderr)
                result = measure("reference", case.name, mode, seconds, runs) or {}
                reference_s = result.get("s_per_s")
                compared = trainer_s if mode == "batch" else None  # the trainer has no streaming mode
                records.append({
                    "case": case.name, "mode": mode, "seconds_of_audio": seconds,
                    "reference_s_per_s": reference_s, "trainer_s_per_s": compared,
                    "ratio": reference_s / compared if reference_s and compared else None,
                    "peak_rss_mb": result.get("peak_rss_mb"),
                })
    return records


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = [f"Python {platform.python_version()}", f"NumPy {importlib.metadata.version('numpy')}"]
    if trainer.available():
        versions += [f"PyTorch {importlib.metadata.version('torch')}",
                     f"neural-amp-modeler {importlib.metadata.version('neural-amp-modeler')}"]
    return f"{cpu}, {os.cpu_count()} CPUs, one thread; {', '.join(versions)}"


def table(records: list[dict]) -> str:
    """The records as a text table; `× batch` is a streaming time over the reference's own batch time."""
    batch = {(r["case"], r["seconds_of_audio"]): r["reference_s_per_s"]
             for r in records if r["mode"] == "batch"}

    def number(value, digits=4):
        return "" if value is None else f"{value:.{digits}f}"

    rows = [("case", "mode", "audio", "reference s/s", "trainer s/s", "ratio", "× batch", "peak RSS MB")]
    for r in records:
        own_batch = batch.get((r["case"], r["seconds_of_audio"]))
        versus_batch = (r["reference_s_per_s"] / own_batch
                        if r["mode"] != "batch" and r["reference_s_per_s"] and own_batch else None)
        seconds = r["seconds_of_audio"]
        rows.append((r["case"], r["mode"], f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s",
                     number(r["reference_s_per_s"]), number(r["trainer_s_per_s"]), number(r["ratio"], 2),
                     number(versus_batch, 2), number(r["peak_rss_mb"], 0)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    aligned = [[cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
               for row in rows]  # text columns to the left, numbers to the right
    return "\n".join("  ".join(row) for row in aligned)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print a list of records instead of the table")
    parser.add_argument("--quick", action="store_true", help="only the 10 s cases")
    parser.add_argument("--repeats", type=int, default=3, help="runs per 10 s measurement; the best counts")
    parser.add_argument("--cases", help="comma-separated case names: " + ", ".join(cases.CASES_BY_NAME))
    args = parser.parse_args(argv)
    selected = cases.CASES
    if args.cases:
        unknown = set(args.cases.split(",")) - set(cases.CASES_BY_NAME)
        if unknown:
            parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
        selected = [c for c in cases.CASES if c.name in args.cases.split(",")]
    with_trainer = trainer.available()
    if not with_trainer:
        print("the trainer (neural-amp-modeler and torch) is not importable: reference only", file=sys.stderr)
    records = run(selected, LENGTHS[:1] if args.quick else LENGTHS, args.repeats, with_trainer)
    if args.json:
        print(json.dumps([{key: r[key] for key in KEYS} for r in records], indent=1))
    else:
        print(machine())
        print("s/s: seconds of computation per second of audio (best of the runs); ratio: reference / trainer;")
        print("× batch: streaming time / the reference's batch time; peak RSS: of the reference's process\n")
        print(table(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
