"""Hostile adapters note the processes they start, for the test that checks none outlives the run."""

import os


def note_pid(pid: int | None = None) -> None:
    folder = os.environ.get("NAM_HOSTILE_PIDS")
    if folder:
        with open(os.path.join(folder, "pids"), "a", encoding="utf-8") as f:
            f.write(f"{pid or os.getpid()}\n")
