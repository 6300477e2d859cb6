"""The suite's pytest plugin, registered by the installed package's `pytest11` entry point.

It adds the suite's options, so that `pytest --pyargs conformance --impl=...` can parse them, and with
`--pyargs` it has pytest load the suite's conftest.py before the session starts, as it does for a
path. Everything else lives in conformance/conftest.py, which only a run of the suite loads: any
other test run, the project's own `pytest tests` among them, just sees a few more options.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

DEFAULT_SAVE_FOLDER = "nam-conformance-failures"  # under the current folder, when --save-failures is not given


def pytest_addoption(parser):
    group = parser.getgroup("nam-conformance")
    group.addoption("--impl", default=os.environ.get("NAM_CONFORMANCE_IMPL"),
                    help="implementation under test: reference, path/to/adapter.py, package.module:factory, "
                         "an executable speaking JSON lines, or cmd:TEMPLATE (env NAM_CONFORMANCE_IMPL)")
    group.addoption("--capabilities", default=None, help="JSON file declaring capabilities (required for cmd:)")
    group.addoption("--expectations", default=None,
                    help="TOML file of known failures by test id, or a shipped profile by name "
                         "(namcore-0.5, trainer)")
    group.addoption("--call-timeout", type=float, default=10.0,
                    help="seconds allowed per adapter call, plus 1 ms per frame of audio; start-up gets three times "
                         "as long (spec/adapter-protocol.md section 6)")
    group.addoption("--keep-temp", default=None, metavar="DIR",
                    help="keep the run's temporary files (models, audio, adapter scratch) in DIR instead of removing them")
    group.addoption("--models", action="append", default=[],
                    help="a folder of extra .nam files to check against the reference (repeatable)")
    group.addoption("--report-json", default=None, help="write the JSON report here")
    group.addoption("--report-md", default=None, help="write the Markdown matrix, verdict and timings here")
    group.addoption("--save-failures", default=None,
                    help=f"write each shrunk failing generated case here as a case folder (default {DEFAULT_SAVE_FOLDER})")
    group.addoption("--rerun-case", action="append", default=[], metavar="FOLDER",
                    help="run only the saved failing case (or fixture case) in FOLDER against the implementation "
                         "(repeatable)")
    group.addoption("--plots", default=None, help="write a PNG for each numerical failure here (needs matplotlib)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    # pytest loads a package named by --pyargs only while collecting, too late for the conftest's
    # report header and session set-up; given as the package's folder, it is loaded first.
    namespace = early_config.known_args_namespace
    if namespace.pyargs:
        namespace.file_or_dir = [_suite_folder(arg) for arg in namespace.file_or_dir]


def _suite_folder(arg: str) -> str:
    """The file or folder of `conformance` or one of its modules; any other argument unchanged."""
    name = arg.split("::")[0]
    if name != "conformance" and not name.startswith("conformance."):
        return arg
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return arg
    if found is None or not found.origin:
        return arg
    return os.path.dirname(found.origin) if found.submodule_search_locations else found.origin
