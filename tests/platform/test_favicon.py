"""Browsers ask every host for /favicon.ico: it must not be a 404 on each page (issue: a 404 per page)."""

from __future__ import annotations

from django.test import Client

from tests.conftest import TENANTS


def test_every_host_answers_favicon_with_the_platform_icon(db: None) -> None:
    for host in (TENANTS["alpha"], "localhost"):
        client = Client(HTTP_HOST=host)

        answer = client.get("/favicon.ico")

        assert answer.status_code == 301
        icon = client.get(answer["Location"])
        assert icon.status_code == 200
        assert b"<svg" in b"".join(icon.streaming_content)


def test_staff_pages_link_the_icon(db: None) -> None:
    page = Client(HTTP_HOST=TENANTS["alpha"]).get("/conta/entrar/").content.decode()

    assert 'rel="icon"' in page and "img/favicon.svg" in page
