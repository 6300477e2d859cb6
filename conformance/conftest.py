"""The conformance suite's pytest configuration: `pytest conformance --impl=...`.

Options, the implementation under test, the cases each check runs on, expectations, the statuses
of spec/adapter-protocol.md and the reports.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import platform
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

import nam_reference
from conformance import SUITE_VERSION, pytest_plugin
from conformance import cases as case_sources
from conformance import checks
from conformance import expectations as expectations_file
from conformance.adapters import (PROTOCOL_VERSION, DeadImplementation, HandshakeError, ImplementationError,
                                  NotApplicable, resolve)
from conformance.adapters.vitals import Vitals, kill_groups
from conformance.metrics import BLOCK_TOLERANCE, TIERS
from conformance.outcomes import BLOCKED, DEAD, NOT_APPLICABLE, LoadFailed, NotSupportedSkip, TypedSkip
from conformance.report import RECORD_KEY, TERMINAL_WIDTH, Collector
from conformance.session import Session
from generators import profiles
from nam_reference import schema
from nam_reference.features import registry
from nam_reference.resources import ResourceError

# The same examples for the same seed on every machine, whatever order the tests run in. The
# adapters left out are scripts run as programs, and the trainer's, loaded (when chosen) at the start.
profiles.preload("nam_reference", "generators", "conformance",
                 skip=("conformance.conftest", "conformance.adapters.reference_jsonl",
                       "conformance.adapters.render_tool", "conformance.adapters.trainer"))


def pytest_addoption(parser, pluginmanager):
    # The installed package's entry point has registered the options already; a checkout used
    # without installing it has not.
    if not pluginmanager.is_registered(pytest_plugin):
        pytest_plugin.pytest_addoption(parser)


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's plugin reads the seed
def pytest_configure(config):
    config.addinivalue_line("markers", "cases(kind): the kind of cases a check runs on")
    if config.getoption("help", False) or config.getoption("version", 0):
        return  # first contact: `pytest conformance --help` needs no implementation
    _choose_seed(config)
    if config.getoption("--impl") is None:
        raise pytest.UsageError("the conformance suite needs --impl (or NAM_CONFORMANCE_IMPL): "
                                "reference, an adapter .py file, package.module:factory, an executable or cmd:TEMPLATE")
    _check_packaged_data()
    try:
        config._nam_expectations = (expectations_file.load(config.getoption("--expectations"))
                                    if config.getoption("--expectations") else [])
    except (ValueError, OSError) as exc:  # includes TOML syntax errors
        raise pytest.UsageError(f"--expectations: {exc}") from None
    worker = hasattr(config, "workerinput")
    config._nam_run_dir = Path(config.workerinput["nam_run_dir"]) if worker else _run_dir(config)
    config._nam_vitals = Vitals(config._nam_run_dir / "dead")  # shared by the workers through the run's folder
    # Load failures of the cases' files, recorded once for every worker (conformance/session.py).
    config._nam_known_failures = config._nam_run_dir / "known"
    if not worker:  # the process that reports (the only one without xdist)
        config._nam_known_failures.mkdir(exist_ok=True)
        config._nam_collector = Collector()
        config._nam_header = _header(config)
        config.pluginmanager.register(_Reporting(config._nam_collector), "nam-conformance-reporting")
        if config.getoption("dist", "no") != "no":
            _close_implementation(config)  # the workers start their own


def _choose_seed(config) -> None:
    """The seed in force is always a real one: chosen here when the user gives none, handed to
    Hypothesis (and to every xdist worker), printed in the header and stored in the reports."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        if config.getoption("hypothesis_seed", None) is None and workerinput.get("nam_hypothesis_seed"):
            config.option.hypothesis_seed = workerinput["nam_hypothesis_seed"]
        return
    if config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(random.SystemRandom().randrange(2 ** 32))
        config._nam_seed_chosen = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: every worker gets the controller's seed and shares the run's folder (scratch files,
    the record of load failures and the dead flag)."""
    node.workerinput["nam_hypothesis_seed"] = node.config.getoption("hypothesis_seed", None)
    node.workerinput["nam_run_dir"] = str(node.config._nam_run_dir)


def _check_packaged_data() -> None:
    """Read what the suite takes from the package now: a missing or unreadable file (or an empty corpus)
    is a broken installation, reported as an internal error naming it before any check runs."""
    try:
        schema.schema(), registry(), case_sources.fixture_cases(), case_sources.invalid_cases()
    except ResourceError as exc:
        pytest.exit(f"internal error: {exc}", returncode=3)


def _run_dir(config) -> Path:
    """The folder of the run's temporary files: --keep-temp DIR, or a fresh one removed at the end."""
    keep = config.getoption("--keep-temp")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="nam-conformance-", dir=keep))
    return Path(tempfile.mkdtemp(prefix="nam-conformance-"))


