"""The `nam-ref` command line.

Exit codes: 0 success; 1 an invalid model (or, for `check`, findings at the level asked for);
2 a usage error or input that cannot be used (unreadable audio, wrong sample rate or channels);
3 an internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

import nam_reference

from . import SPEC_VERSION, audio, lint
from .cli_shared import (EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, EXIT_USAGE, ProgressBar, UsageError, finite_float,
                         load_model)
from .model import Model
from .problems import InvalidModelError, NonFiniteOutputError
from .resources import ResourceError
from .validation import check

PROGRESS_AFTER_SECONDS = 5.0
MAX_PROBLEM_LINES = 100  # per file; the rest are counted (--json lists them all)


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except audio.AudioError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except InvalidModelError as exc:
        _fail(str(exc))
        return EXIT_INVALID
    except NonFiniteOutputError as exc:  # a valid model that overflows on this input ([NUM-10])
        _fail(f"{getattr(args, 'model', '')}: {exc}")
        return EXIT_INVALID
    except ResourceError as exc:  # the installation's fault, never the user's file
        _fail(f"internal error: {exc}")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user; NAM_REF_DEBUG=1 shows it
        if os.environ.get("NAM_REF_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_INTERNAL


def _fail(message: str) -> None:
    print(f"nam-ref: {message}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """Command-line mistakes in one line (exit 2), like every other bad input."""

    def error(self, message):
        _fail(f"{message} (see {self.prog} --help)")
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nam-ref", description=f"Reference tools for .nam files (specification {SPEC_VERSION}).")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check files against the spec; one line per problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON document with every result")
    p.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("info", help="architecture, sample rate, weight count, receptive field, metadata")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--slim", type=finite_float, metavar="V", help="report the model selected at size V")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_info)

    p = sub.add_parser("render", help="run a model on audio (WAV, or headerless float32 .f32)")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--block", type=int, metavar="N", help="stream in blocks of N samples (default: whole signal)")
    p.add_argument("--slim", type=finite_float, metavar="V", help="size parameter of a slimmable model (default 1.0)")
    p.add_argument("--initial-state", choices=["silent", "cold"], default="silent",
                   help="silent past (normative) or cold (every buffer zero)")
    p.add_argument("--float64", action="store_true", help="compute in float64 (for error analysis)")
    p.add_argument("--ignore-sample-rate", action="store_true",
                   help="run even if the WAV's sample rate differs from the model's")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: for long inputs on a terminal)")
    p.set_defaults(run=cmd_render)

    lint.register_commands(sub)  # loudness, scale-output and check live beside the checker they share code with
    return parser


class _Version(argparse.Action):
    """--version, looking the package's version up only when asked (the lookup reads the installation)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"nam-ref {nam_reference.__version__} (spec {SPEC_VERSION})")
        parser.exit()


def cmd_validate(args) -> int:
    results, any_invalid, unreadable = [], False, False
    for path in args.files:
        try:
            report, _ = check(path)
        except OSError as exc:
            unreadable = True
            _fail(f"{path}: cannot read: {exc.strerror or exc}")
            results.append({"file": path, "valid": None, "problems": [], "error": str(exc.strerror or exc)})
            continue
        any_invalid |= not report.ok
        results.append(report.as_json())
        if not args.json:
            shown = [p for p in report.problems if p.is_error or not args.quiet]
            for problem in shown[:MAX_PROBLEM_LINES]:
                print(problem.line())
            if len(shown) > MAX_PROBLEM_LINES:
                print(f"{path}: ... and {len(shown) - MAX_PROBLEM_LINES} more problems (--json lists them all)")
    if args.json:
        json.dump({"spec_version": SPEC_VERSION, "results": results}, sys.stdout, indent=2)
        print()
    if any_invalid:
        return EXIT_INVALID
    return EXIT_USAGE if unreadable else EXIT_OK


def model_facts(model: Model, size: float | None = None) -> dict:
    """What `info` reports ([STREAM-11])."""
    meta = model.metadata
    facts = {
        "architecture": model.architecture,
        "version": model.version,
        "sample_rate": model.sample_rate,
        "sample_rate_defaulted": model.sample_rate_defaulted,
        "in_channels": model.in_channels,
        "out_channels": model.out_channels,
        "weight_count": model.weight_count,
        "total_weight_count": model.total_weight_count,
        "receptive_field": model.receptive_field(size),
        "loudness": model.loudness,
        "gain": meta.get("gain"),
        "input_level_dbu": meta.get("input_level_dbu"),
        "output_level_dbu": meta.get("output_level_dbu"),
        "slimmable": model.slimmable,
        "breakpoints": model.breakpoints,
    }
    if size is not None:
        facts["size"] = size
    if model.is_container:
        cfg = model.spec.config
        facts["selected_submodel"] = cfg.index_for_size(size)
        facts["submodels"] = [{
            "max_value": threshold,
            "architecture": sub.architecture,
            "version": ".".join(map(str, sub.version)),
            "weight_count": sub.config.weight_count(),
            "receptive_field": sub.config.receptive_field(),
            "loudness": (sub.metadata or {}).get("loudness"),
        } for threshold, sub in zip(cfg.thresholds, cfg.submodels)]
    elif model.slimmable and not model.is_sequential:
        facts["channels"] = list(model.spec.config.widths_for_size(1.0 if size is None else size))
    return facts


