"""What the `nam-ref` commands of cli.py and lint.py share: exit codes, usage errors, option types,
loading a model for a command, the progress bar."""

from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np

from .model import Model
from .problems import InvalidModelError
from .validation import check

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Input the command cannot use; reported in one line with exit code 2."""


def finite_float(text: str) -> float:
    """An option's number: NaN and infinities are not sizes, levels or scales."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def load_model(path: str, dtype=np.float32) -> tuple[Model, list]:
    """Load a model for a command; unreadable paths are usage errors, invalid files raise InvalidModelError."""
    try:
        report, spec = check(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if spec is None:
        raise InvalidModelError(report)
    return Model(spec, dtype), report.warnings


class ProgressBar:
    """A one-line progress bar on stderr: `bar(done, total)` as work goes on, `bar.done()` at the end."""

    def __init__(self, label: str):
        self.label, self.last = os.path.basename(label), -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != self.last:
            self.last = percent
            filled = percent // 4
            print(f"\r{self.label} [{'#' * filled}{'.' * (25 - filled)}] {percent:3d}%", end="", file=sys.stderr)

    def done(self) -> None:
        print(file=sys.stderr)
