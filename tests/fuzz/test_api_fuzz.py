"""Schemathesis against the staff and citizen APIs of the alpha utility, in-process (Django's WSGI
application, alpha's host, a valid token): whatever the schema allows, and the edges it does not
(the coverage phase: out-of-range numbers, bad dates, NUL bytes, bodies of the wrong type), the API
never answers 5xx, and what it answers with a documented status matches the schema. Each case runs
in a savepoint that is rolled back, inside the test's transaction, so nothing is left behind and a
case that broke the transaction cannot spoil the next.

Bounded for `make test` (FUZZ_MAX_EXAMPLES per operation, default 8, derandomized); `make fuzz` runs
the same suite with a larger budget.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import apischema
from tests.conftest import TENANTS, make_user

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
HOST = TENANTS["alpha"]

pytestmark = pytest.mark.fuzz

# The sign-ins are limited per address in the shared cache: fuzzing them would lock this process's
# other tests out for a minute. They have their own tests (tests/access, tests/portal). Everything
# else is fuzzed, sign-out and password change included (each case is rolled back).
SIGN_INS = ("/api/v1/auth/token", "/agencia/api/v1/auth/token")


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
            "suppress-health-check": ["all"],
        }
    )


def _schema(raw: dict[str, Any]) -> Any:
    raw = raw | {"paths": {path: item for path, item in raw["paths"].items() if path not in SIGN_INS}}
    loaded = schemathesis.openapi.from_dict(raw, config=_config())
    loaded.app = get_wsgi_application()
    return loaded


staff = _schema(apischema.staff_schema())
citizen = _schema(apischema.citizen_schema())


@pytest.fixture
def in_process(db: None) -> Iterator[None]:
    yield
    connection.set_schema_to_public()


@contextmanager
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes "old" connections at each request's start and end, which would end the
    test's transaction; Django's test client turns that off around each of its requests the same way
    (and turns it back on after, so it is done here around every call)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(in_process: None) -> dict[str, str]:
    from modules.access.services.tokens import token_issue
    from modules.common.tenancy import tenant_context

    user = make_user("alpha", "fuzz-admin", "Senha-forte-123", is_admin=True)
    with tenant_context("alpha"):
        return {"Host": HOST, "Authorization": f"Bearer {token_issue(user=user)}"}


@pytest.fixture
def citizen_headers(in_process: None) -> dict[str, str]:
    from django.test import Client

    from modules.common.tenancy import tenant_context
    from tests.registry import factories as reg

    with tenant_context("alpha"):
        holder = reg.customer("Cidadã do Fuzz")
        prop = reg.prop(holder=holder, number="12")
    response = Client(HTTP_HOST=HOST).post(
        "/agencia/api/v1/auth/token",
        {"account": prop.account_number, "document": holder.cpf_cnpj},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return {"Host": HOST, "Authorization": f"Bearer {response.json()['token']}"}


def _case_savepoint() -> Any:
    """The savepoint each case runs in, marked as the test's own block as Django's TestCase marks
    its atomics: a service's durable transaction may then open inside it (a durable block refuses
    any other enclosing transaction)."""
    savepoint = transaction.atomic()
    savepoint._from_testcase = True
    return savepoint


def _run(case: Any, headers: dict[str, str]) -> None:
    with _keep_the_test_connection(), _case_savepoint():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


@staff.parametrize()
@hypothesis.settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_staff_api_never_answers_5xx(case: Any, staff_headers: dict[str, str]) -> None:
    _run(case, staff_headers)


@citizen.parametrize()
@hypothesis.settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_citizen_api_never_answers_5xx(case: Any, citizen_headers: dict[str, str]) -> None:
    _run(case, citizen_headers)