def _resolve(config):
    """The implementation under test, started once per process (a usage error if it does not start
    in the reporting process; a dead implementation in an xdist worker)."""
    if getattr(config, "_nam_impl", None) is None:
        config._nam_impl = resolve(config.getoption("--impl"), capabilities_file=config.getoption("--capabilities"),
                                   call_timeout=config.getoption("--call-timeout"), workdir=config._nam_run_dir,
                                   vitals=config._nam_vitals)
    return config._nam_impl


def _close_implementation(config) -> None:
    impl, config._nam_impl = getattr(config, "_nam_impl", None), None
    if impl is not None:
        impl.close()


def pytest_unconfigure(config):
    """Stop the adapter (its whole process group) and remove the run's folder unless --keep-temp."""
    _close_implementation(config)
    run_dir = getattr(config, "_nam_run_dir", None)
    if run_dir is not None and not hasattr(config, "workerinput"):
        kill_groups(run_dir / "groups")  # what the workers' adapters left, however the workers ended
    if run_dir is not None and not hasattr(config, "workerinput") and not config.getoption("--keep-temp"):
        shutil.rmtree(run_dir, ignore_errors=True)


def _header(config) -> dict:
    try:
        impl = _resolve(config)
    except (HandshakeError, DeadImplementation) as exc:
        shutil.rmtree(config._nam_run_dir, ignore_errors=True)
        raise pytest.UsageError(f"the implementation did not start: {_one_line(exc)}") from None
    except (ImplementationError, SystemExit, ImportError, OSError, ValueError) as exc:
        shutil.rmtree(config._nam_run_dir, ignore_errors=True)
        raise pytest.UsageError(f"the implementation did not start: {type(exc).__name__}: {_one_line(exc)}") from None
    described = {"name": impl.name, "version": impl.version, "mode": impl.mode, "capabilities": impl.capabilities}
    return {
        "suite_version": SUITE_VERSION,
        "spec_version": nam_reference.SPEC_VERSION,
        "protocol_version": PROTOCOL_VERSION,
        "implementation": described,
        "required_tier": "approximate" if described.get("capabilities", {}).get("numerics") == "approximate" else "strict",
        "tiers": {k: dict(zip(("max_error", "esr", "mel_db"), v)) for k, v in TIERS.items()},
        "block_tolerance": BLOCK_TOLERANCE,
        "hypothesis_profile": os.environ.get("HYPOTHESIS_PROFILE", "dev"),
        "hypothesis_seed": _seed_value(config.getoption("hypothesis_seed", None)),
        "hypothesis_seed_chosen": getattr(config, "_nam_seed_chosen", False),
        "expectations": config.getoption("--expectations"),
        "models": config.getoption("--models"),
        "kept_temporary_files": str(config._nam_run_dir) if config.getoption("--keep-temp") else None,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "platform": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
                    f"NumPy {np.__version__}",
    }


