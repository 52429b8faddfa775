"""Staff pages of a unit's location (seed 001 3.2.13.10.8) and of a route re-sequenced from quadra
and lote (seed 002 S8.3-02)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError

from . import selectors
from .forms_location import LocationForm, ResequenceForm
from .models import Property, Route
from .services.location import (
    PARTS,
    LocationTaken,
    inscription_typed,
    property_set_location,
    route_resequence,
)

PREVIEW_ROWS = 500


@function_required("registry.properties", "change")
def property_location_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property, pk=pk)
    form = LocationForm(request.POST or None, initial={name: getattr(prop, name) for name in PARTS})
    taken: LocationTaken | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            typed = d["inscription"].strip()
            if typed:
                parts = dict(zip(PARTS, inscription_typed(typed).parts(), strict=True))
            else:
                parts = {name: d[name] or 0 for name in PARTS}
            prop = property_set_location(actor=request.user, prop=prop, **parts, reason=d["reason"])
        except LocationTaken as exc:
            taken = exc
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Localização alterada: inscrição {prop.inscription}.")
            same_lot = selectors.units_on_same_lot(prop)
            if same_lot:
                messages.warning(
                    request, f"Atenção: no mesmo lote também estão as matrículas {', '.join(same_lot)}."
                )
            return redirect("registry:property", prop.pk)
    return render(
        request,
        "registry/property_location.html",
        {"p": prop, "form": form, "taken": taken},
        status=409 if taken else (400 if request.method == "POST" else 200),
    )


@function_required("registry.properties", "change")
def route_resequence_view(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(Route.objects.select_related("group"), pk=pk)
    form = ResequenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = route_resequence(
                actor=request.user,
                route=route,
                step=form.cleaned_data["step"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, f"Rota {route} re-sequenciada: {len(changed)} imóvel(is) mudaram de sequência."
            )
            return redirect("registry:route_resequence", route.pk)
    units: list[Any] = list(
        Property.objects.filter(route=route)
        .select_related("street")
        .order_by("route_sequence", "pk")[: PREVIEW_ROWS + 1]
    )
    return render(
        request,
        "registry/route_resequence.html",
        {"route": route, "form": form, "units": units[:PREVIEW_ROWS], "more": len(units) > PREVIEW_ROWS},
        status=400 if request.method == "POST" else 200,
    )
