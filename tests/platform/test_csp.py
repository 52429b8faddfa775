"""Content-Security-Policy on staff, ops and public pages (platform/saas/security.py): no inline
script anywhere, inline styles only with the request's nonce; the agency keeps its own policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _nonce(policy: str) -> str:
    match = re.search(r"style-src 'self' 'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("alpha.localhost", "/conta/entrar/"),
        ("localhost", "/ops/conta/entrar/"),
        ("alpha.localhost", "/status"),
        ("alpha.localhost", "/certidoes/verificar/"),
    ],
)
def test_pages_carry_the_policy_and_their_inline_styles_its_nonce(client, host: str, path: str) -> None:
    first = client.get(path, HTTP_HOST=host)
    second = client.get(path, HTTP_HOST=host)
    policy = first["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    nonce = _nonce(policy)
    assert nonce != _nonce(second["Content-Security-Policy"])  # a fresh nonce per response
    html = first.content.decode()
    styles = re.findall(r"<style[^>]*>", html)
    assert styles, "every one of these pages has an inline <style>"
    assert all(f'nonce="{nonce}"' in tag for tag in styles)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_the_error_pages_carry_the_policy_and_no_inline_code(client) -> None:
    page = client.get("/nao-existe/", HTTP_HOST="alpha.localhost")

    assert page.status_code == 404
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    html = page.content.decode()
    assert "<style" not in html and "style=" not in html  # its look is css/error.css
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_a_signed_in_staff_page_and_an_ops_page(client) -> None:
    make_user("alpha", "csp-maria", "Senha-forte-123", is_admin=True)
    client.post(
        "/conta/entrar/",
        {"username": "csp-maria", "password": "Senha-forte-123"},
        HTTP_HOST="alpha.localhost",
    )
    page = client.get("/conta/usuarios/", HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    nonce = _nonce(page["Content-Security-Policy"])
    assert f'<style nonce="{nonce}">:root' in page.content.decode()
    assert "data-autosubmit" in page.content.decode() and "onchange" not in page.content.decode()
    make_user("public", "csp-ops", "Senha-forte-123")
    client.post(
        "/ops/conta/entrar/", {"username": "csp-ops", "password": "Senha-forte-123"}, HTTP_HOST="localhost"
    )
    ops = client.get("/ops/sla/", HTTP_HOST="localhost")
    assert ops.status_code == 200
    nonce = _nonce(ops["Content-Security-Policy"])
    assert all(f'nonce="{nonce}"' in t for t in re.findall(r"<style[^>]*>", ops.content.decode()))


def test_the_agency_keeps_its_own_policy(client) -> None:
    policy = client.get("/agencia/", HTTP_HOST="alpha.localhost")["Content-Security-Policy"]
    assert policy.count("default-src") == 1 and "style-src 'self' 'nonce-" in policy


def test_the_api_docs_page_may_load_redoc_from_its_cdn(client) -> None:
    make_user("alpha", "csp-docs", "Senha-forte-123")
    client.post(
        "/conta/entrar/", {"username": "csp-docs", "password": "Senha-forte-123"}, HTTP_HOST="alpha.localhost"
    )
    page = client.get("/api/v1/docs/", HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net" in policy
    assert "https://cdn.jsdelivr.net/npm/redoc" in page.content.decode()


# PDFs (WeasyPrint) are never served as pages; the agency's templates are checked by its own tests
PAGE_TEMPLATES = [
    p
    for base in ("platform/saas", "modules")
    for p in (ROOT / base).rglob("templates/**/*.html")
    if "/pdf/" not in str(p) and "/portal/" not in str(p)
]


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_handlers_or_style_attributes(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: use a static file"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler: listen in a static script"
    assert not re.search(r"\sstyle\s*=", text), "style attribute: use a class"
    for tag in re.findall(r"<style[^>]*>", text):
        assert 'nonce="{{ request.csp_nonce }}"' in tag, "inline <style> without the nonce"
