"""The host -> tenant lookup: case-insensitive, and never a cached 503 once a utility is active."""

from __future__ import annotations

from django.test import Client

from saas.middleware import host_cache
from tenants.models import ProvisioningState, Tenant


def test_the_host_is_found_whatever_its_case(public_schema) -> None:
    host_cache.clear()
    for host in ("ALPHA.localhost", "Alpha.LocalHost", "alpha.localhost"):
        page = Client(HTTP_HOST=host).get("/conta/entrar/")
        assert page.status_code == 200, host
        assert "Concessionária Alpha" in page.content.decode()


def test_a_utility_answers_at_once_when_another_process_activates_it(public_schema) -> None:
    host_cache.clear()
    site = Client(HTTP_HOST="alpha.localhost")
    # another process (the provisioning worker) moves the state: .update() sends no signal here, so
    # nothing clears this process's cache — exactly as for gunicorn's other workers
    Tenant.objects.filter(schema_name="alpha").update(provisioning_state=ProvisioningState.SEEDED)
    assert site.get("/conta/entrar/").status_code == 503

    Tenant.objects.filter(schema_name="alpha").update(provisioning_state=ProvisioningState.ACTIVE)
    assert site.get("/conta/entrar/").status_code == 200


def test_an_active_utility_is_cached_and_an_unknown_host_is_not_found(public_schema) -> None:
    host_cache.clear()
    assert Client(HTTP_HOST="alpha.localhost").get("/conta/entrar/").status_code == 200
    assert host_cache.get("alpha.localhost").schema_name == "alpha"
    assert Client(HTTP_HOST="nenhuma.localhost").get("/conta/entrar/").status_code == 404
    assert host_cache.get("nenhuma.localhost") is None
