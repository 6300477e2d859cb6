"""Speed and memory of the reference interpreter, measured against the neural-amp-modeler trainer.

    python -m benchmarks            # every case, 10 s and 10 min of audio, as a table
    python -m benchmarks --quick    # the 10 s cases only
    python -m benchmarks --json     # a list of records instead of the table

Each measurement runs in a fresh subprocess (`python -m benchmarks.worker`), so that the peak memory
of one case is not inflated by another and the trainer's imports stay out of the reference's.
Both run on one thread: the thread counts below are set before NumPy or PyTorch is imported.
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
