"""Staff pages of service: the orders (deadline queue, opening, an order with its history and
actions), service codes with their price table, teams with sectors and vehicles, materials and kits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from modules.access.domain.scopes import in_scope
from modules.access.scoping import scoped
from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today, tenant_zone
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.registry.models import Property

from . import selectors
from .domain.deadlines import remaining
from .domain.orders import STATUS_LABELS, Action, OrderStatus, allowed_actions
from .forms import (
    CancelForm,
    CloseForm,
    KitForm,
    MaterialForm,
    MaterialPriceForm,
    MemberForm,
    OrderNewForm,
    PostponeForm,
    PriceForm,
    ReasonForm,
    ScheduleForm,
    SectorForm,
    ServiceCodeForm,
    TeamForm,
    VehicleForm,
)
from .models import Kit, Material, OrderEvent, Sector, ServiceCode, ServiceOrder, Team, Vehicle
from .orders_forms import InspectForm
from .orders_views import closing_values, order_extra
from .services import catalog, orders

CODE_TYPES = ["service.servicecode"]
TEAM_TYPES = ["service.team", "service.sector", "service.vehicle"]
MATERIAL_TYPES = ["service.material", "service.kit"]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A datetime-local typed on a page is the utility's local time."""
    if value is None:
        return None
    return value.replace(tzinfo=tenant_zone()) if value.tzinfo is None else value


def _fail(form: forms.Form, exc: DomainError) -> None:
    field = (exc.field or "").split(".")[0].split("[")[0]
    form.add_error(field if field in form.fields else None, exc.message)


# --- orders ----------------------------------------------------------------------------------------


@function_required("service.orders")
def orders_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    q = request.GET
    status = q.get("status", "")
    status = status if status in {s.value for s in OrderStatus} else ""
    team = q.get("team", "")
    sector = q.get("sector", "")
    code = q.get("code", "")
    overdue = q.get("overdue") == "1"
    qs = selectors.order_queue(
        now=now,
        status=status,
        team_id=int(team) if team.isdigit() else None,
        sector_id=int(sector) if sector.isdigit() else None,
        code=code,
        overdue_only=overdue,
    )
    qs = scoped(qs, request.user, "service.orders", orders.ORDER_SCOPE_PATHS)
    page, size = page_of(request, qs)
    return render(
        request,
        "service/orders.html",
        {
            "page": page,
            "rows": selectors.queue_rows(page, now),
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": urlencode(
                {
                    "status": status,
                    "team": team,
                    "sector": sector,
                    "code": code,
                    "overdue": "1" if overdue else "",
                }
            ),
            "statuses": [(s.value, STATUS_LABELS[s]) for s in OrderStatus],
            "teams": Team.objects.all(),
            "sectors": Sector.objects.all(),
            "codes": ServiceCode.objects.all(),
            "status": status,
            "team": team,
            "sector": sector,
            "code": code,
            "overdue": overdue,
        },
    )


@function_required("service.orders", "add")
def order_new_view(request: HttpRequest) -> HttpResponse:
    form = OrderNewForm(request.POST or None, initial={"account": request.GET.get("matricula", "")})
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"].strip()
        prop = Property.objects.filter(account_number=account).first()
        if prop is None:
            form.add_error("account", "Nenhum imóvel com esta matrícula.")
        else:
            try:
                order = orders.order_open(
                    actor=request.user,
                    code=form.cleaned_data["code"].code,
                    property_id=prop.pk,
                    description=form.cleaned_data["description"],
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"Ordem de serviço {order.label} aberta.")
                return redirect("service:order", order.pk)
    return render(request, "service/order_new.html", {"form": form}, status=400 if form.errors else 200)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "schedule": ScheduleForm,
    "postpone": PostponeForm,
    "close": CloseForm,
    "cancel": CancelForm,
    "unschedule": ReasonForm,
    "pause": ReasonForm,
    "rework": ReasonForm,
    "inspect": InspectForm,
}


