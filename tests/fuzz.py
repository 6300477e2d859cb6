"""A seeded mutation fuzzer for the reference's loader (spec section 19, Appendix A).

Every input is a fixture model or an invalid-corpus file with one to three mutations (byte flips,
truncation, type changes, deleted keys, huge or negative numbers, swapped or lengthened arrays).
For each input it checks that `validate` and `load` agree, that nothing but the documented errors
is raised, that one input takes at most a few seconds, and that a valid file renders a short
finite signal to finite output or reports [NUM-10] as the spec says.

    python -m tests.fuzz --count 1000000 -j 2        # the long run (docs/fuzzing.md)
    python -m tests.fuzz --count 2000 --seed 7       # a short one; failing inputs go to --save

Input i of a run depends only on (seed, i), so a failure is reproduced with `--only i`.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import multiprocessing
import os
import random
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOW_SECONDS = 5.0  # an input taking more CPU time than this is a hang (CPU: the machine may be shared)
KILL_SECONDS = 120.0  # a worker that has not moved on for this long (wall time) is stuck in C code: killed
MEMORY_LIMIT = 2 << 30  # address space of a worker: a runaway allocation fails instead of swapping
RENDER_SAMPLES = 64


def corpus() -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "fixtures" / "cases").glob("*/model.nam")) + sorted((ROOT / "fixtures" / "invalid").glob("*.nam"))
    return [(str(p.relative_to(ROOT)), p.read_bytes()) for p in files]


# Mutations.

_HUGE = [10 ** 3, 10 ** 6, 10 ** 9, 2 ** 31, 2 ** 32 + 1, 2 ** 63, 10 ** 18, 10 ** 30, 10 ** 308, 1e38, 3.5e38,
         1e300, -1e308, 1e-45, 5e-324, 65536, 1 << 20, (1 << 20) + 1]
_SMALL = [0, 1, -1, 2, 3, -2, 0.5, -0.0, 0.0, 1.5, 7, 16, 100]
_ODD = ["", "Tanh", "PReLU", "WaveNet", "LSTM", "1.2.3", True, False, None, [], {}, [1], {"type": "PReLU"}]


def _nodes(value, path=()):
    """Every (path, value) in a JSON tree, except inside the long weight arrays (sampled instead)."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(value, list):
        items = list(enumerate(value))
        if len(items) > 16:
            items = items[:4] + items[-2:]
        for i, v in items:
            yield from _nodes(v, path + (i,))


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def _set(doc, path, value):
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _number(rng: random.Random):
    r = rng.random()
    if r < 0.5:
        v = rng.choice(_HUGE)
        return -v if rng.random() < 0.3 else v
    if r < 0.8:
        return rng.choice(_SMALL)
    return rng.randint(-5, 40)