def cmd_info(args) -> int:
    model, warnings = load_model(args.model)
    facts = model_facts(model, args.slim)
    if args.json:
        facts = {"file": args.model, **facts, "warnings": [w.as_json() for w in warnings]}
        json.dump(facts, sys.stdout, indent=2)
        print()
        return EXIT_OK
    rf = facts["receptive_field"]
    lines = [
        f"file              {args.model}",
        f"architecture      {facts['architecture']} (file version {facts['version']})",
        f"sample rate       {facts['sample_rate']:g} Hz" + (" (absent: defaulted)" if facts["sample_rate_defaulted"] else ""),
        f"channels          {facts['in_channels']} in, {facts['out_channels']} out",
        f"weights           {facts['weight_count']}" + (f" ({facts['total_weight_count']} with nested models)"
                                                        if facts["total_weight_count"] != facts["weight_count"] else ""),
        f"receptive field   {rf if rf is not None else 'unbounded (recurrent)'}" + (" samples" if rf else ""),
    ]
    for key, unit in (("loudness", " dB"), ("gain", ""), ("input_level_dbu", " dBu"), ("output_level_dbu", " dBu")):
        value = facts[key]
        lines.append(f"{key.replace('_', ' '):17s} {'(none)' if value is None else f'{value:.6g}{unit}'}")
    if facts["slimmable"]:
        lines.append(f"size breakpoints  {', '.join(f'{b:g}' for b in facts['breakpoints']) or '(none)'}")
    if "channels" in facts:
        lines.append(f"channels at size  {facts['channels']}")
    for i, sub in enumerate(facts.get("submodels", [])):
        mark = "*" if i == facts["selected_submodel"] else " "
        lines.append(f" {mark}submodel {i}      max_value {sub['max_value']:g}: {sub['architecture']}, "
                     f"{sub['weight_count']} weights, receptive field {sub['receptive_field']}")
    for w in warnings:
        lines.append(f"warning [{w.clause}] {w.path or '/'}: {w.message}")
    print("\n".join(lines))
    return EXIT_OK


def cmd_render(args) -> int:
    for given in (args.model, args.input):
        if _same_file(given, args.output):
            raise UsageError(f"the output {args.output} is the same file as the input {given}; it would be replaced")
    model, _ = load_model(args.model, np.float64 if args.float64 else np.float32)
    x, rate = audio.read(args.input)
    if rate is not None and rate != model.sample_rate and not args.ignore_sample_rate:
        raise UsageError(f"{args.input} is at {rate:g} Hz but the model runs at {model.sample_rate:g} Hz "
                         "(resample it, or pass --ignore-sample-rate)")
    if x.shape[0] != model.in_channels:
        raise UsageError(f"{args.input} has {x.shape[0]} channel(s); the model takes {model.in_channels}")
    if args.block is not None and args.block < 1:
        raise UsageError("--block must be at least 1")
    n = x.shape[1]
    show = args.progress if args.progress is not None else (
        sys.stderr.isatty() and n > PROGRESS_AFTER_SECONDS * (rate or model.sample_rate))
    progress = ProgressBar(args.input) if show else None
    if args.block is None:
        y = model.process(x, size=args.slim, initial_state=args.initial_state, progress=progress)
    else:
        stream = model.stream(size=args.slim, initial_state=args.initial_state)
        y = np.empty((model.out_channels, n), dtype=model.dtype)
        for start in range(0, n, args.block):
            y[:, start:start + args.block] = stream._process(x[:, start:start + args.block].astype(model.dtype))
            if progress:
                progress(min(start + args.block, n), n)
    if progress:
        progress.done()
    audio.write(args.output, y, rate or model.sample_rate)
    return EXIT_OK


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # either does not exist (yet): compare the names
        return os.path.abspath(a) == os.path.abspath(b)


if __name__ == "__main__":  # run the package's module, so the commands share its exception classes
    from nam_reference.cli import main as package_main

    sys.exit(package_main())