@function_required("service.orders")
def order_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        ServiceOrder.objects.select_related("code", "code__kit", "property", "team", "sector", "parent"),
        pk=pk,
    )
    if not in_scope(
        request.user.scopes_for("service.orders"), orders.order_place(order.sector, order.property)
    ):  # type: ignore[union-attr]
        raise Http404("Ordem de serviço não encontrada.")
    action = request.POST.get("action", "")
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if not request.user.can("service.orders", "change"):  # type: ignore[union-attr]
            return _forbidden(request)
        form_class = ACTION_FORMS.get(action)
        form = form_class(request.POST, prefix=action) if form_class else None
        if form is not None:
            bound[action] = form
        if form is None or form.is_valid():
            try:
                _order_action(request, order, action, form.cleaned_data if form else {})
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return redirect("service:order", order.pk)
                _fail(form, exc)
            else:
                return redirect("service:order", order.pk)
    now = timezone.now()
    allowed = {a.value for a in allowed_actions(OrderStatus(order.status))}
    local_now = now.astimezone(tenant_zone()).replace(second=0, microsecond=0, tzinfo=None)
    defaults = {
        "schedule": {"team": order.team_id, "day": tenant_today()},
        "close": {
            "team": order.team_id,
            "executed_at": local_now,
            "executed": "1",
            "quantity": 1,
            "materials": _kit_lines(order),
        },
        "postpone": {},
        "cancel": {},
        "unschedule": {},
        "pause": {},
        "rework": {},
        "inspect": {},
    }
    action_forms = {
        name: bound.get(name) or cls(prefix=name, initial=defaults.get(name, {}))
        for name, cls in ACTION_FORMS.items()
    }
    return render(
        request,
        "service/order.html",
        {
            "o": order,
            "status_label": STATUS_LABELS[OrderStatus(order.status)],
            "remaining": remaining(order.due_at, now) if selectors.is_open(order) else None,
            "events": OrderEvent.objects.filter(order=order),
            "labels": {s.value: label for s, label in STATUS_LABELS.items()},
            "services": order.executed_services.select_related("code"),
            "materials": order.materials_used.select_related("material"),
            "charges": order.charges.all(),
            "children": order.children.select_related("code").order_by("year", "number"),
            "allowed": allowed,
            "forms": action_forms,
            "can_change": request.user.can("service.orders", "change"),  # type: ignore[union-attr]
            "history": change_history(object_types=["service.serviceorder"], object_id=order.pk),
            **order_extra(order),
        },
        status=400 if bound else 200,
    )


def _kit_lines(order: ServiceOrder) -> str:
    """The code's kit as the closing form's expected materials (3.2.11.9), to confirm or correct."""
    if order.code.kit_id is None:
        return ""
    items = order.code.kit.items.select_related("material")
    return "\n".join(f"{i.material.code} {i.quantity.normalize():f}" for i in items)


def _order_action(request: HttpRequest, order: ServiceOrder, action: str, data: dict[str, Any]) -> None:
    """Raises DomainError from the service named by `action`."""
    actor = request.user
    if action == Action.SCHEDULE:
        orders.order_schedule(actor=actor, order_id=order.pk, team_id=data["team"].pk, day=data["day"])
        messages.success(request, "Ordem programada.")
    elif action == Action.POSTPONE:
        new_due = _aware(data["due_at"])
        assert new_due is not None
        orders.order_postpone(actor=actor, order_id=order.pk, new_due_at=new_due, reason=data["reason"])
        messages.success(request, "Prazo prorrogado.")
    elif action == "close":
        code = order.code
        orders.order_close(
            actor=actor,
            order_id=order.pk,
            executed=data["executed"],
            executed_at=_aware(data["executed_at"]),
            team_id=data["team"].pk if data["team"] else None,
            services=[orders.ServiceLine(code.code, data["quantity"] or Decimal("1"), data["amount"])],
            materials=[orders.MaterialLine(c, Decimal(q)) for c, q in data["materials"]],
            notes=data["notes"],
            reason=data["reason"],
            vehicle_id=data["vehicle"].pk if data.get("vehicle") else None,
            quality=data.get("quality", ""),
            quality_note=data.get("quality_note", ""),
            fields=closing_values(request, order),
        )
        messages.success(request, "Ordem encerrada.")
    elif action == Action.CANCEL:
        orders.order_cancel(actor=actor, order_id=order.pk, reason=data["reason"], opinion=data["opinion"])
        messages.success(request, "Ordem cancelada.")
    elif action == Action.UNSCHEDULE:
        orders.order_unschedule(actor=actor, order_id=order.pk, reason=data["reason"])
        messages.success(request, "Ordem desprogramada: voltou a pendente.")
    elif action == Action.RELEASE:
        orders.order_release(actor=actor, order_id=order.pk)
        messages.success(request, "Ordem liberada.")
    elif action == Action.START:
        orders.order_start(actor=actor, order_id=order.pk)
        messages.success(request, "Execução iniciada.")
    elif action == Action.PAUSE:
        orders.order_pause(actor=actor, order_id=order.pk, reason=data["reason"])
        messages.success(request, "Execução pausada.")
    elif action == "rework":
        rework = orders.order_rework(actor=actor, order_id=order.pk, reason=data["reason"])
        messages.success(request, f"Retrabalho aberto: OS {rework.label}.")
    elif action == "inspect":
        inspection = orders.order_inspect(
            actor=actor, order_id=order.pk, result=data["result"], note=data["note"]
        )
        if inspection.rework:
            messages.success(
                request, f"Vistoria insatisfatória: retrabalho aberto, OS {inspection.rework.label}."
            )
        else:
            messages.success(request, "Vistoria registrada: satisfatória.")
    elif action == Action.RESUME:
        orders.order_resume(actor=actor, order_id=order.pk)
        messages.success(request, "Execução retomada.")
    else:
        messages.error(request, "Ação desconhecida.")