def pytest_report_header(config):
    header = getattr(config, "_nam_header", None)
    if header is None:
        return None
    impl = header["implementation"]
    caps = impl.get("capabilities", {})
    lines = [
        f"nam-conformance {header['suite_version']}: spec {header['spec_version']}, "
        f"protocol {header['protocol_version']}",
        f"implementation: {impl.get('name')} {impl.get('version', '')} ({impl.get('mode', impl.get('error'))})",
    ]
    if caps:
        features = caps["features"] if caps["features"] == "all" else f"{len(caps['features'])} tags"
        lines.append(f"capabilities: features {features}, initial state {caps['initial_state']}, numerics "
                     f"{caps['numerics']}, reports {caps['reports'] or 'nothing'}, max block {caps['max_block']}, "
                     f"stateful {caps['stateful']}, set_size {caps['set_size']}"
                     + (f", approximations {', '.join(caps['approximations'])}" if caps.get("approximations") else ""))
        lines.append(f"unsupported features: {', '.join(caps.get('unsupported_features') or []) or 'none'}")
    lines.append(f"required tier: {header['required_tier']}; tiers "
                 + "; ".join(f"{k} {v}" for k, v in header["tiers"].items())
                 + f"; block tolerance {header['block_tolerance']}")
    chosen = " (chosen for this run)" if header["hypothesis_seed_chosen"] else ""
    lines.append(f"hypothesis profile {header['hypothesis_profile']}, seed {header['hypothesis_seed']}{chosen}: "
                 f"--hypothesis-seed={header['hypothesis_seed']} draws the same files again")
    return lines


def _seed_value(seed):
    try:
        return int(seed)
    except (TypeError, ValueError):
        return seed


# Cases and parametrisation.

@functools.lru_cache(maxsize=None)
def _valid_cases(models: tuple) -> list:
    return case_sources.fixture_cases() + case_sources.model_cases(list(models))


CASE_KINDS = {
    "all": lambda c: True,
    "finite_rf": lambda c: c.receptive_field is not None,
    "slimmable": lambda c: c.model.slimmable,
}
QUICK = "quick"  # the Hypothesis profile that also runs each check on one case per architecture


def _quick(cases: list, key) -> list:
    """One case for each value of `key`: the one with the smallest model file."""
    chosen: dict = {}
    for case in cases:
        k = key(case)
        if k not in chosen or _size(case) < _size(chosen[k]):
            chosen[k] = case
    return [c for c in cases if any(c is v for v in chosen.values())]


def _size(case) -> int:
    path = getattr(case, "model_path", None) or case.path
    return path.stat().st_size


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("cases")
        kind = marker.args[0] if marker else "all"
        chosen = valid_cases(metafunc.config, kind)
        metafunc.parametrize("case", chosen, ids=[c.id for c in chosen])
    if "invalid_case" in metafunc.fixturenames:
        invalid = case_sources.invalid_cases()
        if os.environ.get("HYPOTHESIS_PROFILE") == QUICK:
            invalid = _quick(invalid, lambda c: c.error_class)
        metafunc.parametrize("invalid_case", invalid, ids=[c.id for c in invalid])


def valid_cases(config, kind: str = "all") -> list:
    cases = [c for c in _valid_cases(tuple(config.getoption("--models"))) if CASE_KINDS[kind](c)]
    if os.environ.get("HYPOTHESIS_PROFILE") == QUICK:
        return _quick(cases, lambda c: c.model.architecture)
    return cases


