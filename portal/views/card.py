"""Card payment in the agency (VA-13): the "Pagar com cartão" screen and the way back from the
operator's hosted checkout.

The screen shows the ATENÇÃO notice (the payment runs in the secure environment of the company the
citizen chooses, whose prices, installment policy and costs are the citizen's business), the total
of the selected bills priced to today, and a select of the utility's accredited operators only (one
is preselected). "Pagar" opens the operator's checkout through `modules.collection.card_checkout` and
answers with a 302 to it; from then on the bills are *em revisão*. The operator sends the browser
back to `card_return`, which asks the gateway at once (the webhook may not have arrived yet) and
shows the payment's page.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from modules.collection.card_checkout import card_checkout_create, checkout_refresh
from modules.collection.models import GatewayAccount
from modules.collection.selectors import card_operators
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.errors import DomainError, ErrorCode, NotFound
from modules.common.http import csp_header

from ..access_card import access_card_charge_by_document
from ..auth import CitizenActor
from .base import (
    citizen_required,
    granted_property,
    is_totem,
    page_url,
    render_not_found,
    render_page,
    request_grant,
)
from .bills import chosen_rows

RETURN_ACTOR = SystemActor("portal.card_return")
# where Pagar.me's hosted checkout pages live (the operator's own URL is added for other hosts: the
# local fake in tests and the demo, a sandbox)
PAGARME_CHECKOUT_ORIGINS = ("https://*.pagar.me",)


def _checkout_origins(operators: list[GatewayAccount]) -> tuple[str, ...]:
    origins = list(PAGARME_CHECKOUT_ORIGINS)
    for account in operators:
        parts = urlsplit(account.base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return tuple(origins)


@require_http_methods(["GET", "POST"])
@citizen_required
def card_pay(request: HttpRequest, property_id: int) -> HttpResponse:
    if is_totem(request):  # see views.bills._methods: no card on a kiosk
        return render_not_found(
            request,
            NotFound("Pagamento com cartão não é oferecido no autoatendimento.", code=ErrorCode.NOT_FOUND),
        )
    prop = granted_property(request, property_id)
    today = tenant_today()
    source = request.POST if request.method == "POST" else request.GET
    rows, error = chosen_rows(prop, today, source.getlist("bills"))
    operators = card_operators()
    chosen = source.get("operator", "")
    if len(operators) == 1 and not chosen:
        chosen = str(operators[0].pk)
    if error:
        pass
    elif not operators:
        error = "A concessionária ainda não credenciou empresas para pagamento com cartão."
    elif request.method == "POST":
        try:
            charge = card_checkout_create(
                actor=CitizenActor(request_grant(request)),
                property_id=prop.pk,
                bill_ids=[r.bill_id for r in rows],
                account_id=int(chosen) if chosen.isdigit() else 0,
                today=today,
                success_url=lambda document_id: request.build_absolute_uri(
                    page_url(request, "card_return", property_id, document_id)
                ),
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(charge.checkout_url)
    response = render_page(
        request,
        "portal/bills/card.html",
        {
            "prop": prop,
            "rows": rows,
            "total": sum((r.total for r in rows), Decimal("0.00")),
            "operators": operators,
            "chosen": chosen,
            "error": error,
        },
        status=400 if error and request.method == "POST" else 200,
    )
    nonce = getattr(request, "csp_nonce", "")
    if nonce:  # the form's answer is a redirect to the operator: form-action must allow it
        response["Content-Security-Policy"] = csp_header(nonce, _checkout_origins(operators))
    return response


@require_GET
@citizen_required
def card_return(request: HttpRequest, property_id: int, document_id: int) -> HttpResponse:
    charge = access_card_charge_by_document(request_grant(request), property_id, document_id)
    checkout_refresh(charge, actor=RETURN_ACTOR)
    return redirect(page_url(request, "charge_detail", property_id, charge.pk))
