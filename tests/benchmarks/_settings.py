"""Development settings with the migration executor's process count from the environment, so the
backup benchmark can time `migrate_schemas --executor=multiprocessing` at 1, 2, … processes."""

import os

from saas.settings.dev import *  # noqa: F403

TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ.get("BENCH_MIGRATE_PROCESSES", "2"))