@pytest.fixture(scope="session")
def session(request) -> Session:
    config = request.config
    try:
        impl = _resolve(config)
    except ImplementationError as exc:  # it started in the reporting process, not here: it is dead
        config._nam_vitals.declare_dead(f"it did not start in this worker: {_one_line(exc)}")
        raise DeadImplementation(config._nam_vitals.cause) from None
    yield Session(impl, {
        "save_failures": config.getoption("--save-failures")
        or str(Path(config.invocation_params.dir) / pytest_plugin.DEFAULT_SAVE_FOLDER),
        "plots": config.getoption("--plots"),
        "run_dir": config._nam_run_dir,
        "known_failures": str(config._nam_known_failures),
    })
    _close_implementation(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Once the implementation is dead (here or in another worker), the remaining checks are not run."""
    item.config._nam_vitals.check()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:500] if text else type(exc).__name__


@pytest.fixture
def record(request) -> dict:
    """The check's record for the reports: check, case, features, clauses, metrics, notes. The check
    and its clauses are the test's declaration in conformance/checks.py."""
    check = checks.of_test(request.node.originalname)
    rec = {"check": check.name, "clauses": list(check.tests[request.node.originalname])} if check else {"clauses": []}
    request.node._nam_record = rec
    return rec


# Expectations, statuses and reports.

def pytest_collection_modifyitems(config, items):
    rerun = config.getoption("--rerun-case")
    keep = [item for item in items if (item.originalname == "test_saved_case") == bool(rerun)]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    entries = config._nam_expectations
    for item in items:
        test_id = expectations_file.normalise_id(item.nodeid)
        # Entries for dialects decide after the run: only a failure explained by them is expected.
        item._nam_dialect_expectations = [e for e in entries if e.explained_by and e.matches(test_id)]
        for entry in item._nam_dialect_expectations:
            entry.matched += 1
        for entry in entries:
            if not entry.explained_by and entry.matches(test_id):
                entry.matched += 1
                if entry.status == "skip":
                    item.add_marker(pytest.mark.skip(reason=f"expectations: {entry.reason}"))
                else:
                    item.add_marker(pytest.mark.xfail(reason=f"expectations: {entry.reason}", strict=False))
                item._nam_expected = entry.reason
                break


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    rec = dict(getattr(item, "_nam_record", {}))
    if getattr(item, "_nam_expected", None):
        rec["expected"] = item._nam_expected
    if call.excinfo is not None:
        _outcome(item, call.excinfo.value, report, rec)
    if report.failed and report.when == "call" and rec.get("case_folder"):
        report.sections.append(("nam-conformance case", f"case {rec['case_folder']}; clauses "
                                + " ".join(f"[{c}]" for c in rec.get("clauses", []))))
    if report.failed and report.when == "call" and rec.get("explained_by"):
        entry = next((e for e in getattr(item, "_nam_dialect_expectations", ()) if e.explains(rec["explained_by"])),
                     None)
        if entry is not None:  # what pytest records for an expected failure
            report.outcome, report.wasxfail = "skipped", f"expectations: {entry.reason}"
    if rec:
        report.user_properties.append((RECORD_KEY, json.dumps(rec, default=_json_default)))


def _outcome(item, exc: BaseException, report, rec: dict) -> None:
    """The typed outcome of a check that raised, and the reason apart from it, in its record (the
    reports count these; the status before the reason in pytest's skip message is for its readers)."""
    if isinstance(exc, NotApplicable):  # the adapter mode cannot take part
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"{NOT_APPLICABLE}: {exc}")
        rec["outcome"], rec["reason"] = NOT_APPLICABLE, str(exc)
    elif isinstance(exc, DeadImplementation) or (  # pytest turns a SkipTest into a plain skip
            isinstance(exc, pytest.skip.Exception) and item.config._nam_vitals.cause is not None):
        # not run, whichever phase found the implementation dead
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, str(exc))
        dead = exc if isinstance(exc, DeadImplementation) else DeadImplementation(item.config._nam_vitals.cause)
        rec["outcome"], rec["reason"] = DEAD, dead.reason
    elif isinstance(exc, TypedSkip):
        report.longrepr = (str(item.path), item.location[1] or 0, f"{exc.status}: {exc.reason}")
        rec["outcome"], rec["reason"] = exc.status, exc.reason
        if isinstance(exc, NotSupportedSkip):
            rec["missing"] = exc.missing
    elif isinstance(exc, LoadFailed):
        rec["load_failure"] = exc.cause
        if exc.cause["kind"] == "crash":
            rec["error"] = True  # a crash is an error of the implementation, never a failure
        if exc.cause["file"] == rec.get("model_file") and checks.problem_of(rec.get("check")) != checks.REFUSED \
                and not hasattr(report, "wasxfail"):
            # The case's own file did not load: a problem of its own, recorded once; this check is blocked by it.
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"{BLOCKED}: {exc.msg}")
            rec["outcome"], rec["reason"] = BLOCKED, exc.msg
    elif isinstance(exc, ImplementationError):
        rec["error"] = True
        rec["error_kind"] = type(exc).__name__  # CallTimeout, AdapterCrashed, WrongLength...
    notes = getattr(exc, "__notes__", None)
    if notes and report.failed:  # Hypothesis's falsifying example, which a short traceback leaves out
        report.sections.append(("Hypothesis", "\n".join(str(n) for n in notes)))


