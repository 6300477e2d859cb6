"""Reports: per-test records, the problems they come down to, the JSON report, the conformance
matrix, the verdict and the timings.

A problem is one cause, listed once however many checks it fails or blocks: a valid file refused,
invalid files accepted (by the clause they break), a numerical disagreement (by case, at the first
check that shows it), a crash or hang, a wrong fact. The verdict counts problems and tests, and says
INCOMPLETE for a run that did not run every test it collected.
"""

from __future__ import annotations

import collections
import json
import os
import re
import statistics

from conformance.expectations import normalise_id
from nam_reference import SPEC_VERSION
from nam_reference.features import ARCHITECTURE_TAGS, registry

from .checks import BY_NAME, DISAGREEMENT, INVALID_ACCEPTED, REFUSED, WRONG_FACT, of_test, problem_of, rank
from .outcomes import (BLOCKED, DEAD, ERROR, FAIL, NOT_APPLICABLE, NOT_SUPPORTED, PASS, RAN, SKIP, WARNING, XFAIL,
                       XPASS)

RECORD_KEY = "nam_conformance"
CRASH = "crash or hang"
SEVERITY = (REFUSED, INVALID_ACCEPTED, DISAGREEMENT, CRASH, WRONG_FACT)
ARCHITECTURES = {tag: name for name, tag in ARCHITECTURE_TAGS.items()}  # feature tag -> architecture
TERMINAL_WIDTH = 120
SAVED = re.compile(r"saved failing case: (\S+)")  # helpers.saved_to writes it into the failure message


def status_of(report, record: dict) -> str:
    """The suite's status for one pytest report of a test (setup or call phase), from its typed outcome."""
    if report.when == "???":  # pytest-xdist: the worker process died while running the test
        return ERROR
    if report.skipped:
        if hasattr(report, "wasxfail"):
            return XFAIL
        return record.get("outcome", SKIP)
    if report.passed:
        if hasattr(report, "wasxfail"):  # a generated check whose files were refused still shows its expected problem
            return XFAIL if record.get("refusals") else XPASS
        return WARNING if record.get("warning") else PASS
    return ERROR if record.get("error") or report.when == "setup" else FAIL


def skip_reason(report) -> str:
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return ""


def failure_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    return text.strip().splitlines()[0].removeprefix("Failed: ")[:400] if text.strip() else ""


