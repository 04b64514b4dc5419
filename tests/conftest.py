"""Test set-up (settings: spotme.test_settings): a real PostgreSQL test database with the template
schema migrated once per session, real Redis for the cache, Celery eager unless a test starts a
real worker. Fixtures are per domain under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.platform",
    "tests.fixtures.agencies",
    "tests.fixtures.browser",
    "tests.fixtures.accounts",
    "tests.fixtures.people",
    "tests.fixtures.attendance",
    "tests.fixtures.notifications",
]

