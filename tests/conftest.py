"""Shared test helpers: where the shared example models and oracle outputs are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NAM_SHARED_DIR", ROOT.parent / "shared"))
SHARED_MODELS = sorted((SHARED / "models").glob("*.nam")) if SHARED.is_dir() else []


def shared_path(*parts: str) -> Path:
    """A file under ../shared; the test is skipped (with the reason) when ../shared is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared example models are not beside the checkout ({SHARED} is absent)")
    return SHARED.joinpath(*parts)
