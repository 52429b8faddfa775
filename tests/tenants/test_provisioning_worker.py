"""End to end: the ops API asks for a utility, a real worker on RabbitMQ provisions it, its host answers."""

from __future__ import annotations

import time
import uuid

from django.db import connection

from modules.access.models import User
from tests.conftest import bearer, drop_tenant, host_client, make_user


def test_a_third_utility_is_provisioned_through_the_ops_api(
    django_db_setup, live_worker, django_db_blocker
) -> None:
    schema = f"wk{uuid.uuid4().hex[:8]}"
    vendor = f"vendor_{schema}"
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        make_user("public", vendor, "Senha-forte-123", is_admin=True)
        ops = host_client("localhost")
        try:
            headers = bearer(ops, vendor, "Senha-forte-123", "/ops/api/v1/auth/token")
            response = ops.post(
                "/ops/api/v1/tenants",
                {
                    "schema": schema,
                    "name": "SAAE Terceira",
                    "domain": f"{schema}.localhost",
                    "timezone": "America/Manaus",
                    "cnpj": "04.215.124/0001-45",
                },
                content_type="application/json",
                **headers,
            )
            assert response.status_code == 202, response.content
            assert response.json()["provisioning_state"] == "requested"
            state, deadline = "requested", time.monotonic() + 60
            while state not in ("active", "failed") and time.monotonic() < deadline:
                time.sleep(0.25)
                state = ops.get(f"/ops/api/v1/tenants/{schema}", **headers).json()["provisioning_state"]
            assert state == "active"
            site = host_client(f"{schema}.localhost")
            assert site.get("/healthz").status_code == 200
            login = site.get("/conta/entrar/")
            assert login.status_code == 200 and "SAAE Terceira" in login.content.decode()
        finally:
            drop_tenant(schema)
            User.objects.filter(username=vendor).delete()
