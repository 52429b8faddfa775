"""Staff and ops pages still work under their Content-Security-Policy, in Debian's Chromium driven by
Playwright: the utility's colours (a nonced inline style) apply, the page-size select submits its
form (a static script, no inline handler), and the browser reports no violation. Screenshots go to
tests/artifacts/platform/ (git-ignored)."""

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
ARTIFACTS = ROOT / "tests" / "artifacts" / "platform"
PASSWORD = "Senha-forte-123"

if not Path(CHROMIUM).exists():  # pragma: no cover - `make install` installs it
    if os.environ.get("CI"):
        raise RuntimeError("Chromium ausente: `make install` instala o pacote Debian 'chromium'")
    pytest.skip("Chromium (pacote Debian 'chromium') não está instalado", allow_module_level=True)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Committed users (the server thread has its own connection), removed at the end."""
    from django.db import connection

    from modules.access.models import LoginAttempt, User
    from modules.common.tenancy import tenant_context

    previous_async = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    names = {"alpha": f"csp{uuid.uuid4().hex[:8]}", "public": f"csp{uuid.uuid4().hex[:8]}"}
    with django_db_blocker.unblock():
        make_user("alpha", names["alpha"], PASSWORD, is_admin=True)
        make_user("public", names["public"], PASSWORD, is_admin=True)
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"port": server.server_port, "names": names}
        finally:
            server.shutdown()
            server.server_close()
            for schema, name in names.items():
                if schema == "public":
                    connection.set_schema_to_public()
                    LoginAttempt.objects.filter(username=name).delete()
                    User.objects.filter(username=name).delete()
                else:
                    with tenant_context(schema):
                        LoginAttempt.objects.filter(username=name).delete()
                        User.objects.filter(username=name).delete()
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


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page, violations


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_staff_page_works_under_its_policy(browser: Any, world: dict[str, Any]) -> None:
    base = f"http://alpha.localhost:{world['port']}"
    page, violations = _page(browser)
    try:
        _sign_in(page, f"{base}/conta/entrar/", world["names"]["alpha"])
        page.goto(f"{base}/conta/usuarios/")
        brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
        assert brand.startswith("#")  # the nonced inline style applied
        with page.expect_navigation():
            page.select_option("select[name=page_size]", "10")
        assert "page_size=10" in page.url  # the static script submitted the form
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "staff-users.png"), full_page=True)
        assert violations == []
    finally:
        page.close()


def test_an_ops_page_works_under_its_policy(browser: Any, world: dict[str, Any]) -> None:
    base = f"http://localhost:{world['port']}"
    page, violations = _page(browser)
    try:
        _sign_in(page, f"{base}/ops/conta/entrar/", world["names"]["public"])
        page.goto(f"{base}/ops/sla/")
        assert page.locator("h1").count() >= 1
        brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
        assert brand.startswith("#")
        page.goto(f"{base}/ops/")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ops-home.png"), full_page=True)
        assert violations == []
    finally:
        page.close()
