"""Hypothesis generators for `.nam` files and the fixture corpus.

    from generators import nam_files, invalid_nam_files, rf_probe_files, signals, block_sequences

Importing this package registers the Hypothesis profiles `quick`, `dev`, `ci` and `thorough` and loads the
one named by HYPOTHESIS_PROFILE (default `dev`). `python -m generators emit` writes reproducible
cases; `python -m generators fixtures` rebuilds `fixtures/cases/`.
"""

from __future__ import annotations

from . import profiles
from .strategies import block_sequences, configs, invalid_nam_files, nam_files, rf_probe_files, signals

profiles.register()
profiles.load_from_environment()

__all__ = ["block_sequences", "configs", "invalid_nam_files", "nam_files", "rf_probe_files", "signals"]
