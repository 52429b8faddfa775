"""The field app's closing questions (`ClosingField`) become the order engine's `ClosingForm` in
migration 0005 (one closing form per code): written under the old state in a scratch schema, then the
schema migrates forward and the forms are read back through the new state. A code that already had
an order-engine form keeps it. Runs inside the test's transaction: PostgreSQL rolls the DDL back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SCHEMA = "unify_closing_migration"
OLD = [("service", "0004_connections")]
NEW = [("service", "0005_unify_closing_forms")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def scratch_schema(db: None) -> Any:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
    connection.set_schema(SCHEMA, include_public=False)
    yield
    connection.set_schema_to_public()


def _code(apps: Any, code: str) -> Any:
    return apps.get_model("service", "ServiceCode").objects.create(
        code=code, description=f"Serviço {code}", billing_type="none", deadline_value=2
    )


def test_field_closing_questions_become_the_codes_closing_form(scratch_schema: None) -> None:
    old = _migrate(OLD)
    Question = old.get_model("service", "ClosingField")
    OldForm = old.get_model("service", "ClosingForm")
    cut, connection_code = _code(old, "COR01"), _code(old, "LIG01")
    Question.objects.create(code=cut, key="leitura", label="Leitura no corte", kind="number", position=1)
    Question.objects.create(
        code=cut,
        key="lacre",
        label="Lacre",
        kind="choice",
        required=True,
        choices=["novo", "mantido"],
        position=0,
    )
    Question.objects.create(code=connection_code, key="x", label="Pergunta antiga", kind="text")
    kept = [{"name": "diametro", "label": "Diâmetro", "kind": "text", "required": True, "choices": []}]
    OldForm.objects.create(code=connection_code, fields=kept)
    with connection.cursor() as cursor:  # the rows' deferred FK checks run now, as a commit would
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    new = _migrate(NEW)

    Form = new.get_model("service", "ClosingForm")
    assert Form.objects.get(code__code="COR01").fields == [
        {
            "name": "lacre",
            "label": "Lacre",
            "kind": "choice",
            "required": True,
            "choices": ["novo", "mantido"],
        },
        {"name": "leitura", "label": "Leitura no corte", "kind": "number", "required": False, "choices": []},
    ]
    assert Form.objects.get(code__code="LIG01").fields == kept  # the order engine's form wins
    with pytest.raises(LookupError):
        new.get_model("service", "ClosingField")
    assert "answers" not in {f.name for f in new.get_model("service", "FieldClosing")._meta.fields}
