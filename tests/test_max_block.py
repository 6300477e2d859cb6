"""[STREAM-4] against engines that refuse long blocks: an explicit refusal that keeps the state
passes; a refusal after half the block went through the state fails (the mutants in tests/mutants/
cover crashes, NaN and wrong lengths)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = '''
import numpy as np
from conformance.adapters.reference import ReferenceAdapter, ReferenceModel

class Model(ReferenceModel):
    def process(self, block):
        if block.shape[1] > 64:
            if {corrupt}:
                super().process(block[:, :64])
            raise ValueError("blocks longer than 64 samples are not supported")
        return super().process(block)

class Adapter(ReferenceAdapter):
    def capabilities(self):
        return {{**super().capabilities(), "max_block": 64}}
    def load(self, path):
        loaded = super().load(path)
        return Model(loaded.model, self.initial_state)

def create_adapter():
    return Adapter()
'''


def run_check(tmp_path: Path, corrupt: bool) -> dict[str, str]:
    adapter = tmp_path / "refusing.py"
    adapter.write_text(ADAPTER.format(corrupt=corrupt))
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pytest", "conformance/test_blocks.py", "-q", "-p", "no:cacheprovider",
               "--impl", str(adapter), "--report-json", str(report),
               "-k", "test_block_longer and (hand.wavenet or hand.linear)"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HYPOTHESIS_PROFILE": "ci"})
    assert report.exists(), done.stdout[-3000:]
    return {r["id"]: r["status"] for r in json.loads(report.read_text())["results"]}


@pytest.mark.parametrize("corrupt, status", [(False, "PASS"), (True, "FAIL")], ids=["clean-refusal", "corrupting-refusal"])
def test_a_refusal_passes_only_when_it_keeps_the_state(tmp_path, corrupt, status):
    statuses = run_check(tmp_path, corrupt)
    assert len(statuses) >= 3 and set(statuses.values()) == {status}, statuses
