"""Where the files the package reads at run time are: the one place that knows.

The repository's top-level folders are the source of truth: `spec/` (the schemas, features.txt, the
prose specification, the adapter protocol) and `fixtures/` (the cases with their MANIFEST.json, the
invalid-file corpus). A wheel carries copies of them in `nam_reference/_data/` (setup.py copies them
when it builds); an editable install or a bare checkout reads the folders themselves. The expectation
files and the example adapters live inside the `conformance` package, in both cases.

A resource that is missing or unreadable is a broken installation, never the user's file:
`ResourceError` names it, and `nam-ref` and the suite report it as an internal error (exit code 3).
The environment variable NAM_CONFORMANCE_DATA names another folder holding `spec/` and `fixtures/`.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path

DATA_VARIABLE = "NAM_CONFORMANCE_DATA"


class ResourceError(RuntimeError):
    """A file the package ships is missing or unreadable: an installation problem."""


@functools.lru_cache(maxsize=None)
def data_root() -> Path:
    """The folder holding `spec/` and `fixtures/`."""
    override = os.environ.get(DATA_VARIABLE)
    if override:
        return Path(override)
    packaged = importlib.resources.files(__package__) / "_data"
    if packaged.is_dir():
        return _on_disk(packaged)
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "spec").is_dir() and (checkout / "fixtures").is_dir():
        return checkout
    raise ResourceError(f"{packaged}: the package's data folder is missing (reinstall nam-conformance)")


def spec_file(name: str) -> Path:
    """A file of the specification folder: `nam.schema.json`, `features.txt`, `nam-format.md`, ..."""
    return _existing(data_root() / "spec" / name)


def fixtures_dir() -> Path:
    """The fixture corpus: `MANIFEST.json`, `cases/`, `invalid/`."""
    return _existing(data_root() / "fixtures")


def fixture_file(*parts: str) -> Path:
    return _existing(fixtures_dir().joinpath(*parts))


@functools.lru_cache(maxsize=None)
def expectations_dir() -> Path:
    """The shipped expectation files (TOML), in the conformance package."""
    return _existing(_on_disk(importlib.resources.files("conformance") / "expectations"))


@functools.lru_cache(maxsize=None)
def adapters_dir() -> Path:
    """The example adapters, in the conformance package."""
    return _existing(_on_disk(importlib.resources.files("conformance") / "adapters"))


def read_text(path: Path) -> str:
    """A resource's text; a missing or unreadable one raises ResourceError naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{path}: the packaged file cannot be read ({exc})") from None


def _existing(path: Path) -> Path:
    if not path.exists():
        raise ResourceError(f"{path}: a file the package ships is missing (reinstall nam-conformance)")
    return path


def _on_disk(resource) -> Path:
    """A folder of the package as a real path: adapters are given file names, so a package imported
    from a zip archive has its data extracted once into a temporary folder."""
    if isinstance(resource, Path):
        return resource
    import atexit
    import shutil
    import tempfile

    target = Path(tempfile.mkdtemp(prefix="nam-conformance-")) / resource.name
    atexit.register(shutil.rmtree, target.parent, True)
    _copy(resource, target)
    return target


def _copy(resource, target: Path) -> None:
    if resource.is_dir():
        target.mkdir()
        for child in resource.iterdir():
            _copy(child, target / child.name)
    else:
        target.write_bytes(resource.read_bytes())
