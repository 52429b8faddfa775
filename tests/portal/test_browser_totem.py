"""The totem (a kiosk at 1080×1920 portrait or 1920×1080 landscape, see portal/README.md) uses its
whole screen: on every page a signed-in citizen opens there, and on the sign-in page, the main
content spans the screen's width and reaches down to the footer (no half-empty screen, as the
kiosk's pages showed before), the keypad and the services menu are finger-sized tiles that grow
into the room there is, nothing scrolls sideways, and axe-core finds no WCAG 2.1 A/AA violation.

The data and the server are test_browser_services.py's module fixture (committed rows, removed at
the end); this module gets its own instance. Screenshots go to tests/artifacts/portal/.
"""

from __future__ import annotations

from typing import Any

import pytest

from .test_browser import _axe, _no_overflow, _shot
from .test_browser_services import Holder, _open, _url, world  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENS = {
    "portrait": {"width": 1080, "height": 1920},
    "landscape": {"width": 1920, "height": 1080},
}
TOTEM_PAGES = (
    "",
    "cadastro/",
    "contas/",
    "extrato/",
    "pagamentos/",
    "consumo/",
    "certidao/",
    "declaracao-anual/",
    "parcelamento/",
    "vencimento/",
    "pedidos/",
    "pedidos/novo/",
    "ordens/",
    "email/",
    "avisos/",
)
PUBLIC_PAGES = ("tarifas/", "simulador-de-conta/", "qualidade-da-agua/")
FILLED = 0.85  # of the room between the header and the footer, and of the screen's width

# How much of the first screen the main content covers: the box around main's visible children but
# the way back (a button pinned to the bottom would cover an empty page), as a share of the screen's
# width and of the height between the header's bottom and the footer's top (the footer as it sits at
# the bottom of a short page). A page taller than the screen is > 1.
COVERAGE = """async () => {
  await document.fonts.ready;
  window.scrollTo(0, 0);
  const boxes = [...document.querySelector('main').children]
    .filter(e => e.offsetParent !== null && !e.matches('.agency-back'))
    .map(e => e.getBoundingClientRect()).filter(r => r.height > 0 && r.width > 0);
  const header = document.querySelector('header').getBoundingClientRect().bottom;
  const footer = document.querySelector('footer').getBoundingClientRect().height;
  const room = window.innerHeight - header - footer;
  const top = Math.min(...boxes.map(r => r.top)), bottom = Math.max(...boxes.map(r => r.bottom));
  const left = Math.min(...boxes.map(r => r.left)), right = Math.max(...boxes.map(r => r.right));
  return {height: (bottom - top) / room, width: (right - left) / document.documentElement.clientWidth};
}"""


def _coverage(page: Any) -> dict[str, float]:
    return page.evaluate(COVERAGE)  # type: ignore[no-any-return]


def _fills(page: Any, label: str) -> list[str]:
    got = _coverage(page)
    if got["height"] < FILLED or got["width"] < FILLED:
        return [f"{page.url} ({label}): o conteúdo cobre {got['width']:.0%} × {got['height']:.0%} da tela"]
    return []


# A table cell's label is the cell's type size on the kiosk: the month of a statement row is a <label>
# for its checkbox, and the design system's label size made it smaller than the figures beside it.
# Its checkboxes are finger-sized too (the browser's 13 px box is not a touch target).
LABEL_TYPE = """() => [...document.querySelectorAll('.agency-table td label, .agency-table th label')]
  .filter(l => getComputedStyle(l).fontSize !== getComputedStyle(l.closest('td, th')).fontSize)
  .map(l => l.textContent.trim() + ' ' + getComputedStyle(l).fontSize)"""
SMALL_BOXES = """() => [...document.querySelectorAll('.agency-table input[type=checkbox]')]
  .map(b => b.getBoundingClientRect()).filter(r => r.width > 0 && (r.width < 32 || r.height < 32))
  .map(r => `${r.width}×${r.height}`)"""


def _one_table_type(page: Any, label: str) -> list[str]:
    smaller, boxes = page.evaluate(LABEL_TYPE), page.evaluate(SMALL_BOXES)
    found = [f"{page.url} ({label}): rótulos menores que a célula {smaller[:3]}"] if smaller else []
    return found + ([f"{page.url} ({label}): caixas de marcar pequenas {boxes[:3]}"] if boxes else [])


def _sizes(page: Any, selector: str) -> list[tuple[float, float]]:
    return [(b["width"], b["height"]) for b in (e.bounding_box() for e in page.locator(selector).all())]


@pytest.mark.parametrize("label", list(SCREENS))
def test_the_totem_uses_its_whole_screen(browser: Any, world: dict[str, Any], label: str) -> None:  # noqa: F811
    who: Holder = world["totem"]
    screen = SCREENS[label]
    page = _open(browser, screen)
    page.goto(_url(world, who.schema, "/totem/"))
    found = _fills(page, label)
    keys = _sizes(page, ".totem-key")
    assert len(keys) == 12
    assert min(h for _w, h in keys) >= 120, keys  # a finger, and the keypad takes the room there is
    assert sum(w for w, _h in keys[:3]) >= 0.4 * screen["width"], keys
    _shot(page, f"totem-{label}-1-sign-in")
    _axe(page)
    _no_overflow(page)

    page.click("#id_account")
    for digit in who.account.replace("-", ""):
        page.click(f".totem-key[data-key='{digit}']")
    page.click("#id_document")
    for digit in who.cpf:
        page.click(f".totem-key[data-key='{digit}']")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(f"**/totem/imoveis/{who.property_id}/")
    tiles = _sizes(page, ".agency-menu__item")
    assert len(tiles) >= 6
    assert min(h for _w, h in tiles) >= 120, tiles

    home = _url(world, who.schema, f"/totem/imoveis/{who.property_id}/")
    pages = [(tail, home + tail) for tail in TOTEM_PAGES]
    pages += [(tail, _url(world, who.schema, f"/totem/{tail}")) for tail in PUBLIC_PAGES]
    for number, (tail, url) in enumerate(pages, start=2):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        found += _fills(page, label)
        found += _one_table_type(page, label)
        _shot(page, f"totem-{label}-{number}-{tail.strip('/').replace('/', '-') or 'inicio'}")
        _axe(page)
        _no_overflow(page)
        assert page.problems == [], (page.url, page.problems)
    assert found == []
    page.context.close()
