"""Cases in the fixture layout: one folder per case with model.nam, input.f32, expected.f32 and case.json.

input.f32 and expected.f32 are headerless little-endian float32; a signal with several channels is
stored interleaved (frame by frame, as in a WAV file). The expected output is the reference's, in
float32, from the initial state of [STATE-4] (the silent past).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

import nam_reference
from conformance.metrics import TIERS
from nam_reference.features import features, registry

STRICT = {**dict(zip(("max_error", "esr", "mel_db"), TIERS["strict"])),
          "reason": "the strict tier of [NUM-5]: binary32 arithmetic in any summation order"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
FILES = ("model.nam", "input.f32", "expected.f32", "case.json")
# Clauses every case of an architecture exercises: its computation, its weight order and the initial state.
BASE_CLAUSES = {
    "Linear": ["LIN-4", "LIN-5"], "ConvNet": ["CNN-3", "CNN-5", "CONV-4"], "LSTM": ["LSTM-3", "LSTM-5", "LSTM-6"],
    "WaveNet": ["WN-W-1", "WN-LAYER-4", "WN-FWD-6", "CONV-4"], "SlimmableContainer": ["CONT-6", "CONT-7"],
    "Sequential": ["SEQ-5", "SEQ-8"],
}


def encode_model(doc: dict) -> bytes:
    return json.dumps(doc).encode("utf-8")


def interleaved(signal: np.ndarray) -> bytes:
    """(channels × n) or 1-D float32 as headerless little-endian bytes, frame by frame."""
    return np.ascontiguousarray(np.atleast_2d(signal).T, dtype="<f4").tobytes()


def tag_clauses(tags) -> list[str]:
    """The clause each feature tag's registry entry names ([X-n] at the end of its line)."""
    found = []
    for tag in tags:
        match = re.search(r"\[([A-Z]+(?:-[A-Z]+)*-\d+)\]\s*$", registry().get(tag, ""))
        if match:
            found.append(match.group(1))
    return found


def build_case(case_id: str, doc: dict, x: np.ndarray, provenance: dict, size: float | None = None,
               description: str | None = None, tolerance: dict | None = None) -> dict[str, bytes]:
    """The four files of a case. The expected output is the float32 reference output; the float64
    reference output is compared with it and the difference recorded in the provenance."""
    if not ID_PATTERN.match(case_id):
        raise ValueError(f"case id {case_id!r} is not a slug")
    model = nam_reference.load(doc)
    x = np.asarray(x, dtype=np.float32)
    y = np.atleast_2d(model.process(x, size=size))
    wide = np.atleast_2d(nam_reference.load(doc, dtype=np.float64).process(x.astype(np.float64), size=size))
    tags = sorted(features(doc))
    clauses = sorted(set(BASE_CLAUSES[doc["architecture"]] + tag_clauses(tags) + ["STATE-4", "W-2", "W-4"]),
                     key=_clause_order)
    meta = {"id": case_id}
    if description:
        meta["description"] = description
    meta.update({
        "architecture": doc["architecture"],
        "features": tags,
        "clauses": clauses,
        "size": size,
        "initial_state": "silent",
        "channels": {"in": model.in_channels, "out": model.out_channels},
        "samples": int(np.atleast_2d(x).shape[1]),
        "sample_rate": model.sample_rate,
        "receptive_field": model.receptive_field(size),
        "tolerance": dict(tolerance or STRICT),
        "provenance": dict(provenance, expected=f"nam_reference {nam_reference.__version__}, float32, silent past "
                                                "([STATE-4]), processed as one block",
                           float64_max_error=float(f"{max_error(y, wide):.3g}")),
    })
    return {"model.nam": encode_model(doc), "input.f32": interleaved(x), "expected.f32": interleaved(y),
            "case.json": (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}


def max_error(y: np.ndarray, reference: np.ndarray) -> float:
    """[NUM-3]'s max error: max|y − r| / max(1, peak of r)."""
    y, r = np.asarray(y, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return float(np.max(np.abs(y - r)) / max(1.0, float(np.max(np.abs(r))))) if r.size else 0.0


def _clause_order(clause: str):
    head, _, number = clause.rpartition("-")
    return head, int(number)


def write_case(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def checksums(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def manifest_entry(case_id: str, files: dict[str, bytes], path: str) -> dict:
    meta = json.loads(files["case.json"])
    return {"id": case_id, "path": path, "architecture": meta["architecture"], "features": meta["features"],
            "size": meta["size"], "sha256": checksums(files)}
