"""A manager walks "Tabelas do cadastro" in Chromium: from the menu to the categories, registers
the category of associations, deactivates and removes it, and moves a route of a group down and
back up. Screenshots go to tests/artifacts/registry/ (git-ignored)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from django.core.wsgi import get_wsgi_application

from tests.conftest import make_user
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import _QuietHandler, _ThreadingWSGIServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "registry"
PASSWORD = "Senha-forte-123"
CODE = "BRW"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


def _restore() -> None:
    """What the walk commits goes away (audit rows stay: they are append-only)."""
    from django.db.models import F

    from modules.access.models import LoginAttempt, User
    from modules.registry.models import Category, Route

    Category.objects.filter(code=CODE).delete()
    Route.objects.filter(group__code=1).update(sequence=F("code"))
    LoginAttempt.objects.filter(username__startswith="tab").delete()
    User.objects.filter(username__startswith="tab").delete()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from django.db import connection

    from modules.access.models import Profile
    from modules.common.tenancy import tenant_context

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    name = f"tab{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        user = make_user("alpha", name, PASSWORD)
        with tenant_context("alpha"):
            user.profiles.add(Profile.objects.get(name="Gestor"))
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "name": name}
        finally:
            server.shutdown()
            server.server_close()
            with tenant_context("alpha"):
                _restore()
            connection.set_schema_to_public()
    if previous_async is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _routes(page: Any) -> list[str]:
    return [
        cell.strip() for cell in page.locator("table >> nth=0 >> tbody tr td:nth-child(2)").all_inner_texts()
    ]


def test_a_manager_walks_the_reference_tables(browser: Any, world: dict[str, Any]) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{base}/conta/entrar/")
        page.fill("input[name=username]", world["name"])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.locator(".sidebar").get_by_role("link", name="Tabelas do cadastro", exact=True).click()
        page.get_by_role("link", name="Categorias", exact=True).click()
        page.fill("input[name=code]", CODE)
        page.fill("input[name=name]", "Associação de bairro")
        page.click("button:has-text('Cadastrar')")
        assert "Categoria Associação de bairro cadastrada." in page.inner_text("main")
        page.get_by_role("link", name=CODE, exact=True).click()
        page.fill("input[name=reason]", "teste do navegador")
        page.click("button:has-text('Desativar')")
        assert "desativada" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "category-deactivated.png"), full_page=True)
        page.click("button:has-text('Remover')")
        assert "Categoria Associação de bairro removida." in page.inner_text("main")

        page.goto(f"{base}/cadastro/tabelas/grupos/")
        page.get_by_role("link", name="1", exact=True).click()
        assert _routes(page) == ["1", "2", "3", "4"]
        page.click("button[aria-label='Descer a rota 1']")
        assert _routes(page) == ["2", "1", "3", "4"]
        page.screenshot(path=str(ARTIFACTS / "group-routes.png"), full_page=True)
        page.click("button[aria-label='Subir a rota 1']")
        assert _routes(page) == ["1", "2", "3", "4"]
        assert "Ordem das rotas alterada" in page.inner_text("main")
    finally:
        page.close()
