from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tests.conftest import make_user

NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def vendor(clock: Any, ops_client: Any, public_schema: None) -> dict[str, str]:
    """Bearer headers of a vendor operations user (public schema). The token is issued by the service,
    not the throttled sign-in endpoint: with the clock frozen every test would share one minute."""
    from modules.access.services.tokens import token_issue

    user = make_user("public", "opsuser", "Senha-forte-123", is_admin=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