class Collector:
    """Builds the records in the process that runs pytest's reporting (the xdist controller)."""

    def __init__(self):
        self.records: list[dict] = []
        self.collected: int | None = None  # tests selected to run (set at the end of the session)
        self.stopped: str | None = None  # why the run stopped early, if it did

    def add(self, report) -> None:
        if report.when == "teardown" and not report.failed:
            return
        if report.when == "setup" and report.passed:
            return
        record = dict(next((json.loads(v) for k, v in report.user_properties if k == RECORD_KEY), {}))
        record.setdefault("check", _check_name(report.nodeid))  # a test that failed before its record
        record["id"] = normalise_id(report.nodeid)
        record["status"] = status_of(report, record)
        reason = record.pop("reason", None)  # a typed outcome's reason, without its status
        if record["status"] in (NOT_SUPPORTED, NOT_APPLICABLE, BLOCKED, SKIP, XFAIL, DEAD):
            record["message"] = str(report.wasxfail) if record["status"] == XFAIL else reason or skip_reason(report)
            if record["status"] == XFAIL and failure_message(report):
                record["failure"] = failure_message(report)
        elif record["status"] in (FAIL, ERROR):
            record["message"] = failure_message(report)
        saved = SAVED.search(str(report.longrepr or "")) if record["status"] in (FAIL, ERROR, XFAIL) else None
        if saved:
            record["saved"] = saved.group(1)
        if report.when == "???":
            record["worker_crash"] = True
        record["duration"] = round(report.duration, 4)
        self.records.append(record)

    def counts(self) -> collections.Counter:
        return collections.Counter(r["status"] for r in self.records)

    # Completeness.

    def not_run(self) -> int:
        done = len({r["id"] for r in self.records})
        return max(0, (self.collected or 0) - done)

    def incomplete(self) -> str | None:
        """Why the run is incomplete, or None when every collected test ran."""
        missing = self.not_run()
        dead = [r for r in self.records if r["status"] == DEAD]
        if dead:  # the implementation timed out or crashed three times in a row (adapters.DeadImplementation)
            why = dead[0].get("message", "the implementation is dead")
            return f"{missing + len(dead)} of {self.collected or len(self.records)} tests not run: {why[:240]}"
        if not missing and not self.stopped:
            return None
        crashed = sum(1 for r in self.records if r.get("worker_crash"))
        why = self.stopped or (f"{crashed} worker processes crashed" if crashed else "the run ended early")
        return f"{missing} of {self.collected} tests not run: {why}"

    # Problems.

    def problems(self) -> list[dict]:
        """Each distinct problem once, most severe first."""
        found: list[dict] = []
        found += _load_problems(self.records)
        found += _grouped(self.records, INVALID_ACCEPTED,
                          lambda r: _failed(r) and problem_of(r["check"]) == INVALID_ACCEPTED
                          and "load_failure" not in r,
                          lambda r: r.get("breaks") or (r.get("clauses") or ["?"])[-1])
        found += _grouped(self.records, WRONG_FACT,
                          lambda r: _failed(r) and problem_of(r["check"]) == WRONG_FACT
                          and "load_failure" not in r,
                          lambda r: r["id"].split("::")[-1].split("[")[0])
        found += _grouped(self.records, DISAGREEMENT,
                          lambda r: _failed(r) and "load_failure" not in r
                          and problem_of(r["check"]) not in (INVALID_ACCEPTED, WRONG_FACT),
                          _case_key, primary_first=True)
        found += _grouped(self.records, CRASH,
                          lambda r: r["status"] == ERROR and "load_failure" not in r, _case_key, primary_first=True)
        return sorted(found, key=lambda p: SEVERITY.index(p["kind"]))

    # The verdict.

    def verdict(self) -> str:
        counts = self.counts()
        problems = self.problems()
        open_problems = [p for p in problems if p["expected"] is not True]
        covered = len(problems) - len(open_problems)
        ran = sum(counts[s] for s in RAN)
        # Failures whose output is a dialect's ([DIALECT-4]) are still failures; the count says how many.
        explained = sum(1 for r in self.records if r["status"] == FAIL and r.get("explained_by"))
        failed = f"{counts[FAIL]} failed" + (f" ({explained} matching a divergence of section 20)" if explained else "")
        tests = (f"{len(self.records)} tests: {counts[PASS]} passed, {counts[WARNING]} warnings, {failed}, "
                 f"{counts[ERROR]} errors, {counts[XFAIL]} expected failures, {counts[BLOCKED]} blocked, "
                 f"{counts[NOT_SUPPORTED]} not supported, {counts[NOT_APPLICABLE]} not applicable")
        found = (f"{_plural(len(open_problems), 'problem')}"
                 + (f" and {covered} covered by expectations" if covered else ""))
        incomplete = self.incomplete()
        if incomplete:
            return f"VERDICT: INCOMPLETE ({incomplete}; so far {found}; {tests})"
        if ran == 0 and not problems:
            return f"VERDICT: NO CHECK RAN ({tests})"
        if open_problems:
            return f"VERDICT: NOT CONFORMANT ({found}; {tests}){self._unsupported_note()}"
        label = "CONFORMANT WITH WARNINGS" if counts[WARNING] or counts[XFAIL] or covered else "CONFORMANT"
        return f"VERDICT: {label} {self.coverage()} ({found}; {tests})"

    def coverage(self) -> str:
        """What a conformant verdict covers: all of the spec, or the architectures exercised and the
        features not supported."""
        ran = {f for r in self.records if r["status"] in RAN for f in r.get("features", ())}
        unsupported = self.unsupported()
        if not unsupported and set(ARCHITECTURES) <= ran:
            return f"for all of spec {SPEC_VERSION}"
        # An architecture the implementation does not claim runs only in fail_closed (a refusal): not covered.
        architectures = [name for tag, name in ARCHITECTURES.items() if tag in ran and tag not in unsupported]
        scope = f"for {', '.join(architectures) if architectures else 'no architecture'}"
        return scope + self._unsupported_note()

    def unsupported(self) -> list[str]:
        return sorted({f for r in self.records if r["status"] == NOT_SUPPORTED for f in r.get("missing", [])})

    def _unsupported_note(self) -> str:
        unsupported = self.unsupported()
        return f"; features not supported: {', '.join(unsupported)}" if unsupported else ""

    def skipped(self) -> list[str]:
        """How many tests did not run to their end, and why."""
        lines = []
        by_status = collections.defaultdict(list)
        for r in self.records:
            if r["status"] in (BLOCKED, NOT_SUPPORTED, NOT_APPLICABLE, SKIP):
                by_status[r["status"]].append(r)
        if by_status[BLOCKED]:
            lines.append(f"{len(by_status[BLOCKED])} blocked by a problem listed above (its file did not load)")
        if by_status[NOT_SUPPORTED]:
            missing = collections.Counter(f for r in by_status[NOT_SUPPORTED] for f in r.get("missing", ["?"]))
            lines.append(f"{len(by_status[NOT_SUPPORTED])} not supported (a feature the implementation does not "
                         f"claim): " + ", ".join(f"{f} {n}" for f, n in missing.most_common()))
        for status, what in ((NOT_APPLICABLE, "not applicable"), (SKIP, "skipped")):
            if by_status[status]:
                reasons = collections.Counter(_shape(r.get("message", "")) for r in by_status[status])
                lines.append(f"{len(by_status[status])} {what}: " + "; ".join(
                    f"{n}× {reason}" for reason, n in reasons.most_common(6))
                    + (f"; {len(reasons) - 6} other reasons" if len(reasons) > 6 else ""))
        return lines

    def pytest_totals(self) -> str:
        """How pytest's own totals map onto the suite's statuses."""
        counts = self.counts()
        passed = counts[PASS] + counts[WARNING] + counts[XPASS]
        skipped = counts[BLOCKED] + counts[NOT_SUPPORTED] + counts[NOT_APPLICABLE] + counts[SKIP]
        return (f"pytest counts {passed} passed ({counts[WARNING]} of them warnings, {counts[XPASS]} unexpected "
                f"passes), {counts[FAIL] + counts[ERROR]} failed or errors ({counts[ERROR]} of them errors of the "
                f"implementation: crashes, hangs, garbage), {skipped} skipped ({counts[BLOCKED]} blocked, "
                f"{counts[NOT_SUPPORTED]} not supported, {counts[NOT_APPLICABLE]} not applicable) and "
                f"{counts[XFAIL]} xfailed; the verdict counts each cause once as a problem, however many tests "
                f"it fails or blocks")

    # Texts.

    def problems_text(self) -> str:
        problems = self.problems()
        if not problems:
            return "No problems."
        lines = []
        for i, p in enumerate(problems, 1):
            expected = {True: "covered by expectations", False: "not covered by expectations",
                        "partly": "partly covered by expectations"}[p["expected"]]
            lines.append(f"{i}. {p['kind']}: {p['title']} {' '.join(f'[{c}]' for c in p['clauses'])} ({expected})")
            lines.append(f"   where: {', '.join(p['where'][:6])}" + (f" and {len(p['where']) - 6} more"
                                                                        if len(p['where']) > 6 else ""))
            if p.get("message") and not p["blocking"]:
                lines.append(f"   {p['message'][:300]}")
            lines.append(f"   shown by: {p['tests'][0]}" + (f" and {len(p['tests']) - 1} more" if len(p["tests"]) > 1
                                                             else ""))
            if p["consequences"]:
                checks = collections.Counter(c["check"] for c in p["consequences"])
                verb = "blocks" if p["kind"] == REFUSED or p.get("blocking") else "also fails"
                lines.append(f"   {verb} {len(p['consequences'])} more: "
                             + ", ".join(f"{check} ×{n}" if n > 1 else check for check, n in checks.most_common()))
        return "\n".join(lines)

    def matrix(self, width: int | None = None) -> str:
        """One row per feature, one column per check; cells count statuses. Markdown, or with `width`
        plain columns split into as many tables as fit that width."""
        checks = sorted({r["check"] for r in self.records})
        cells: dict = collections.defaultdict(collections.Counter)
        for r in self.records:
            for feature in r.get("features") or ["(file level)"]:
                cells[(feature, r["check"])][r["status"]] += 1
        order = {tag: i for i, tag in enumerate(registry())}
        features = sorted({f for f, _ in cells}, key=lambda f: (order.get(f, -1), f))
        legend = ("Cells: passed/run; ✗ failed, E error, W warning, x expected failure, B blocked, "
                  "NS not supported, NA not applicable.")
        rows = {f: [_cell(cells.get((f, c))) for c in checks] for f in features}
        if width is None:
            lines = ["| feature | " + " | ".join(checks) + " |", "|---" * (len(checks) + 1) + "|"]
            lines += [f"| {f} | " + " | ".join(rows[f]) + " |" for f in features]
            verified = [f"- {c}: {BY_NAME[c].verifies}" for c in checks if c in BY_NAME]
            return "\n".join(lines + ["", legend] + (["", "What each check verifies:", *verified] if verified else []))
        first = max(len("feature"), *(len(f) for f in features)) if features else 7
        widths = [max(len(c), *(len(rows[f][i]) for f in features)) for i, c in enumerate(checks)]
        tables, group, used = [], [], first
        for i, w in enumerate(widths):
            if group and used + 2 + w > width:
                tables.append(group)
                group, used = [], first
            group.append(i)
            used += 2 + w
        tables.append(group)
        lines = []
        for group in tables:
            lines.append(f"{'feature':{first}}" + "".join(f"  {checks[i]:>{widths[i]}}" for i in group))
            lines += [f"{f:{first}}" + "".join(f"  {rows[f][i]:>{widths[i]}}" for i in group) for f in features]
            lines.append("")
        return "\n".join(lines + [legend])

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
        return {"header": header, "verdict": self.verdict(), "complete": self.incomplete() is None,
                "not_run": self.not_run(), "counts": dict(self.counts()), "problems": self.problems(),
                "results": self.records}