def _mutate_tree(rng: random.Random, doc):
    nodes = list(_nodes(doc))
    path, value = rng.choice(nodes)
    op = rng.randrange(8)
    if op == 0 and isinstance(value, dict) and value:  # delete a key
        del value[rng.choice(list(value))]
    elif op == 1 and path:  # change the type
        doc = _set(doc, path, copy.deepcopy(rng.choice(_ODD + [_number(rng)])))
    elif op in (2, 3):  # a huge, negative or small number somewhere a number is
        numbers = [p for p, v in nodes if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if numbers:
            doc = _set(doc, rng.choice(numbers), _number(rng))
    elif op == 4:  # swap two arrays (or an array and another value)
        arrays = [p for p, v in nodes if isinstance(v, list) and p]
        if len(arrays) >= 2:
            a, b = rng.sample(arrays, 2)
            if a[:len(b)] != b and b[:len(a)] != a:
                va, vb = copy.deepcopy(_get(doc, a)), copy.deepcopy(_get(doc, b))
                doc = _set(doc, a, vb)
                doc = _set(doc, b, va)
    elif op == 5 and isinstance(value, list) and value:  # lengthen or shorten an array
        if rng.random() < 0.5:
            value.extend(copy.deepcopy(value[-1:]) * rng.choice([1, 2, 7, 100]))
        else:
            del value[rng.randrange(len(value)):]
    elif op == 6 and isinstance(value, dict):  # add a key borrowed from elsewhere
        keys = [p[-1] for p, _ in nodes if p and isinstance(p[-1], str)]
        if keys:
            value[rng.choice(keys)] = copy.deepcopy(rng.choice(_ODD + [_number(rng)]))
    elif op == 7 and path:  # duplicate a subtree somewhere else
        target, _ = rng.choice(nodes)
        if target and target[:len(path)] != path:
            doc = _set(doc, target, copy.deepcopy(value))
    return doc


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    op = rng.randrange(4)
    b = bytearray(data)
    if op == 0:  # flip bytes
        for _ in range(rng.choice([1, 1, 2, 8])):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif op == 1:  # truncate
        del b[rng.randrange(len(b)):]
    elif op == 2:  # replace a digit run with a long number
        i = rng.randrange(len(b))
        b[i:i + 1] = rng.choice([b"9" * 400, b"1e400", b"-1e39", b"NaN", b"Infinity", b"18446744073709551617"])
    else:  # insert structural characters
        i = rng.randrange(len(b))
        b[i:i] = rng.choice([b"[", b"]", b"{", b"}", b",", b":", b'"', b"\\", b"\x00", b"\xff", b"[" * 100])
    return bytes(b)


def mutate(seed: int, index: int, files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """Input `index` of the run with `seed`: a corpus file and its mutations."""
    rng = random.Random(seed * 1_000_003 + index)
    name, data = files[rng.randrange(len(files))]
    if rng.random() < 0.2:
        return name, _mutate_bytes(rng, data)
    try:
        doc = json.loads(data)
        for _ in range(rng.choice([1, 1, 2, 3])):
            doc = _mutate_tree(rng, doc)
        return name, json.dumps(doc).encode()
    except (ValueError, RecursionError):  # not JSON (a corpus file of the json class), or nested too deep
        return name, _mutate_bytes(rng, data)


# Checking one input.

def check_input(data: bytes) -> str | None:
    """None if the reference behaves as the spec says on this input, else what went wrong."""
    import numpy as np

    import nam_reference
    from nam_reference import InvalidModelError, NonFiniteOutputError

    try:
        report = nam_reference.validate(data)
    except Exception as exc:  # anything but a report is a bug
        return f"validate raised {type(exc).__name__}: {exc}"
    try:
        model = nam_reference.load(data)
    except InvalidModelError:
        return "validate accepted a file that load rejected" if report.ok else None
    except Exception as exc:
        return f"load raised {type(exc).__name__}: {exc}"
    if not report.ok:
        return "load accepted a file that validate rejected"
    x = np.random.default_rng(0).uniform(-1, 1, (model.in_channels, RENDER_SAMPLES)).astype(np.float32)
    try:
        y = model.process(x, initial_state="cold")
    except NonFiniteOutputError:
        return None  # [NUM-10]: reported, not returned
    except Exception as exc:
        return f"process raised {type(exc).__name__}: {exc}"
    if not np.all(np.isfinite(y)):
        return "process returned non-finite output for finite input without reporting it"
    return None


class _Slow(BaseException):  # not an Exception: the checks must not catch it
    pass


def _alarm(signum, frame):
    raise _Slow()


def _worker(seed: int, indices: range, current, queue, save: str | None) -> None:
    """Check inputs, reporting (index, problem, seconds) for failures and a summary at the end."""
    import numpy as np
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers itself
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    np.seterr(all="ignore")  # overflow inside a valid model is judged by its output ([NUM-10])
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGPROF, _alarm)
    files = corpus()
    slowest = (0.0, -1)
    for n, i in enumerate(indices):
        current.value = i
        name, data = mutate(seed, i, files)
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, SLOW_SECONDS)
        try:
            problem = check_input(data)
        except _Slow:
            problem = f"more than {SLOW_SECONDS:g} s of CPU time"
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        elapsed = time.process_time() - start
        slowest = max(slowest, (elapsed, i))
        if problem is not None:
            queue.put(("failure", i, name, problem, elapsed))
            if save:
                Path(save).mkdir(parents=True, exist_ok=True)
                (Path(save) / f"{seed}-{i}.nam").write_bytes(data)
        if n % 500 == 499:
            queue.put(("progress", 500))
    queue.put(("progress", len(indices) % 500))
    queue.put(("done", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, slowest))


