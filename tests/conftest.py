"""Shared test configuration: hypothesis profiles.

The "ci" profile (default) keeps the whole suite under ~10 minutes on a 2-core machine;
"thorough" is for local runs: ``pytest --hypothesis-profile=thorough``; "long" (at least 2,000
examples per property, issue 13) is chosen with the environment variable
``HYPOTHESIS_PROFILE=long`` (or ``--hypothesis-profile=long``), e.g.
``HYPOTHESIS_PROFILE=long pytest tests/properties -k whole_catalogue``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