def _load_problems(records: list[dict]) -> list[dict]:
    """A valid file that did not load (refused, or a crash while loading): one problem per file and
    refusal message, with the checks it blocked. A file a check wrote from a case (a rewritten form,
    a scaled copy) refused as the case's own file was adds to the case's problem; a generated file
    refused with the message of a file already listed adds to that problem."""
    groups: dict = {}

    def group(key, failure, where, generated=False) -> dict:
        return groups.setdefault(key, {"kind": failure["kind"], "refusal": failure["refusal"], "where": [where],
                                       "message": failure["message"], "records": [], "generated": generated})

    failed = [r for r in records if r.get("load_failure")]
    for r in failed:
        failure = r["load_failure"]
        if failure["file"] == r.get("model_file"):
            group((failure["kind"], r.get("case_folder"), failure["refusal"]), failure, r.get("case_folder"))[
                "records"].append(r)
    for r in failed:
        failure = r["load_failure"]
        if failure["file"] != r.get("model_file"):
            own = groups.get((failure["kind"], r.get("case_folder"), failure["refusal"]))
            if own is None:
                own = group(("written", failure["kind"], r["check"], failure["refusal"]), failure,
                            f"files {r['check']} wrote from the cases")
                own["where"].append(r.get("case_folder") or r["id"])
            own["records"].append(r)
    for r in records:
        for refusal in r.get("refusals", ()):
            where = refusal["saved"] or r["id"]
            same = next((g for g in groups.values() if g["refusal"] == refusal["refusal"]), None)
            if same is None:
                same = group(("generated", where, refusal["refusal"]), refusal, where, generated=True)
            else:
                same["where"].append(where)
            same["records"].append(r)
    problems = []
    for g in groups.values():
        # The check whose failure the refusal is first (loading), then the checks it failed, then those it blocked.
        members = sorted(g["records"],
                         key=lambda r: (problem_of(r["check"]) != REFUSED, r["status"] == BLOCKED, r["id"]))
        kind = REFUSED if g["kind"] == "refused" else CRASH
        title = ("a generated valid file: " if g["generated"] else "") + g["refusal"][:300]
        problems.append(_problem(kind, title, ["GEN-3"], g["where"], members[:1], members[1:], message=g["message"],
                                 blocking=True))
    return problems


