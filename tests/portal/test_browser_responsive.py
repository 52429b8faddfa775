"""VA-03, responsive: every agency page a signed-in citizen can open, at the four widths of the
catalog (360×640 and 390×844 phones, 768×1024 tablet, 1366×768 laptop), on both utilities: no
sideways scrolling, no button label running out of its button, the page title and its primary
action on screen and clickable (Playwright's actionability check: visible, stable, enabled, not
covered), and, at the narrowest and the widest width, no WCAG 2.1 A/AA violation (axe-core).
Debian ships Chromium only, so WebKit (iOS) is not driven here; the layout uses no engine-specific
CSS.

The data and the server are test_browser_services.py's module fixture (committed rows, removed at
the end); this module gets its own instance.
"""

from __future__ import annotations

from typing import Any

import pytest

from .test_browser import _axe, _shot
from .test_browser_services import Holder, _enter, _open, _url, world  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {
    "360x640": {"width": 360, "height": 640},
    "390x844": {"width": 390, "height": 844},
    "768x1024": {"width": 768, "height": 1024},
    "1366x768": {"width": 1366, "height": 768},
}
AXE_AT = {"360x640", "1366x768"}
PROPERTY_PAGES = (
    "",
    "cadastro/",
    "contas/",
    "extrato/",
    "pagamentos/",
    "consumo/",
    "certidao/",
    "declaracao-anual/",
    "parcelamento/",
    "carnes/",
    "vencimento/",
    "pedidos/",
    "pedidos/novo/",
    "email/",
    "ouvidoria/",
    "ordens/",
    "avisos/",
)
PUBLIC_PAGES = (
    "/agencia/tarifas/",
    "/agencia/simulador-de-conta/",
    "/agencia/problema/",
    "/agencia/qualidade-da-agua/",
)
PRIMARY = "main .br-button.primary:visible, main button[type=submit]:visible"


# elements reaching past the right edge of the screen, unless an ancestor that fits clips them or
# scrolls them on its own (a visually hidden table head, a table in its own scrolling region)
WIDER_THAN_SCREEN = """async () => {
  await document.fonts.ready;
  const w = document.documentElement.clientWidth;
  const contained = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const clips = getComputedStyle(a).overflowX !== 'visible';
      if (clips && a.getBoundingClientRect().right <= w + 0.5) return true;
    }
    return false;
  };
  const out = [...document.querySelectorAll('main *, header *, footer *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > w + 0.5 && !contained(e);
  });
  return out.slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} até `
    + `${Math.round(e.getBoundingClientRect().right)}px`);
}"""


# buttons whose label runs out of them (the box fits, the text does not)
OVERFLOWING_LABELS = """() => [...document.querySelectorAll('main .br-button')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim().slice(0, 40))"""


def _look(page: Any, name: str, label: str) -> list[str]:
    """What is wrong with the page at this width (nothing, ideally)."""
    found = []
    wider = page.evaluate(WIDER_THAN_SCREEN)
    if wider or not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        found.append(f"{page.url} passa da largura da tela ({label}): {wider}")
    labels = page.evaluate(OVERFLOWING_LABELS)
    if labels:
        found.append(f"{page.url}: texto maior que o botão ({label}): {labels}")
    if not page.locator("h1").first.is_visible():
        found.append(f"{page.url}: sem título visível")
    action = page.locator(PRIMARY).first
    if action.count():
        try:
            action.scroll_into_view_if_needed()
            action.click(trial=True, timeout=3000)  # actionability only: nothing is submitted
        except Exception as exc:  # Playwright's TimeoutError names what blocked the click
            found.append(f"{page.url}: ação principal não clicável em {label}: {str(exc).splitlines()[0]}")
    if label in AXE_AT:
        try:
            _axe(page)
        except AssertionError as exc:
            found.append(str(exc))
    _shot(page, f"responsive-{label}-{name}")
    found += [f"{page.url}: {problem}" for problem in page.problems]
    page.problems.clear()
    return found


@pytest.mark.parametrize("label", list(VIEWPORTS))
@pytest.mark.parametrize("key", ["maria", "ana"])
def test_every_agency_page_fits_and_offers_its_action(
    browser: Any,
    world: dict[str, Any],  # noqa: F811
    key: str,
    label: str,
) -> None:
    who: Holder = world[key]
    page = _open(browser, VIEWPORTS[label])
    home = _enter(page, world, who)
    found: list[str] = []
    for tail in PROPERTY_PAGES:
        response = page.goto(home + tail)
        assert response is not None and response.status == 200, (
            f"{home + tail}: {response and response.status}"
        )
        found += _look(page, f"{who.schema}-{tail.strip('/').replace('/', '-') or 'inicio'}", label)
    for path in PUBLIC_PAGES:
        response = page.goto(_url(world, who.schema, path))
        assert response is not None and response.status == 200, path
        found += _look(page, f"{who.schema}-{path.strip('/').replace('/', '-')}", label)
    page.context.close()
    assert found == [], "\n".join(found)
