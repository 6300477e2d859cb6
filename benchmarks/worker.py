"""One measurement in a fresh process:

    python -m benchmarks.worker ENGINE CASE MODE SECONDS REPEATS

ENGINE is `reference` or `trainer`; MODE is `batch` or `streamN` (blocks of N samples, reference
only). Prints one JSON object: `s_per_s`, the best over REPEATS runs of the seconds of computation
per second of audio, and `peak_rss_mb`, the process's peak resident memory in MB.

Time is the process's CPU time: for single-threaded work it is the wall time of an idle machine,
and it is far less disturbed than the wall time by other processes sharing the CPUs.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np

from . import cases, trainer

WARM_UP = cases.SAMPLE_RATE // 10  # samples run once before timing: first-call costs and the initial state


def reference_runner(doc: dict, x: np.ndarray, mode: str):
    """A function that renders x through the reference in `mode` and returns the seconds it took."""
    import nam_reference

    model = nam_reference.load(doc)
    model.process(x[:WARM_UP])
    if mode == "batch":
        def run() -> float:
            start = time.process_time()
            model.process(x)
            return time.process_time() - start
        return run
    block = int(mode[len("stream"):])

    def run() -> float:
        stream = model.stream()
        start = time.process_time()
        for i in range(0, len(x), block):
            stream.process(x[i:i + block])
        return time.process_time() - start
    return run


def trainer_runner(doc: dict, x: np.ndarray, mode: str):
    """The same for the trainer, which has only a batch mode."""
    if mode != "batch":
        raise ValueError("the trainer has no streaming mode")
    trainer_doc = cases.trainer_document(doc)
    net = trainer.load(trainer_doc)
    stateful = trainer_doc["architecture"] == "LSTM"
    trainer.render(net, x[:WARM_UP], stateful)

    def run() -> float:
        start = time.process_time()
        trainer.render(net, x, stateful)
        return time.process_time() - start
    return run


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 2 ** 20 if sys.platform == "darwin" else peak / 2 ** 10


def main(argv: list[str]) -> None:
    engine, case_name, mode, seconds, repeats = argv
    doc = cases.CASES_BY_NAME[case_name].document()
    x = cases.test_signal(float(seconds))
    run = (reference_runner if engine == "reference" else trainer_runner)(doc, x, mode)
    best = min(run() for _ in range(int(repeats)))
    print(json.dumps({"s_per_s": best / float(seconds), "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1:])
