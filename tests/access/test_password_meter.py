"""One table of cases for the password strength the server applies and the meter people see on the
page (a JavaScript copy): "CoraçãoForte2024" showed "muito forte" while the server said "forte"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modules.access.domain.passwords import password_strength

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((Path(__file__).with_name("password_strength_cases.json")).read_text())


@pytest.mark.parametrize(("password", "level"), CASES)
def test_the_server_scores_each_case(password: str, level: str) -> None:
    assert password_strength(password) == level


@pytest.mark.browser
def test_the_pages_meter_scores_every_case_as_the_server_does() -> None:
    from playwright.sync_api import sync_playwright

    from tests.portal.conftest import CHROMIUM, CHROMIUM_ARGS

    script = (ROOT / "platform/saas/static/js/app.js").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><meta charset='utf-8'><body></body>")
            page.add_script_tag(content=script)
            shown = page.evaluate("cases => cases.map(c => window.manancialPasswordStrength(c[0]))", CASES)
        finally:
            browser.close()

    assert list(zip([c[0] for c in CASES], shown, strict=True)) == [(c[0], c[1]) for c in CASES]
