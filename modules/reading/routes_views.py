"""Staff pages of the routes' reading order (seed 001 3.2.4.1/.3/.10/.11): a group's routes with
their units and the units without route or sequence; a route's units in order, put in a new order
(positions typed on the page) or joined by units moved from other routes of the group."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.registry.models import BillingGroup, Route

from .models import LocalityType, RouteLocality
from .services import routes as svc


def _percent(raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    return Decimal(raw) if raw else None


@function_required("reading.batches")
def routes_view(request: HttpRequest) -> HttpResponse:
    can_change = bool(request.user.can("reading.batches", "change"))  # type: ignore[union-attr]
    if request.method == "POST":
        if not can_change:
            messages.error(request, "Seu perfil não permite alterar os tipos de localidade.")
        else:
            try:
                svc.locality_type_save(
                    actor=request.user,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    high_percent=_percent(request.POST.get("high_percent", "")),
                    low_percent=_percent(request.POST.get("low_percent", "")),
                )
                messages.success(request, "Tipo de localidade salvo.")
            except DomainError as exc:
                messages.error(request, exc.message)
            except (ValueError, ArithmeticError):
                messages.error(request, "Percentual inválido: use números como 150 ou 37,5.")
        return redirect(request.get_full_path())
    groups = list(BillingGroup.objects.filter(active=True).order_by("code"))
    try:
        code = int(request.GET.get("group", "") or (groups[0].code if groups else 0))
    except ValueError:
        code = groups[0].code if groups else 0
    group = next((g for g in groups if g.code == code), None)
    routes = (
        Route.objects.filter(group=group).annotate(units=Count("property")).order_by("sequence", "code")
        if group
        else Route.objects.none()
    )
    names = {
        rl.route_id: rl.locality_type.name
        for rl in RouteLocality.objects.filter(route__group=group).select_related("locality_type")
    }
    routes = list(routes)
    for r in routes:
        r.locality_name = names.get(r.pk, "")  # type: ignore[attr-defined]
    return render(
        request,
        "reading/routes.html",
        {
            "groups": groups,
            "group": group,
            "routes": routes,
            "unsequenced": svc.unsequenced(group) if group else [],
            "locality_types": LocalityType.objects.order_by("code"),
            "can_change": can_change,
        },
    )


@function_required("reading.batches")
def route_view(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(Route.objects.select_related("group"), pk=pk)
    can_change = bool(request.user.can("reading.batches", "change"))  # type: ignore[union-attr]
    if request.method == "POST":
        if not can_change:
            messages.error(request, "Seu perfil não permite alterar a ordem das rotas.")
            return redirect("reading:route", pk)
        op = request.POST.get("op", "")
        try:
            if op == "order":
                units = svc.route_units(route)
                positions = []
                for index, unit in enumerate(units, start=1):
                    raw = request.POST.get(f"pos_{unit.pk}", "").strip()
                    try:
                        place = float(raw.replace(",", ".")) if raw else float(index)
                    except ValueError:
                        messages.error(request, f"Posição inválida para {unit.account_number}: {raw}.")
                        return redirect("reading:route", pk)
                    positions.append((place, index, unit.pk))
                changed = svc.route_order(
                    actor=request.user, route=route, property_ids=[i for _p, _i, i in sorted(positions)]
                )
                messages.success(request, f"Ordem salva: {changed} imóvel(is) mudaram de lugar.")
            elif op == "locality":
                svc.route_locality_set(
                    actor=request.user, route=route, code=request.POST.get("locality_type") or None
                )
                messages.success(request, "Tipo de localidade da rota salvo: vale a partir da próxima carga.")
            elif op == "move":
                numbers = request.POST.get("accounts", "").replace(",", " ").split()
                moved = svc.route_move(actor=request.user, route=route, account_numbers=numbers)
                messages.success(request, f"{moved} imóvel(is) movido(s) para o fim da rota.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("reading:route", pk)
    return render(
        request,
        "reading/route.html",
        {
            "route": route,
            "units": svc.route_units(route),
            "can_change": can_change,
            "locality": svc.route_locality(route),
            "locality_types": LocalityType.objects.order_by("code"),
            "history": change_history(object_types=["registry.route"], object_id=route.pk),
        },
    )
