"""Shared test configuration: hypothesis profiles.

The "ci" profile (default) keeps the whole suite under ~10 minutes on a 2-core machine;
"thorough" is for local runs: ``pytest --hypothesis-profile=thorough``.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile("ci")
