"""Reports: per-test records, the JSON report, the conformance matrix, the verdict and the timings."""

from __future__ import annotations

import collections
import json
import statistics

from nam_reference.features import registry

PASS, FAIL, ERROR, WARNING = "PASS", "FAIL", "ERROR", "WARNING"
NOT_SUPPORTED, NOT_APPLICABLE, SKIP, XFAIL, XPASS = "NOT SUPPORTED", "NOT APPLICABLE", "SKIP", "XFAIL", "XPASS"
DEAD = "DEAD"  # not run: the implementation timed out or crashed three times in a row (adapters.DeadImplementation)
RECORD_KEY = "nam_conformance"


def status_of(report, record: dict) -> str:
    """The suite's status for one pytest report of a test (setup or call phase)."""
    if report.skipped:
        if hasattr(report, "wasxfail"):
            return XFAIL
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(NOT_SUPPORTED):
            return NOT_SUPPORTED
        if reason.startswith(NOT_APPLICABLE):
            return NOT_APPLICABLE
        if reason.startswith(DEAD):
            return DEAD
        return SKIP
    if report.passed:
        if hasattr(report, "wasxfail"):
            return XPASS
        return WARNING if record.get("warning") else PASS
    return ERROR if record.get("error") or report.when == "setup" else FAIL


def skip_reason(report) -> str:
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return ""


def failure_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    return text.strip().splitlines()[0][:400] if text.strip() else ""


class Collector:
    """Builds the records in the process that runs pytest's reporting (the xdist controller)."""

    def __init__(self):
        self.records: list[dict] = []

    def add(self, report) -> None:
        if report.when == "teardown" and not report.failed:
            return
        if report.when == "setup" and report.passed:
            return
        record = dict(next((json.loads(v) for k, v in report.user_properties if k == RECORD_KEY), {}))
        record.setdefault("check", _check_name(report.nodeid))
        record["id"] = report.nodeid
        record["status"] = status_of(report, record)
        if record["status"] in (NOT_SUPPORTED, NOT_APPLICABLE, SKIP, XFAIL, DEAD):
            record["message"] = skip_reason(report) if record["status"] != XFAIL else str(report.wasxfail)
        elif record["status"] in (FAIL, ERROR):
            record["message"] = failure_message(report)
        record["duration"] = round(report.duration, 4)
        self.records.append(record)

    def counts(self) -> collections.Counter:
        return collections.Counter(r["status"] for r in self.records)

    def verdict(self) -> str:
        counts = self.counts()
        failed = counts[FAIL] + counts[ERROR]
        ran = counts[PASS] + counts[WARNING] + counts[XFAIL] + counts[XPASS] + failed
        unsupported = sorted({f for r in self.records if r["status"] == NOT_SUPPORTED
                              for f in r.get("missing", [])})
        # Failures whose output is a dialect's ([DIALECT-4]) are still failures; the count says how many.
        explained = sum(1 for r in self.records if r["status"] == FAIL and r.get("explained_by"))
        failed_text = f"{counts[FAIL]} failed" + (f" ({explained} matching a divergence of section 20)" if explained else "")
        summary = (f"{counts[PASS]} passed, {counts[WARNING]} warnings, {failed_text}, {counts[ERROR]} errors, "
                   f"{counts[XFAIL]} expected failures, {counts[NOT_SUPPORTED]} not supported, "
                   f"{counts[NOT_APPLICABLE]} not applicable")
        if counts[DEAD]:
            return f"VERDICT: INCOMPLETE ({counts[DEAD]} not run: the implementation is dead; {summary})"
        if ran == 0:
            return f"VERDICT: NO CHECK RAN ({summary})"
        if failed:
            return f"VERDICT: NOT CONFORMANT ({summary})"
        label = "CONFORMANT WITH WARNINGS" if counts[WARNING] or counts[XFAIL] else "CONFORMANT"
        scope = f"; features not supported: {', '.join(unsupported)}" if unsupported else ""
        return f"VERDICT: {label} ({summary}){scope}"

    def matrix(self) -> str:
        """Markdown: one row per feature, one column per check; cells count statuses."""
        checks = sorted({r["check"] for r in self.records})
        cells: dict = collections.defaultdict(collections.Counter)
        for r in self.records:
            for feature in r.get("features") or ["(file level)"]:
                cells[(feature, r["check"])][r["status"]] += 1
        order = {tag: i for i, tag in enumerate(registry())}
        features = sorted({f for f, _ in cells}, key=lambda f: (order.get(f, -1), f))
        lines = ["| feature | " + " | ".join(checks) + " |", "|---" * (len(checks) + 1) + "|"]
        for feature in features:
            lines.append(f"| {feature} | " + " | ".join(_cell(cells.get((feature, c))) for c in checks) + " |")
        lines.append("")
        lines.append("Cells: passed/run; ✗ failed, E error, W warning, x expected failure, NS not supported, "
                     "NA not applicable.")
        return "\n".join(lines)

    def timing_table(self) -> str:
        """Informational: processing time over audio duration, per case and block length."""
        rows = collections.defaultdict(list)
        for r in self.records:
            for block, samples, seconds in r.get("timings", []):
                if samples >= 1024:
                    rows[(r.get("case") or "?", block)].append(seconds / (samples / r.get("sample_rate", 48000.0)))
        if not rows:
            return ""
        lines = ["| case | block | real-time factor (median) | renders |", "|---|---|---|---|"]
        for (case, block), values in sorted(rows.items()):
            lines.append(f"| {case} | {block or 'whole'} | {statistics.median(values):.4f} | {len(values)} |")
        return "\n".join(lines)

    def json_report(self, header: dict) -> dict:
        return {"header": header, "verdict": self.verdict(), "counts": dict(self.counts()), "results": self.records}


def _cell(counter: collections.Counter | None) -> str:
    if not counter:
        return "–"
    run = sum(counter[s] for s in (PASS, WARNING, FAIL, ERROR, XFAIL, XPASS))
    good = counter[PASS] + counter[WARNING] + counter[XPASS]
    parts = [f"{good}/{run}"] if run else []
    for status, mark in ((FAIL, "✗"), (ERROR, "E"), (WARNING, "W"), (XFAIL, "x")):
        if counter[status]:
            parts.append(f"{counter[status]}{mark}")
    if not run:
        parts.append("NS" if counter[NOT_SUPPORTED] else "NA" if counter[NOT_APPLICABLE] else
                     "dead" if counter[DEAD] else "skip")
    return " ".join(parts)


def _check_name(nodeid: str) -> str:
    name = nodeid.split("::")[-1].split("[")[0]
    return name.removeprefix("test_")
