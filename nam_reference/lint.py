"""`nam-ref check`, a linter for libraries of .nam files in the wild, and the `loudness` and
`scale-output` commands (spec section 17).

Beyond validity, `check` looks for what makes a valid file misbehave in a host: a stored loudness that
is not the model's ([LOUD-5]: hosts then set the wrong level), a container whose metadata is not its
full-size model's ([CONT-9]), an LSTM whose stored state is not at rest ([STATE-5]). Severities:

    error    the file is invalid, or a host using it gets a wrong result (a stored loudness off by more
             than 0.01 dB, a loudness stored for a silent model)
    warning  a clause says a checker warns, or a stored value no reader needs is wrong (gain)
    info     legal but worth knowing: no stored loudness, an LSTM's unreproducible loudness ([LOUD-6]),
             a container that is not in the packed-training shape ([CONT-10])
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

import numpy as np

from . import SPEC_VERSION, jsonfile, loudness
from .cli_shared import EXIT_INVALID, EXIT_OK, ProgressBar, UsageError, finite_float, load_model
from .envelope import ModelSpec
from .model import Model, all_models
from .problems import ERROR, WARNING, InvalidModelError, NonFiniteOutputError, Report
from .resources import ResourceError
from .validation import check

INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
STATE_TOLERANCE = 1e-6  # [STATE-5]
PACKED_THRESHOLD_TOLERANCE = 1e-9  # (i+1)/n as the trainer computes it in double precision
PROGRESS_MIN_FILES = 8  # a progress bar for more files than this, when stderr is a terminal


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing `check` found in one file; `path` is a JSON pointer, `clause` a spec clause id."""

    file: str
    path: str
    clause: str
    severity: str
    message: str

    def line(self) -> str:
        clause = f" [{self.clause}]" if self.clause else ""
        return f"{self.file}: {self.path or '/'}: {self.severity}{clause}: {self.message}"

    def as_json(self) -> dict:
        return {"path": self.path, "clause": self.clause, "severity": self.severity, "message": self.message}


@dataclasses.dataclass
class FileResult:
    file: str
    valid: bool | None  # None when the file could not be read or checked
    findings: list[Finding]
    measurements: list[dict]  # computed beside stored loudness and gain, per metadata object

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def as_json(self) -> dict:
        return {"file": self.file, "valid": self.valid, "findings": [f.as_json() for f in self.findings],
                "measurements": self.measurements}


# Checking one file.

def check_file(path: str, stimulus: np.ndarray | None = None) -> FileResult:
    """Every finding for one file. Without the standard stimulus, loudness and gain are not checked."""
    try:
        report, spec = check(path)
    except OSError as exc:
        return FileResult(path, None, [Finding(path, "", "", ERROR, f"cannot read: {exc.strerror or exc}")], [])
    except ResourceError:  # a broken installation, not this file: nam-ref stops with an internal error
        raise
    except Exception as exc:  # a bug here must not stop a run over thousands of files
        return _crashed(path, exc)
    findings = [Finding(p.file, p.path, p.clause, p.severity, p.message) for p in report.problems]
    result = FileResult(path, spec is not None, findings, [])
    if spec is None:
        return result
    try:
        _Checker(result, spec, stimulus).run()
    except NonFiniteOutputError as exc:  # the stimulus overflows the model: a finding, not a crash
        result.findings.append(Finding(path, "", exc.clause, ERROR, f"the loudness stimulus: {exc}"))
    except Exception as exc:
        return _crashed(path, exc, result.findings)
    return result


def _crashed(path: str, exc: Exception, findings=()) -> FileResult:
    message = f"the checker failed on this file ({type(exc).__name__}: {exc})"
    return FileResult(path, None, list(findings) + [Finding(path, "", "", ERROR, message)], [])