def _grouped(records, kind: str, belongs, key, primary_first: bool = False) -> list[dict]:
    groups = collections.defaultdict(list)
    for r in records:
        if belongs(r):
            groups[key(r)].append(r)
    problems = []
    for name, members in groups.items():
        if primary_first:
            members = sorted(members, key=lambda r: (rank(r["check"]), r["id"]))
            first = members[0]
            clauses = first.get("clauses", [])
            case = first.get("case")
            title = (f"case {case}, first shown by {first['check']}" if case not in (None, "generated")
                     else f"{_generated_what(first['id'])}, in {first['check']}")
            primary, rest = members[:1], members[1:]
        else:
            clauses = [name] if kind == INVALID_ACCEPTED else members[0].get("clauses", [])
            title = (f"{len(members)} invalid files accepted" if kind == INVALID_ACCEPTED
                     else f"{name} ({len(members)} cases)")
            primary, rest = members, []
        where = list(dict.fromkeys(_where(r) for r in members))
        problems.append(_problem(kind, title, clauses, where, primary, rest, message=primary[0].get("failure")
                                 or primary[0].get("message")))
    return problems


def _generated_what(test_id: str) -> str:
    """A generated file, named by the feature its check drew for (the test's parameter), if any."""
    feature = re.search(r"\[([^\]]+)\]$", test_id)
    return f"a generated file with feature {feature.group(1)}" if feature else "a generated file"


