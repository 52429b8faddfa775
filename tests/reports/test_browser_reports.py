"""The reports pages in Debian's Chromium: the catalogue, a search by the item's number, the run
form, the run queued with its progress bar and then done with its download, and the PDF itself.

The pages are rendered by the test's own Django client (so their rows live in the test's rolled-back
transaction: nothing to clean up) and shown to Chromium through Playwright's request routing;
Playwright's handlers run in another greenlet, which has no access to the test's connection, so
every page is fetched first and the handler only hands its bytes and the static files over.
Screenshots go to tests/artifacts/reports/ (git-ignored), the PDF's first page as PNG beside them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from modules.reports.models import ReportRun
from modules.reports.services import report_run_execute
from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.portal.test_browser import DESKTOP, _axe, _no_overflow
from tests.reports import factories as rf

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "reports"
HOST = "http://alpha.localhost"


class Pages:
    """The document to show next (fetched by the test) and the static files (from the finders)."""

    def __init__(self) -> None:
        self.document = b""

    def handle(self, route: Any) -> None:
        path = urlsplit(route.request.url).path
        if path.startswith("/static/"):
            found = finders.find(path.removeprefix("/static/"))
            if not found:
                route.fulfill(status=404, body="")
                return
            kind = (
                "text/css" if found.endswith(".css") else "image/svg+xml" if found.endswith(".svg") else None
            )
            route.fulfill(status=200, body=Path(found).read_bytes(), content_type=kind)
            return
        route.fulfill(status=200, body=self.document, content_type="text/html; charset=utf-8")


def _fetch(client: Any, path: str, status: int = 200, **post: str) -> bytes:
    response = client.post(path, post, follow=True) if post else client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return bytes(response.content)


def _show(page: Any, pages: Pages, path: str, body: bytes, name: str) -> None:
    pages.document = body
    page.goto(f"{HOST}{path}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_reports_pages_and_the_pdf(alpha_client: Any, tenant_alpha: Any) -> None:
    from playwright.sync_api import sync_playwright

    api = rf.staff_api(alpha_client, "gestora-relatorios")
    billed = rf.billed_month(api)
    rf.payments(billed["bills"])
    signed_in = alpha_client.post(
        "/conta/entrar/", {"username": "gestora-relatorios", "password": "Senha-forte-123", "otp": ""}
    )
    assert signed_in.status_code == 302
    # every page first: once Playwright's loop runs in this thread, Django sees an async context and
    # opens another connection, outside this test's transaction
    form = "/relatorios/faturamento-por-categoria/"
    catalogue = _fetch(alpha_client, "/relatorios/")
    search = _fetch(alpha_client, "/relatorios/?q=79")
    run_form = _fetch(alpha_client, form)
    refused = _fetch(
        alpha_client,
        "/relatorios/arrecadacao-diaria/",
        400,
        credited_from="2025-01-01",
        credited_to="2025-12-31",
        format="csv",
    )
    queued = _fetch(alpha_client, form, month=rf.MONTH, format="pdf")
    run = ReportRun.objects.get(code="faturamento-por-categoria")
    report_run_execute(run_id=run.pk)  # what the batch worker does with the message
    done = _fetch(alpha_client, f"/relatorios/execucoes/{run.pk}/")
    download = alpha_client.get(f"/relatorios/execucoes/{run.pk}/arquivo/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "faturamento-por-categoria.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    assert pdf.read_bytes()[:4] == b"%PDF"

    pages = Pages()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=DESKTOP, locale="pt-BR").new_page()
        page.route("**/*", pages.handle)

        _show(page, pages, "/relatorios/", catalogue, "reports-1-catalogue")
        assert page.locator("h1").inner_text() == "Relatórios gerenciais"
        assert page.locator("nav.sidebar >> text=Relatórios gerenciais").count() == 1
        _axe(page)
        _no_overflow(page)

        _show(page, pages, "/relatorios/?q=79", search, "reports-2-search-79")
        assert page.locator("table a").first.inner_text() == (
            "Resumo do faturamento por categoria: água, esgoto e serviços"
        )

        _show(page, pages, form, run_form, "reports-3-run-form")
        assert page.locator("input[name=month]").count() == 1
        _axe(page)

        _show(page, pages, "/relatorios/arrecadacao-diaria/", refused, "reports-4-period-refused")
        assert "excede o máximo de 92 dias" in page.locator(".msg.error").inner_text()

        _show(page, pages, f"/relatorios/execucoes/{run.pk}/", queued, "reports-5-run-queued")
        assert "Na fila" in page.locator("p", has_text="Situação").inner_text()
        assert page.locator("progress").get_attribute("value") == "0"

        _show(page, pages, f"/relatorios/execucoes/{run.pk}/", done, "reports-6-run-done")
        assert "Concluído" in page.locator("p", has_text="Situação").inner_text()
        assert page.locator("progress").get_attribute("value") == "100"
        assert page.locator("a.btn", has_text="Baixar PDF").count() == 1
        _axe(page)
        browser.close()

    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(ARTIFACTS / "reports-7-pdf"),
            ],
            check=True,
        )