class _Checker:
    def __init__(self, result: FileResult, spec: ModelSpec, stimulus: np.ndarray | None):
        self.result, self.spec, self.stimulus = result, spec, stimulus
        self._measured: dict[str, loudness.Measurement] = {}

    def add(self, path: str, clause: str, severity: str, message: str) -> None:
        self.result.findings.append(Finding(self.result.file, path, clause, severity, message))

    def run(self) -> None:
        self.metadata()
        if self.stimulus is not None:
            self.stored_levels()
        for spec in all_models(self.spec):
            if spec.architecture == "LSTM":
                self.lstm_state(spec)
        if self.spec.architecture == "SlimmableContainer":
            self.packed_shape()

    def metadata(self) -> None:
        """Missing values ([META-2]) and container metadata against its last submodel ([CONT-9])."""
        own = self.spec.metadata or {}
        if self.spec.architecture != "SlimmableContainer":
            if self.spec.metadata is None:
                self.add("", "META-2", INFO, "no metadata: hosts cannot match this model's level (no loudness)")
                return
            for key in ("loudness", "gain"):
                if own.get(key) is None:
                    self.add("/metadata", "META-2", INFO, f"no {key}" + (
                        ": hosts cannot match this model's level" if key == "loudness" else ""))
            return
        last_meta = self.spec.config.submodels[-1].metadata or {}
        where = "/metadata" if self.spec.metadata is not None else ""
        for key in ("loudness", "gain"):
            mine, theirs = own.get(key), last_meta.get(key)
            if mine is None and theirs is None:
                self.add(where, "META-2", INFO, f"no {key}, neither on the container nor on its last submodel")
            elif mine is None:
                self.add(where, "CONT-9", WARNING, f"the container has no {key} of its own; readers that follow "
                         f"[LOUD-7] use the last submodel's ({theirs:.9g}), others report none")
            elif theirs is not None and mine != theirs:
                self.add(f"/metadata/{key}", "CONT-9", WARNING, f"the container's {key} ({mine:.9g}) differs from its last "
                         f"submodel's ({theirs:.9g}); both should describe the full-size model")

    def stored_levels(self) -> None:
        """Stored loudness and gain against the values the file's content gives ([LOUD-4] to [LOUD-6])."""
        if self.spec.architecture != "SlimmableContainer":
            self.compare(self.spec, self.spec, "")
            return
        for sub in self.spec.config.submodels:
            if sub.metadata and (sub.metadata.get("loudness") is not None or sub.metadata.get("gain") is not None):
                self.compare(sub, sub, sub.path)
        self.compare(self.spec, self.spec.config.submodels[-1], "")  # the container's own values ([LOUD-7])

    def measure(self, spec: ModelSpec) -> loudness.Measurement:
        if spec.path not in self._measured:
            self._measured[spec.path] = loudness.measure(Model(spec), self.stimulus)
        return self._measured[spec.path]

    def compare(self, owner: ModelSpec, rendered: ModelSpec, base: str) -> None:
        stored = owner.metadata or {}
        stored_loudness, stored_gain = stored.get("loudness"), stored.get("gain")
        m = self.measure(rendered)
        self.result.measurements.append({
            "path": base + "/metadata",
            "computed": {"loudness": m.loudness, "gain": m.gain},
            "stored": {"loudness": stored_loudness, "gain": stored_gain},
        })
        recurrent = loudness.contains_lstm(rendered)
        if m.loudness is None:
            if stored_loudness is not None or stored_gain is not None:
                self.add(base + "/metadata", "LOUD-4", INFO if recurrent else ERROR,
                         "the output for the standard stimulus is silent, so loudness and gain are undefined "
                         "and must be omitted or null")
            return
        if stored_loudness is not None:
            diff = stored_loudness - m.loudness
            if abs(diff) > loudness.LOUDNESS_TOLERANCE_DB:
                text = (f"stored loudness {stored_loudness:.4f} dB, computed {m.loudness:.4f} dB "
                        f"(stored - computed = {diff:+.4f} dB)")
                if recurrent:
                    self.add(base + "/metadata/loudness", "LOUD-6", INFO, text + "; an LSTM's stored loudness "
                             "comes from an initial state the file does not store")
                else:
                    self.add(base + "/metadata/loudness", "LOUD-5", ERROR, text + f"; a host that normalises "
                             f"with it plays this model {abs(diff):.2f} dB {'louder' if diff < 0 else 'quieter'} "
                             "than intended (one cause: a writer that scaled the output after measuring "
                             "loudness, the bug fixed by neural-amp-modeler PR #668)")
        if stored_gain is not None and abs(stored_gain - m.gain) > loudness.GAIN_TOLERANCE:
            text = f"stored gain {stored_gain:.6f}, computed {m.gain:.6f} (difference {stored_gain - m.gain:+.6f})"
            if recurrent:
                self.add(base + "/metadata/gain", "LOUD-6", INFO, text + "; an LSTM's stored gain comes from an "
                         "initial state the file does not store")
            else:
                self.add(base + "/metadata/gain", "LOUD-5", WARNING, text)

    def lstm_state(self, spec: ModelSpec) -> None:
        """[STATE-5]: one step of zero input must leave the stored h0 and c0 where they are."""
        net = spec.config.build(spec.weights, np.float32)
        state = net.new_state()
        net.process(np.zeros((net.in_channels, 1), dtype=np.float32), state)
        changes = [(float(np.max(np.abs(new - stored))), name, layer)
                   for layer, (after, stored_layer) in enumerate(zip(state, net.layers))
                   for new, stored, name in ((after[0], stored_layer.h0, "h0"), (after[1], stored_layer.c0, "c0"))]
        change, name, layer = max(changes)
        if change > STATE_TOLERANCE:
            self.add(spec.path + "/weights", "STATE-5", WARNING,
                     f"one step of zero input changes the stored {name} of layer {layer} by {change:.3g}: the stored "
                     "state is not the zero-input steady state, so engines that prewarm and engines that do not "
                     "give different outputs")

    def packed_shape(self) -> None:
        """[CONT-10], as information: mixed containers are legal."""
        cfg = self.spec.config
        n = len(cfg.submodels)
        differences = []
        if any(sub.architecture != "WaveNet" for sub in cfg.submodels):
            kinds = ", ".join(sub.architecture for sub in cfg.submodels)
            differences.append(f"its submodels are not all WaveNets ({kinds})")
        else:
            shapes = {tuple((tuple(l.kernel for l in a.layers), tuple(l.dilation for l in a.layers))
                            for a in sub.config.arrays) for sub in cfg.submodels}
            if len(shapes) > 1:
                differences.append("its WaveNets differ in kernel sizes or dilations")
            if len({float(sub.weights[-1]) for sub in cfg.submodels}) > 1:
                differences.append("its WaveNets differ in head scale")
            channels = [tuple(a.channels for a in sub.config.arrays) for sub in cfg.submodels]
            if len(set(channels)) < n:
                differences.append("some of its WaveNets have the same channels")
        expected = [(i + 1) / n for i in range(n)]
        if any(abs(t - e) > PACKED_THRESHOLD_TOLERANCE for t, e in zip(cfg.thresholds, expected)):
            differences.append(f"its thresholds {[float(f'{t:.6g}') for t in cfg.thresholds]} are not "
                               f"{[float(f'{e:.6g}') for e in expected]}")
        if differences:
            self.add("/config/submodels", "CONT-10", INFO, "not the packed-training shape (legal): "
                     + "; ".join(differences))


