"""Helpers the checks share: describing a case in its record, judging agreement, and the evidence
written for failures (plots, saved cases)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from nam_reference import resources
from nam_reference.readings import applicable_dialects

from . import checks
from .metrics import BLOCK_TOLERANCE, compare, max_error


def describe(record: dict, case) -> None:
    """The case in the check's record: its id, folder, file, features, and the clauses, the case's
    own first, then those the check tests (conformance/checks.py)."""
    record.update(case=case.id, case_folder=case_folder(case), model_file=str(case.model_path),
                  case_clauses=list(case.clauses), features=sorted(case.features),
                  sample_rate=case.model.sample_rate)
    record["clauses"] = list(dict.fromkeys([*case.clauses, *record.get("clauses", [])]))


def case_folder(case) -> str:
    """Where a case lives: `fixtures/cases/<id>/` for the project's cases, the model file otherwise."""
    folder, root = case.model_path.parent, resources.data_root()
    if folder.is_relative_to(root) and (folder / "case.json").is_file():
        return f"{folder.relative_to(root).as_posix()}/"
    return str(case.model_path)


def cite(record: dict, clause: str) -> str:
    """A failure's clauses: the case's own first, then the check's; and the case's folder."""
    clauses = [c for c in record.get("case_clauses", []) if c != clause] + [clause]
    where = f" (case {record['case_folder']})" if record.get("case_folder") else ""
    return " ".join(f"[{c}]" for c in clauses), where


def excerpt(y: np.ndarray, r: np.ndarray, index: int) -> str:
    """Three samples either side of the worst one (a flat index), implementation vs reference."""
    y2, r2 = np.atleast_2d(y), np.atleast_2d(r)
    channel, t = np.unravel_index(index, y2.shape)
    lo, hi = max(0, t - 3), min(y2.shape[1], t + 4)
    rows = [f"    t={i:>7}  impl {y2[channel, i]: .8e}  ref {r2[channel, i]: .8e}" for i in range(lo, hi)]
    return f"  channel {channel}, samples {lo}..{hi - 1}:\n" + "\n".join(rows)


def assert_agrees(session, record: dict, y: np.ndarray, reference: np.ndarray, *, what: str, clause: str,
                  sample_rate: float = 48000.0, plot_name: str | None = None, recompute=None,
                  features=()) -> None:
    """Fail unless y meets the required tier against the reference ([NUM-5], [NUM-6]).

    `recompute(reading)` gives the same expected output computed as another reading says: a failure
    whose output is what a dialect of section 20 computes is reported as explained by its clause
    ([DIALECT-4]), and is still a failure."""
    result = compare(y, reference, sample_rate)
    record.setdefault("metrics", {})[what] = result.as_json()
    tier = session.required_tier
    if result.within(tier):
        return
    if plot_name and session.options.get("plots"):
        plot_failure(Path(session.options["plots"]) / f"{_safe(plot_name)}.png", y, reference, sample_rate, what)
    explained = ""
    found = explain(session, y, recompute, features, sample_rate) if recompute is not None else None
    if found is not None:
        clauses, engine, metrics = found
        record.update(explained_by=clauses, explained_reading=engine)
        record["metrics"][f"{what} under {'+'.join(clauses)}"] = metrics
        explained = (f"matches {' '.join(f'[{c}]' for c in clauses)} (the reading of {engine}), not this "
                     f"specification; ")
    cited, where = cite(record, clause)
    pytest.fail(
        f"{cited} {what}{where}: {explained}the output is outside the {tier} tier: max error {result.max_error:.3g} "
        f"(limit {_limit(tier, 0)}), ESR {_fmt(result.esr)} (limit {_limit(tier, 1)}), mel distance "
        f"{_fmt(result.mel_db)} dB (limit {_limit(tier, 2)}); best tier met: {result.best_tier() or 'none'}\n"
        + excerpt(y, reference, result.worst_index), pytrace=False)


def assert_case_agrees(session, record: dict, case, *, plot_name: str) -> None:
    """Fail unless the output for the case's input, from the implementation's declared initial state,
    meets the required tier against the reference's output from that state ([NUM-5], [NUM-8])."""
    session.require(case.features, set_size=case.size is not None)
    expected = case.reference(initial_state=session.initial_state, reading=session.reading)
    with session.loaded(case.model_path, case.size) as model:
        y = model.render(case.input)
        record["timings"] = model.timings
    assert_agrees(session, record, y, expected, what="output", clause="NUM-5", sample_rate=case.model.sample_rate,
                  plot_name=plot_name, features=case.features,
                  recompute=lambda reading: case.reference(initial_state=session.initial_state, reading=reading))


def explain(session, y: np.ndarray, recompute, features, sample_rate: float):
    """([DIV clauses], engine, metrics) of the first dialect reading whose output y meets at the required
    tier: each dialect that can change a case with these features alone, then all of one engine's
    together ([DIALECT-4]); None when no dialect explains y."""
    dialects = applicable_dialects(features)
    candidates = [[d] for d in dialects]
    for engine in sorted({d.engine for d in dialects}):
        together = [d for d in dialects if d.engine == engine]
        if len(together) > 1:
            candidates.append(together)
    for chosen in candidates:
        clauses = [d.clause for d in chosen]
        result = compare(y, recompute(session.reading.with_dialects(clauses)), sample_rate)
        if result.within(session.required_tier):
            return clauses, chosen[0].engine, result.as_json()
    return None


