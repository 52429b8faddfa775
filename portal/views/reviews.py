"""The citizen's consumption-review request (seed 001 3.2.6.1, ADR 0229): the form of 3.2.6.2 on one
of the unit's bills; the case then shows on the protocol's page with its phases."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from modules.common.errors import DomainError, ErrorCode, PermissionDenied
from modules.common.forms import form_error
from modules.service.domain.reviews import OTHER_SOURCES
from modules.service.models import ServiceRequest

from ..auth import Grant
from ..forms import ConsumptionReviewForm
from ..services_review import CitizenReviewForm, citizen_review_request, review_months
from .base import citizen_required, granted_property, is_totem, page_url, render_page


@require_http_methods(["GET", "POST"])
@citizen_required
def review_new(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    if not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.PERMISSION_DENIED,
        )
    months = review_months(prop)
    initial: dict[str, object] = {"name": grant.holder_name} if grant.verified_holder else {}
    if request.GET.get("conta", "").isdigit():  # the bills list's link names the bill
        initial["bill"] = int(request.GET["conta"])
    form = ConsumptionReviewForm(
        request.POST or None, months=months, sources=list(OTHER_SOURCES.items()), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = citizen_review_request(
                grant=grant,
                prop=prop,
                form=CitizenReviewForm(
                    bill_id=data["bill"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    residents=data["residents"],
                    description=data["description"],
                    has_pool=data["has_pool"],
                    pool_liters=data.get("pool_liters"),
                    has_washing_machine=data["has_washing_machine"],
                    has_water_tank=data["has_water_tank"],
                    tank_liters=data.get("tank_liters"),
                    other_source=data.get("other_source") or "",
                ),
                channel=ServiceRequest.Channel.TOTEM if is_totem(request) else ServiceRequest.Channel.WEB,
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            if exc.field == "reference":  # the month is the bill the citizen chose
                exc.field = "bill"
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Pedido de revisão {review.control} registrado. Anote o protocolo: "
                f"{review.protocol.protocol}. O laudo será enviado para {review.requester_email}.",
            )
            return redirect(page_url(request, "request_detail", prop.pk, review.protocol.protocol))
    return render_page(
        request, "portal/review_new.html", {"form": form, "prop": prop, "has_bills": bool(months)}
    )