def _failed(record: dict) -> bool:
    """Failed, or failed as the expectations said (an expected check that passed with refusals did not)."""
    return record["status"] == FAIL or (record["status"] == XFAIL and bool(record.get("failure")))


def _problem(kind, title, clauses, where, primary, consequences, message=None, blocking=False) -> dict:
    where = [_relative(w) for w in where]
    return {"kind": kind, "title": title, "clauses": list(clauses), "where": list(dict.fromkeys(where)),
            "tests": [r["id"] for r in primary],
            "consequences": [{"id": r["id"], "check": r["check"], "status": r["status"]} for r in consequences],
            "message": message, "expected": _expected([*primary, *consequences]), "blocking": blocking}


def _relative(path) -> str:
    """A saved case under the current folder as the user would type it (and as a report can be shared)."""
    if path and os.path.isabs(path) and path.startswith(os.getcwd() + os.sep):
        return os.path.relpath(path)
    return path


def _expected(records) -> bool | str:
    covered = [bool(r["status"] == XFAIL or r.get("expected")) for r in records]
    return True if all(covered) else "partly" if any(covered) else False


def _where(record: dict) -> str:
    return record.get("case_folder") or record.get("saved") or record["id"]


def _case_key(record: dict) -> str:
    """A problem of a fixture case is the case's; each generated failure is its own."""
    if record.get("case") in (None, "generated"):
        return record["id"]
    return record.get("case_folder") or record["case"]


def _shape(reason: str) -> str:
    """A skip reason with its numbers blanked, so that reasons of one kind count together."""
    return re.sub(r"(?<![-\w.])\d+", "N", reason)[:120]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _cell(counter: collections.Counter | None) -> str:
    if not counter:
        return "–"
    run = sum(counter[s] for s in RAN)
    good = counter[PASS] + counter[WARNING] + counter[XPASS]
    parts = [f"{good}/{run}"] if run else []
    for status, mark in ((FAIL, "✗"), (ERROR, "E"), (WARNING, "W"), (XFAIL, "x"), (BLOCKED, "B")):
        if counter[status]:
            parts.append(f"{counter[status]}{mark}")
    if not run and not counter[BLOCKED]:
        parts.append("NS" if counter[NOT_SUPPORTED] else "NA" if counter[NOT_APPLICABLE] else
                     "dead" if counter[DEAD] else "skip")
    return " ".join(parts)


def _check_name(nodeid: str) -> str:
    """The check of a test, from its id: its declaration in checks.py, or its name without test_."""
    name = nodeid.split("::")[-1].split("[")[0]
    check = of_test(name)
    return check.name if check else name.removeprefix("test_")