def assert_same(record: dict, y: np.ndarray, baseline: np.ndarray, *, what: str, clause: str) -> None:
    """Fail unless two outputs of the implementation agree within [NUM-4]."""
    error = max_error(y, baseline)
    record.setdefault("metrics", {})[what] = {"max_error": error}
    if error <= BLOCK_TOLERANCE:
        return
    index = int(np.argmax(np.abs(np.atleast_2d(y).astype(np.float64) - np.atleast_2d(baseline))))
    clauses, where = cite(record, clause)
    pytest.fail(f"{clauses} {what}{where}: differs by {error:.3g} of max(1, peak) (tolerance {BLOCK_TOLERANCE:g})\n"
                + excerpt(y, baseline, index), pytrace=False)


def _limit(tier: str, i: int) -> str:
    from .metrics import TIERS

    value = TIERS[tier][i]
    return "none" if value is None else f"{value:g}"


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]


def plot_failure(path: Path, y, reference, sample_rate: float, title: str) -> None:
    """Reference vs implementation, error over time, error spectrum (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    y, r = np.atleast_2d(y)[0].astype(np.float64), np.atleast_2d(reference)[0].astype(np.float64)
    error = y - r
    t = np.arange(len(r)) / sample_rate
    fig, axes = plt.subplots(3, 1, figsize=(10, 8))
    axes[0].plot(t, r, label="reference", linewidth=0.8)
    axes[0].plot(t, y, label="implementation", linewidth=0.8, alpha=0.7)
    axes[0].legend(loc="upper right")
    axes[0].set_title(title)
    axes[1].plot(t, error, color="C3", linewidth=0.8)
    axes[1].set_ylabel("error")
    axes[1].set_xlabel("time (s)")
    spectrum = np.abs(np.fft.rfft(error * np.hanning(len(error)))) + 1e-20
    axes[2].semilogx(np.fft.rfftfreq(len(error), 1 / sample_rate)[1:], 20 * np.log10(spectrum[1:]), color="C3")
    axes[2].set_ylabel("error spectrum (dB)")
    axes[2].set_xlabel("frequency (Hz)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def save_failure(session, test_name: str, document, x: np.ndarray | None = None,
                 expected: np.ndarray | None = None, note: str = "", *, check: str, clauses=(),
                 size: float | None = None, blocks: list[int] | None = None, breaks: str | None = None) -> Path | None:
    """Write a failing generated case of `check` as a folder (by default under nam-conformance-failures/;
    the --save-failures folder otherwise) and return it. A valid file's folder is a fixture folder
    following spec/case.schema.json, with the check that failed and its block plan; an invalid file's
    holds the model and the clause it breaks. Shrinking overwrites the folder, so it ends up holding
    the minimal example. `pytest conformance --impl=... --rerun-case FOLDER` runs it again, as
    conformance/checks.py says for the check."""
    target = session.options.get("save_failures")
    if not target:
        return None
    folder = Path(target) / _safe(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("input.f32", "expected.f32"):
        (folder / stale).unlink(missing_ok=True)
    model = document if isinstance(document, (bytes, bytearray)) else json.dumps(document).encode()
    (folder / "model.nam").write_bytes(model)
    case_id = f"saved.{_safe(test_name).lower()}.{hashlib.sha256(model).hexdigest()[:10]}"
    if checks.BY_NAME[check].rerun == checks.REFUSAL:
        (folder / "case.json").write_text(json.dumps({
            "id": case_id, "description": note, "check": check, "breaks": breaks,
            "clauses": list(dict.fromkeys([*([breaks] if breaks else []), *clauses])),
            "expected": "the implementation refuses the file ([GEN-5])"}, indent=1))
        return folder
    if x is not None:
        np.ascontiguousarray(np.atleast_2d(x).T, dtype="<f4").tofile(folder / "input.f32")
    if expected is not None:
        np.ascontiguousarray(np.atleast_2d(expected).T, dtype="<f4").tofile(folder / "expected.f32")
    (folder / "case.json").write_text(json.dumps(_saved_case(session, case_id, json.loads(model), note, check,
                                                             clauses, size, blocks), indent=1))
    return folder


def _saved_case(session, case_id: str, document: dict, note: str, check: str, clauses, size, blocks) -> dict:
    """The case.json of a saved valid file (spec/case.schema.json)."""
    from nam_reference.features import features as feature_tags

    from .metrics import TIERS

    if checks.BY_NAME[check].rerun == checks.AGAINST_ITSELF:
        expected = "the implementation's own output for the whole input in one block ([STREAM-2])"
    else:
        expected = (f"nam_reference, float32, {session.initial_state} initial state"
                    + "".join(f", {name}" for name in sorted(session.reading.approximations)))
    return {
        "id": case_id,
        "description": note,
        "architecture": document["architecture"],
        "features": sorted(feature_tags(document)),
        "clauses": list(dict.fromkeys(clauses)),
        "size": size,
        "initial_state": session.initial_state,
        "check": check,
        **({"blocks": list(blocks)} if blocks else {}),
        "tolerance": {**dict(zip(("max_error", "esr", "mel_db"), TIERS[session.required_tier])),
                      "reason": f"the {session.required_tier} tier of [NUM-5], which the implementation failed"},
        "provenance": {
            "model": "a shrunk failing example of the conformance suite's generators",
            "input": "drawn by the generators' signal strategy",
            "expected": expected,
            "cross_checks": ["none yet: re-derive the expected output before adding the case to fixtures/"],
        },
    }


def saved_to(exc: BaseException, folder: Path | None) -> None:
    """Name the saved case in a failure's message (pytest's own failures, and any other exception)."""
    if folder is None:
        return
    line = f"\n  saved failing case: {folder}/ (rerun: pytest conformance --impl=... --rerun-case {folder})"
    if isinstance(getattr(exc, "msg", None), str):
        if line not in exc.msg:
            exc.msg += line
    elif exc.args and isinstance(exc.args[0], str) and line not in exc.args[0]:
        exc.args = (exc.args[0] + line, *exc.args[1:])
