"""Fixtures for tests/deploy: no database, no Django (run with -p no:django)."""

from __future__ import annotations

import pytest
from deploytools import require_binary


@pytest.fixture(scope="session")
def promtool() -> str:
    return require_binary("promtool")


@pytest.fixture(scope="session")
def amtool() -> str:
    return require_binary("amtool")