# --- service codes ---------------------------------------------------------------------------------


@function_required("service.codes")
def codes_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    qs = ServiceCode.objects.select_related("sector").order_by("code")
    if text:
        qs = qs.filter(description__icontains=text) | qs.filter(code__icontains=text.upper())
    today = tenant_today()
    rows = [(c, selectors.current_price(c, today)) for c in qs]
    return render(
        request,
        "service/codes.html",
        {"rows": rows, "q": text, "history": change_history(object_types=CODE_TYPES)},
    )


def _code_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"code", "price"}}


@function_required("service.codes", "add")
def code_new_view(request: HttpRequest) -> HttpResponse:
    form = ServiceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = catalog.service_code_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                price=form.cleaned_data.get("price"),
                price_from=tenant_today(),
                **_code_fields(form.cleaned_data),
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"Código de serviço {row.code} criado.")
            return redirect("service:code", row.pk)
    return render(
        request,
        "service/code_form.html",
        {"form": form, "title": "Novo código de serviço"},
        status=400 if form.errors else 200,
    )


@function_required("service.codes")
def code_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ServiceCode, pk=pk)
    can_change = request.user.can("service.codes", "change")  # type: ignore[union-attr]
    form = ServiceCodeForm(
        request.POST if request.POST.get("action") == "edit" else None,
        editing=True,
        initial=ServiceCodeForm.initial_for(row),
    )
    price_form = PriceForm(request.POST if request.POST.get("action") == "price" else None, prefix="price")
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        if request.POST.get("action") == "edit" and form.is_valid():
            try:
                catalog.service_code_update(
                    actor=request.user, code_id=row.pk, **_code_fields(form.cleaned_data)
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, "Código de serviço alterado.")
                return redirect("service:code", row.pk)
        if request.POST.get("action") == "price" and price_form.is_valid():
            try:
                catalog.service_price_set(actor=request.user, code_id=row.pk, **price_form.cleaned_data)
            except DomainError as exc:
                _fail(price_form, exc)
            else:
                messages.success(request, "Preço registrado na tabela.")
                return redirect("service:code", row.pk)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    today = tenant_today()
    return render(
        request,
        "service/code_form.html",
        {
            "form": form,
            "code_row": row,
            "title": f"Código de serviço {row.code}",
            "price_form": price_form,
            "prices": row.prices.all(),
            "today": today,
            "current": selectors.current_price(row, today),
            "can_change": can_change,
            "history": change_history(object_types=CODE_TYPES, object_id=row.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- teams, sectors, vehicles ----------------------------------------------------------------------


@function_required("service.teams")
def teams_view(request: HttpRequest) -> HttpResponse:
    which = request.POST.get("action", "")
    forms_by_action: dict[str, forms.Form] = {
        "team": TeamForm(request.POST if which == "team" else None, prefix="team"),
        "sector": SectorForm(request.POST if which == "sector" else None, prefix="sector"),
        "vehicle": VehicleForm(request.POST if which == "vehicle" else None, prefix="vehicle"),
    }
    if request.method == "POST":
        if not request.user.can("service.teams", "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        form = forms_by_action.get(which)
        if form is not None and form.is_valid():
            try:
                if which == "team":
                    catalog.team_create(actor=request.user, **form.cleaned_data)
                elif which == "sector":
                    catalog.sector_create(actor=request.user, **form.cleaned_data)
                else:
                    catalog.vehicle_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, "Registro incluído.")
                return redirect("service:teams")
    today = tenant_today()
    teams = Team.objects.select_related("sector").prefetch_related("members__user", "vehicles")
    return render(
        request,
        "service/teams.html",
        {
            "teams": [(t, [m for m in t.members.all() if m.end is None or m.end >= today]) for t in teams],
            "sectors": Sector.objects.all(),
            "vehicles": Vehicle.objects.select_related("team"),
            "forms": forms_by_action,
            "can_add": request.user.can("service.teams", "add"),  # type: ignore[union-attr]
            "history": change_history(object_types=TEAM_TYPES),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("service.teams")
def team_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("sector"), pk=pk)
    form = MemberForm(request.POST or None, initial={"start": tenant_today()})
    if request.method == "POST":
        if not request.user.can("service.teams", "change"):  # type: ignore[union-attr]
            return _forbidden(request)
        if request.POST.get("action") == "end":
            try:
                catalog.team_member_end(
                    actor=request.user,
                    member_id=int(request.POST.get("member", "0") or 0),
                    end=tenant_today(),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("service:team", team.pk)
        if form.is_valid():
            try:
                catalog.team_member_add(
                    actor=request.user,
                    team_id=team.pk,
                    user_id=form.cleaned_data["user"].pk,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, "Integrante incluído.")
                return redirect("service:team", team.pk)
    return render(
        request,
        "service/team.html",
        {
            "team": team,
            "members": team.members.select_related("user"),
            "today": tenant_today(),
            "form": form,
            "can_change": request.user.can("service.teams", "change"),  # type: ignore[union-attr]
            "history": change_history(object_types=["service.team"], object_id=team.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- materials and kits ----------------------------------------------------------------------------


@function_required("service.materials")
def materials_view(request: HttpRequest) -> HttpResponse:
    which = request.POST.get("action", "")
    material_form = MaterialForm(request.POST if which == "material" else None, prefix="material")
    kit_form = KitForm(request.POST if which == "kit" else None, prefix="kit")
    price_form = MaterialPriceForm(request.POST if which == "price" else None, prefix="price")
    if request.method == "POST":
        if not request.user.can("service.materials", "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        try:
            if which == "material" and material_form.is_valid():
                catalog.material_create(
                    actor=request.user, price_from=tenant_today(), **material_form.cleaned_data
                )
                messages.success(request, "Material incluído.")
                return redirect("service:materials")
            if which == "price" and price_form.is_valid():
                data = price_form.cleaned_data
                catalog.material_price_set(
                    actor=request.user,
                    material_id=data["material"].pk,
                    valid_from=data["valid_from"],
                    price=data["price"],
                )
                messages.success(request, "Preço do material registrado.")
                return redirect("service:materials")
            if which == "kit" and kit_form.is_valid():
                data = kit_form.cleaned_data
                catalog.kit_create(
                    actor=request.user,
                    code=data["code"],
                    description=data["description"],
                    items=[(c, Decimal(q)) for c, q in data["items"]],
                )
                messages.success(request, "Kit incluído.")
                return redirect("service:materials")
        except DomainError as exc:
            _fail({"kit": kit_form, "price": price_form}.get(which, material_form), exc)
    today = tenant_today()
    materials = Material.objects.prefetch_related("prices")
    rows = [(m, next((p.price for p in m.prices.all() if p.valid_from <= today), None)) for m in materials]
    return render(
        request,
        "service/materials.html",
        {
            "rows": rows,
            "kits": Kit.objects.prefetch_related("items__material"),
            "material_form": material_form,
            "kit_form": kit_form,
            "price_form": price_form,
            "can_add": request.user.can("service.materials", "add"),  # type: ignore[union-attr]
            "history": change_history(object_types=MATERIAL_TYPES),
        },
        status=400 if request.method == "POST" else 200,
    )
