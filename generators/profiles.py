"""Hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment variable (default `dev`).

- `dev`: a quick look while editing.
- `ci`: keeps the whole test run fast; about 20 examples per test.
- `thorough`: goes deep; run it before a release or after touching the reference or the generators.

Every profile turns the deadline off: drawing a model and running the reference on it takes a
variable, sometimes long, time that says nothing about the property under test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = ("dev", "ci", "thorough")
_SLOW_DRAWS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
               HealthCheck.filter_too_much]


def register() -> None:
    settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=_SLOW_DRAWS)
    settings.register_profile("ci", max_examples=20, deadline=None, suppress_health_check=_SLOW_DRAWS,
                              print_blob=True)
    settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_SLOW_DRAWS,
                              print_blob=True)


def load_from_environment() -> str:
    """Load the profile HYPOTHESIS_PROFILE names, if it is one of these (others belong to whoever registers them)."""
    name = os.environ.get("HYPOTHESIS_PROFILE", "dev")
    if name in PROFILES:
        settings.load_profile(name)
    return name