def run(seed: int, start: int, count: int, jobs: int, save: str | None = None, out=sys.stdout) -> dict:
    """Check inputs start .. start + count − 1 in `jobs` processes; returns the tallies."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def spawn(indices: range) -> dict:
        current = ctx.Value("q", -1)
        p = ctx.Process(target=_worker, args=(seed, indices, current, queue, save), daemon=True)
        p.start()
        return {"process": p, "indices": indices, "current": current, "seen": -1, "since": time.monotonic()}

    workers = [spawn(range(start + j, start + count, jobs)) for j in range(jobs)]
    result = {"seed": seed, "start": start, "inputs": 0, "failures": [], "peak_rss": 0, "slowest": (0.0, -1)}
    began = last_print = time.monotonic()

    def receive(msg) -> None:
        if msg[0] == "progress":
            result["inputs"] += msg[1]
        elif msg[0] == "failure":
            result["failures"].append(msg[1:])
            print(f"input {msg[1]} (from {msg[2]}): {msg[3]} [{msg[4]:.2f} s]", file=out, flush=True)
        elif msg[0] == "done":
            result["peak_rss"] = max(result["peak_rss"], msg[1])
            result["slowest"] = max(result["slowest"], tuple(msg[2]))

    stopped = False
    while workers:
        try:
            receive(queue.get(timeout=1.0))
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: report what finished
            stopped = True
            for w in workers:
                w["process"].kill()
                w["process"].join()
            break
        except Exception:  # queue.Empty
            pass
        now = time.monotonic()
        for w in list(workers):
            p, i = w["process"], w["current"].value
            if i != w["seen"]:
                w["seen"], w["since"] = i, now
            if p.is_alive() and now - w["since"] <= KILL_SECONDS:
                continue
            if p.is_alive():
                p.kill()
                p.join()
                problem = f"stuck for {KILL_SECONDS:g} s (killed)"
            elif p.exitcode != 0:
                problem = f"worker died (exit {p.exitcode})"
            else:
                workers.remove(w)
                continue
            result["failures"].append((i, "?", problem, now - w["since"]))
            print(f"input {i}: {problem}", file=out, flush=True)
            workers.remove(w)
            k = w["indices"].index(i) if i in w["indices"] else -1
            result["inputs"] += k % 500 + 1  # the inputs it checked since its last progress message, and this one
            if k >= 0 and k + 1 < len(w["indices"]):  # carry on after the input that stopped the worker
                workers.append(spawn(w["indices"][k + 1:]))
        if now - last_print > 60:
            last_print = now
            print(f"{result['inputs']} inputs, {len(result['failures'])} failures, {now - began:.0f} s",
                  file=out, flush=True)
    while not queue.empty():  # messages sent just before a worker ended
        receive(queue.get())
    result["seconds"] = time.monotonic() - began
    result["stopped"] = stopped
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # includes killed workers
    result["peak_rss"] = max(result["peak_rss"], children)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="number of inputs (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--only", type=int, metavar="I", help="check input I alone and print it")
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--save", metavar="DIR", help="write each failing input to DIR")
    args = parser.parse_args(argv)
    if args.only is not None:
        name, data = mutate(args.seed, args.only, corpus())
        print(f"input {args.only} of seed {args.seed}: {name} mutated, {len(data)} bytes", file=sys.stderr)
        if args.save:
            Path(args.save).write_bytes(data)
        start = time.process_time()
        problem = check_input(data)
        print(f"{problem or 'ok'} ({time.process_time() - start:.2f} s of CPU)")
        return 1 if problem else 0
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stopped run still prints its tallies
    result = run(args.seed, args.start, args.count, args.jobs, args.save)
    if result["stopped"]:
        print(f"stopped before the end: the inputs counted below finished (of {args.count} asked)")
    slow = sum(1 for f in result["failures"] if "CPU time" in f[2] or "stuck" in f[2])
    print(f"seed {args.seed}, inputs {args.start} to {args.start + result['inputs'] - 1}: {result['inputs']} inputs, "
          f"{len(result['failures']) - slow} unexpected outcomes, {slow} over {SLOW_SECONDS:g} s, "
          f"slowest {result['slowest'][0]:.2f} s of CPU (input {result['slowest'][1]}), "
          f"peak RSS {result['peak_rss'] / 2**20:.0f} MiB, {result['seconds']:.0f} s with {args.jobs} job(s)")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
