"""Hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment variable (default `dev`).

- `quick`: every check once on every architecture, in under a minute against the reference: a few
  examples per generated check, and the conformance suite runs its fixed checks on one case per
  architecture (the smallest) and one invalid file per error class. A smoke test, not a verdict.
- `dev`: a quick look while editing.
- `ci`: keeps the whole test run fast; about 20 examples per test. It keeps no example database,
  so one seed draws the same examples on every machine and a verdict reproduces anywhere.
- `thorough`: goes deep; run it before a release or after touching the reference or the generators.

Every profile turns the deadline off: drawing a model and running the reference on it takes a
variable, sometimes long, time that says nothing about the property under test.

Each profile starts from Hypothesis's own defaults, not from whatever profile is loaded: Hypothesis
loads a built-in `ci` profile when the environment has a CI variable, and inheriting its
`derandomize=True` would make `--hypothesis-seed` draw nothing like the same seed elsewhere.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

from hypothesis import HealthCheck, settings

PROFILES = ("quick", "dev", "ci", "thorough")
_SLOW_DRAWS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
               HealthCheck.filter_too_much]


def register() -> None:
    defaults = settings.get_profile("default")
    common = dict(parent=defaults, deadline=None, suppress_health_check=_SLOW_DRAWS)
    settings.register_profile("quick", max_examples=3, database=None, **common)
    settings.register_profile("dev", max_examples=30, **common)
    settings.register_profile("ci", max_examples=20, print_blob=True, database=None, **common)
    settings.register_profile("thorough", max_examples=1000, print_blob=True, **common)


def load_from_environment() -> str:
    """Load the profile HYPOTHESIS_PROFILE names, if it is one of these (others belong to whoever registers them)."""
    name = os.environ.get("HYPOTHESIS_PROFILE", "dev")
    if name in PROFILES:
        settings.load_profile(name)
    return name


def preload(*packages: str, skip: tuple[str, ...] = ()) -> None:
    """Import every module of `packages` now (test modules, `__main__` and `skip` aside).

    Hypothesis draws some values from constants it finds in the project's loaded modules. A module
    first imported part-way through a run (the first WaveNet built, say) would make one seed draw
    other examples depending on which tests ran before, and pytest-xdist orders them by timing.
    """
    for name in packages:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            leaf = module.name.rsplit(".", 1)[-1]
            if leaf != "__main__" and not leaf.startswith("test_") and module.name not in skip:
                importlib.import_module(module.name)