def _json_default(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


class _Reporting:
    """Receives every test report (from xdist workers too) in the reporting process."""

    def __init__(self, collector: Collector):
        self.collector = collector

    def pytest_runtest_logreport(self, report):
        self.collector.add(report)


def pytest_sessionfinish(session, exitstatus):
    """Whether every collected test ran; a run that is incomplete, or that has problems pytest does
    not count as failures (a generated file refused, say), exits non-zero."""
    collector = getattr(session.config, "_nam_collector", None)
    if collector is None or session.config.option.collectonly:
        return
    collector.collected = session.testscollected
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        collector.stopped = "interrupted"
    elif isinstance(session.shouldstop, str) and session.shouldstop:
        collector.stopped = session.shouldstop
    elif isinstance(session.shouldfail, str) and session.shouldfail:
        collector.stopped = session.shouldfail
    dead = (session.config._nam_run_dir / "dead").exists()  # the implementation died: not a success
    if collector.records and session.exitstatus == pytest.ExitCode.OK and (
            dead or collector.incomplete() or any(p["expected"] is not True for p in collector.problems())):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    collector = getattr(config, "_nam_collector", None)
    if collector is None or not (collector.records or collector.incomplete()):
        return
    tr = terminalreporter
    if config.getoption("--keep-temp"):
        tr.write_line(f"Temporary files kept in {config._nam_run_dir}")
    # From the reports, not from collection: under xdist the reporting process collects nothing.
    ran = [expectations_file.normalise_id(r["id"]) for r in collector.records]
    stale = [e for e in config._nam_expectations if not any(e.matches(test_id) for test_id in ran)]
    xpassed = [r["id"] for r in collector.records if r["status"] == "XPASS"]
    verdict = collector.verdict()
    tr.write_sep("=", "nam-conformance problems (each cause once, most severe first)")
    tr.write_line(collector.problems_text())
    tr.write_sep("=", "nam-conformance matrix")
    tr.write_line(collector.matrix(width=min(tr._tw.fullwidth, TERMINAL_WIDTH)))
    timings = collector.timing_table()
    skipped = collector.skipped()
    if skipped:
        tr.write_line("")
        tr.write_line("Tests that did not run to their end:")
        for line in skipped:
            tr.write_line(f"  {line}")
    tr.write_line("")
    tr.write_line(collector.pytest_totals() + ".")
    if stale:
        tr.write_line("")
        tr.write_line("Stale expectations (they match no test):")
        for e in stale:
            tr.write_line(f"  {e.id}  ({e.reason})")
    if xpassed:
        tr.write_line("")
        tr.write_line("Expected failures that passed (their expectations are stale):")
        for test_id in xpassed:
            tr.write_line(f"  {test_id}")
    header = dict(config._nam_header, stale_expectations=[e.id for e in stale])
    if config.getoption("--report-json"):
        path = Path(config.getoption("--report-json"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(collector.json_report(header), indent=1, default=_json_default))
        tr.write_line(f"JSON report: {path}")
    if config.getoption("--report-md"):
        path = Path(config.getoption("--report-md"))
        path.parent.mkdir(parents=True, exist_ok=True)
        impl = header["implementation"]
        skipped_md = "\n".join(f"- {line}" for line in skipped) or "None."
        path.write_text(f"# Conformance of {impl.get('name')} {impl.get('version', '')}\n\n"
                        f"{verdict}\n\nSuite {header['suite_version']}, spec {header['spec_version']}, "
                        f"{impl.get('mode')}, Hypothesis seed {header['hypothesis_seed']}, {header['date']}.\n\n"
                        f"## Problems\n\n{collector.problems_text()}\n\n"
                        f"## Matrix\n\n{collector.matrix()}\n\n"
                        f"## Tests that did not run to their end\n\n{skipped_md}\n\n{collector.pytest_totals()}.\n\n"
                        f"## Timing (informational)\n\n{timings or '(no renders)'}\n")
        tr.write_line(f"Markdown report: {path}")
    tr.write_sep("=", verdict)