# Checking many files.

def find_nam_files(paths) -> list[str]:
    """Files named on the command line, and every *.nam file under the folders named, in a stable order."""
    found, seen = [], set()
    for path in paths:
        if os.path.isdir(path):
            candidates = []
            for root, dirs, files in os.walk(path):
                dirs.sort()
                candidates += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(".nam")]
        elif os.path.exists(path):
            candidates = [path]
        else:
            raise UsageError(f"{path}: no such file or folder")
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                found.append(candidate)
    return found


def check_files(paths: list[str], stimulus: np.ndarray | None = None, jobs: int | None = None,
                progress=None) -> list[FileResult]:
    """`check_file` for every path, in `jobs` processes (default: the CPU count); results in input order."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths)))
    results: list[FileResult | None] = [None] * len(paths)
    if jobs == 1:
        for i, path in enumerate(paths):
            results[i] = check_file(path, stimulus)
            if progress:
                progress(i + 1, len(paths))
        return results
    import concurrent.futures  # here: a start of nam-ref need not pay for process pools
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")  # fork is unsafe with threads
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                                initargs=(stimulus,)) as pool:
        futures = {pool.submit(_check_in_worker, path): i for i, path in enumerate(paths)}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, len(paths))
    return results


_worker_stimulus = None


def _start_worker(stimulus) -> None:
    global _worker_stimulus
    _worker_stimulus = stimulus


def _check_in_worker(path: str) -> FileResult:
    return check_file(path, _worker_stimulus)


def summarize(results: list[FileResult]) -> dict:
    counts = {s: sum(r.count(s) for r in results) for s in SEVERITIES}
    with_errors = sum(r.count(ERROR) > 0 for r in results)
    with_warnings = sum(r.count(ERROR) == 0 and r.count(WARNING) > 0 for r in results)
    info_only = sum(r.count(ERROR) == r.count(WARNING) == 0 and r.count(INFO) > 0 for r in results)
    return {
        "files": len(results),
        "invalid": sum(r.valid is False for r in results),
        "unchecked": sum(r.valid is None for r in results),
        "files_with_errors": with_errors,
        "files_with_warnings": with_warnings,  # and no errors
        "files_with_info_only": info_only,
        "clean": len(results) - with_errors - with_warnings - info_only,
        "findings": counts,
    }


# Commands.

def register_commands(sub) -> None:
    p = sub.add_parser("loudness", help="loudness and gain ([LOUD-2], [LOUD-3]) beside the stored values",
                       description="Compute a model's loudness and gain with the standard stimulus and show them "
                       "beside the stored values. Without the standard stimulus, a noise signal of this project's "
                       "own is used and stored values are not compared.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--stimulus", metavar="WAV", help="the trainer's loudness_input.wav (default: found in an "
                   "installed neural-amp-modeler, which is not imported)")
    p.add_argument("--slim", type=finite_float, metavar="V", help="measure the model selected at size V (default 1.0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_loudness)

    p = sub.add_parser("scale-output", help="write a copy of a model whose output is scaled ([LOUD-8])",
                       description="Write OUT: MODEL with its output multiplied by S (or by X dB) as [LOUD-8] "
                       "defines, metadata.loudness shifted to match and everything else unchanged.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("output", metavar="OUT")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--db", type=finite_float, metavar="X", help="change the output level by X dB")
    how.add_argument("--scale", type=finite_float, metavar="S", help="multiply the output by S > 0")
    p.set_defaults(run=cmd_scale_output)

    p = sub.add_parser(
        "check", help="lint .nam files and folders: validity, stored loudness and gain, LSTM state, containers",
        description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 no errors (and, with --strict, no warnings); 1 errors found (or warnings with "
        "--strict); 2 usage error (no such path, no .nam file found, an unusable --stimulus)")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="check N files at a time (default: the CPU count)")
    p.add_argument("--stimulus", metavar="WAV", help="the trainer's loudness_input.wav (default: found in an "
                   "installed neural-amp-modeler); without it, loudness and gain are not checked")
    p.add_argument("--strict", action="store_true", help="warnings also make the exit code 1")
    p.add_argument("--quiet", action="store_true", help="do not print information findings")
    p.add_argument("--json", action="store_true", help="print one JSON document with every result")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help=f"progress bar on stderr (default: for more than {PROGRESS_MIN_FILES} files on a terminal)")
    p.set_defaults(run=cmd_check)


def _stimulus_or_reason(path: str | None) -> tuple[np.ndarray | None, str | None, str | None]:
    """(samples, where they came from, why not): an explicit path must work; a search may fail."""
    if path is not None:
        return loudness.standard_stimulus(path), path, None  # StimulusError: a usage error
    try:
        return loudness.standard_stimulus(), str(loudness.find_standard_stimulus()), None
    except loudness.StimulusError as exc:
        return None, None, str(exc)


def cmd_loudness(args) -> int:
    model, _ = load_model(args.model)
    x, source, reason = _stimulus_or_reason(args.stimulus)
    notes = []
    if x is None:
        x = loudness.project_stimulus()
        notes.append(f"{reason}; measured with this project's noise stimulus instead, so the values are not "
                     "comparable with stored ones")
    m = loudness.measure(model, x, args.slim)
    stored, why_none = _stored_values(model, args.slim)
    if why_none:
        notes.append(why_none)
    if loudness.contains_lstm(model.submodel(args.slim)):
        notes.append("an LSTM's stored loudness and gain need not be reproducible ([LOUD-6])")
    computed = {"loudness": m.loudness, "gain": m.gain}
    comparable = source is not None
    difference = {k: (stored[k] - computed[k] if comparable and None not in (stored[k], computed[k]) else None)
                  for k in computed}
    limits = {"loudness": loudness.LOUDNESS_TOLERANCE_DB, "gain": loudness.GAIN_TOLERANCE}
    within = {k: (None if difference[k] is None else abs(difference[k]) <= limits[k]) for k in computed}
    if args.json:
        json.dump({"file": args.model, "size": args.slim,
                   "stimulus": {"kind": "standard" if comparable else "project", "path": source},
                   "computed": computed, "stored": stored, "difference": difference, "within_tolerance": within,
                   "tolerance": limits, "levels": list(m.levels), "notes": notes}, sys.stdout, indent=2)
        print()
        return EXIT_OK

    def show(key, value, signed=False):
        if value is None:
            return "(none)"
        text = f"{value:+.4f}" if key == "loudness" and signed else f"{value:.4f}" if key == "loudness" else (
            f"{value:+.6f}" if signed else f"{value:.6f}")
        return text + (" dB" if key == "loudness" else "")

    lines = [f"file        {args.model}" + (f" (size {args.slim:g})" if args.slim is not None else ""),
             f"stimulus    {source if comparable else 'project noise'}",
             f"{'':12}{'computed':>14}{'stored':>14}{'difference':>14}"]
    for key in ("loudness", "gain"):
        mark = "" if within[key] in (None, True) else "   exceeds the tolerance of [LOUD-5]"
        lines.append(f"{key:12}{show(key, computed[key]):>14}{show(key, stored[key]):>14}"
                     f"{show(key, difference[key], True):>14}{mark}")
    lines += [f"note        {n}" for n in notes]
    print("\n".join(lines))
    return EXIT_OK


def _stored_values(model: Model, size: float | None) -> tuple[dict, str | None]:
    """The stored values that describe the model running at `size` ([LOUD-7]), and why there are none."""
    full = 1.0 if size is None else size
    if model.is_container:
        cfg = model.spec.config
        index = cfg.index_for_size(full)
        if index == len(cfg.submodels) - 1:
            last = cfg.submodels[-1].metadata or {}
            own = model.metadata
            return {k: own.get(k) if own.get(k) is not None else last.get(k) for k in ("loudness", "gain")}, None
        meta = cfg.submodels[index].metadata or {}
        return {k: meta.get(k) for k in ("loudness", "gain")}, None
    if model.slimmable and model.selection(full) != model.selection(1.0):
        return {"loudness": None, "gain": None}, "the stored values describe the full-size model"
    return {k: model.metadata.get(k) for k in ("loudness", "gain")}, None


def cmd_scale_output(args) -> int:
    try:
        scale = loudness.db_to_scale(args.db) if args.db is not None else args.scale
    except OverflowError:
        raise UsageError(f"--db {args.db:g} is beyond any scale a float can hold") from None
    try:
        with open(args.model, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise UsageError(f"{args.model}: cannot read: {exc.strerror or exc}") from None
    report = Report(args.model)
    document = jsonfile.decode(data, report)
    if document is None:
        raise InvalidModelError(report)
    report, spec = check(document, args.model)
    if spec is None:
        raise InvalidModelError(report)
    try:
        scaled = loudness.scale_output(document, scale)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(json.dumps(scaled, ensure_ascii=False))
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    print(f"{args.output}: output scaled by {scale:.9g} ({loudness.scale_to_db(scale):+.4f} dB)")
    return EXIT_OK


def cmd_check(args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    paths = find_nam_files(args.paths)
    if not paths:
        raise UsageError("no .nam files found in " + ", ".join(args.paths))
    stimulus, source, reason = _stimulus_or_reason(args.stimulus)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and len(paths) > PROGRESS_MIN_FILES)
    progress = ProgressBar(f"checking {len(paths)} files") if show else None
    results = check_files(paths, stimulus, args.jobs, progress)
    if progress:
        progress.done()
    summary = summarize(results)
    failing = summary["findings"][ERROR] > 0 or (args.strict and summary["findings"][WARNING] > 0)
    if args.json:
        json.dump({"spec_version": SPEC_VERSION,
                   "loudness_checked": stimulus is not None, "stimulus": source, "not_checked_because": reason,
                   "files": [r.as_json() for r in results], "summary": summary}, sys.stdout, indent=2)
        print()
    else:
        for result in results:
            for finding in result.findings:
                if finding.severity != INFO or not args.quiet:
                    print(finding.line())
        counts = summary["findings"]
        print(f"{summary['files']} file{'s' if summary['files'] != 1 else ''} checked: "
              f"{summary['files_with_errors']} with errors, {summary['files_with_warnings']} with warnings, "
              f"{summary['files_with_info_only']} with information only, {summary['clean']} clean "
              f"({counts[ERROR]} errors, {counts[WARNING]} warnings, {counts[INFO]} information)")
        if reason:
            print(f"loudness and gain were not checked: {reason}")
    return EXIT_INVALID if failing else EXIT_OK


