"""Public pages over the tariff in force: the tariff table (VA-30) and the bill simulator (VA-31),
with the citizen's session header when there is one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from modules.billing.domain.calculation import sewer_price_per_m3
from modules.billing.domain.tariffs import ServiceType
from modules.billing.services import simulation as bill_simulation
from modules.billing.services import tariffs as tariff_services
from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError

from ..auth import session_grant
from ..models import AgencySettings
from .base import render_page

# --- VA-30 / VA-31: tariff table and bill simulator (public) --------------------------------------


def _public(request: HttpRequest) -> None:
    agency = AgencySettings.current()
    request.agency = agency  # type: ignore[attr-defined]
    request.grant = session_grant(request, idle_seconds=agency.web_idle_minutes * 60)  # type: ignore[attr-defined]


def _version_in_force() -> tuple[Any, Any]:
    tariff = tariff_services.tariff_in_force(tenant_today())
    return tariff, tariff_services.tariff_version(tariff)


class BillSimulationForm(forms.Form):
    category = forms.ChoiceField(label="Categoria")
    dwelling_units = forms.IntegerField(label="Economias", min_value=1, max_value=999, initial=1)
    consumption_m3 = forms.IntegerField(label="Consumo (m³)", min_value=0, max_value=99_999)
    service = forms.ChoiceField(
        label="Serviço",
        choices=[(ServiceType.WATER_SEWER.value, "Água e esgoto"), (ServiceType.WATER.value, "Só água")],
        initial=ServiceType.WATER_SEWER.value,
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


@require_GET
def tariff_table(request: HttpRequest) -> HttpResponse:
    _public(request)
    try:
        tariff, version = _version_in_force()
    except DomainError as exc:
        return render_page(request, "portal/services/tariffs.html", {"error": exc.message})
    categories = [
        {
            "code": c.code,
            "name": c.name,
            "minimum": c.minimum_m3_per_unit,
            "sewer_percent": c.sewer_percent,
            "bands": [
                {
                    "from_m3": b.from_m3,
                    "to_m3": b.to_m3,
                    "water": b.price,
                    "sewer": sewer_price_per_m3(version, c, b.price),
                }
                for b in c.bands
            ],
            "fixed": c.fixed_charges,
        }
        for c in version.categories
    ]
    return render_page(
        request,
        "portal/services/tariffs.html",
        {"tariff": tariff, "version": version, "categories": categories},
    )


@require_GET
def bill_simulator(request: HttpRequest) -> HttpResponse:
    _public(request)
    try:
        tariff, version = _version_in_force()
    except DomainError as exc:
        return render_page(request, "portal/services/bill_simulator.html", {"error": exc.message})
    categories = [(c.code, c.name) for c in version.categories]
    form = BillSimulationForm(request.GET or None, categories=categories)
    ctx: dict[str, Any] = {"form": form, "tariff": tariff}
    status = 200
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = bill_simulation.simulate(
                    version=version,
                    entries=[bill_simulation.SimulationEntry(data["category"], data["dwelling_units"])],
                    consumption_m3=data["consumption_m3"],
                    service=ServiceType(data["service"]),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                ctx["result"] = {
                    k: format_brl(Decimal(result[k])) for k in ("water", "sewer", "fixed", "total")
                }
        else:
            status = 400
    return render_page(request, "portal/services/bill_simulator.html", ctx, status=status)
