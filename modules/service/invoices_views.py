"""The attendant's invoice pages, reached from the one-screen property view (seed 001 3.2.13.9,
3.2.13.10.16): the bills by status with their flags and late charges, sending selected bills by
e-mail or SMS, a bill issued early or after the group's run left it out (preview, then confirm),
the unit's cut-off permissions, and the units collection may notify or cut."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.billing.services import delivery, single
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.debt.disconnection import PURPOSES, cut_candidates
from modules.registry.models import Property
from modules.registry.services.properties import property_update

from .invoices import BILL_FILTERS, property_bills
from .invoices_forms import BillSendForm, CutCandidatesForm, CutPermissionForm, SingleIssueForm


def _denied(request: HttpRequest, function: str) -> bool:
    if request.user.can(function, "change"):
        return False
    messages.error(request, "Seu perfil não permite esta operação.")
    return True


@function_required("billing.bills")
def desk_bills_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.9.1: the bills by status; 3.2.13.9.17/.18: selected bills by e-mail or SMS."""
    prop = get_object_or_404(Property, pk=pk)
    status = request.GET.get("status", "")
    rows = property_bills(prop.pk, status=status, today=tenant_today())
    form = BillSendForm(
        request.POST or None, bill_ids=[r.bill.pk for r in property_bills(prop.pk, today=tenant_today())]
    )
    if request.method == "POST" and not _denied(request, "billing.bills") and form.is_valid():
        op, to = request.POST.get("op"), form.cleaned_data["to"]
        try:
            if op == "sms":
                sent = delivery.bills_send_sms(
                    actor=request.user, property_id=prop.pk, bill_ids=form.cleaned_data["bills"], phone=to
                )
                messages.success(request, f"{len(sent)} SMS enviado(s).")
            else:
                address = delivery.bills_send_email(
                    actor=request.user, property_id=prop.pk, bill_ids=form.cleaned_data["bills"], to=to
                )
                messages.success(request, f"Faturas enviadas para {address}.")
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"{request.path}?status={status}")
    return render(
        request,
        "service/invoices/bills.html",
        {"p": prop, "rows": rows, "status": status, "filters": BILL_FILTERS, "form": form},
    )


@function_required("billing.bills")
def desk_bill_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.9.12/.13: one bill issued outside the group's run, with a preview first."""
    prop = get_object_or_404(Property, pk=pk)
    form = SingleIssueForm(request.POST or None, initial={"kind": single.EARLY})
    preview = None
    if request.method == "POST" and not _denied(request, "billing.bills") and form.is_valid():
        confirm = request.POST.get("op") == "confirm"
        try:
            outcome = single.bill_issue_single(
                actor=request.user,
                property_id=prop.pk,
                reference=YearMonth.parse(form.cleaned_data["reference"]),
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                preview=not confirm,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if outcome.bill is not None:
                messages.success(request, f"Fatura {outcome.bill.pk} emitida.")
                return redirect("billing:bill", outcome.bill.pk)
            preview = outcome.bill_state
    return render(request, "service/invoices/issue.html", {"p": prop, "form": form, "preview": preview})


@function_required("registry.properties")
def desk_cut_permission_view(request: HttpRequest, pk: int) -> HttpResponse:
    """3.2.13.10.16/.20: whether the unit may receive cut-off notices and cut orders."""
    prop = get_object_or_404(Property, pk=pk)
    form = CutPermissionForm(
        request.POST or None,
        initial={"cut_notice_allowed": prop.cut_notice_allowed, "cut_order_allowed": prop.cut_order_allowed},
    )
    if request.method == "POST" and not _denied(request, "registry.properties") and form.is_valid():
        try:
            property_update(actor=request.user, prop=prop, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Permissões de corte atualizadas.")
            return redirect("service:desk_property", prop.pk)
    return render(request, "service/invoices/cut_permission.html", {"p": prop, "form": form})


@function_required("debt.position")
def cut_candidates_view(request: HttpRequest) -> HttpResponse:
    """The units that may receive a cut-off notice or a cut order today (holds, agreements and the
    units' permissions respected)."""
    form = CutCandidatesForm(request.GET or None)
    rows = []
    if form.is_valid():
        rows = cut_candidates(
            as_of=tenant_today(),
            purpose=form.cleaned_data["purpose"],
            min_days_overdue=form.cleaned_data["days"],
        )
    return render(
        request, "service/invoices/cut_candidates.html", {"form": form, "rows": rows, "purposes": PURPOSES}
    )


CONNECTION_DATA = (
    "diameter_mm",
    "material",
    "depth_m",
    "street_pavement",
    "sidewalk_pavement",
    "installation_notes",
)
PROPERTY_DATA = (
    "municipal_registration",
    "built_area",
    "residents",
    "has_water_tank",
    "has_cistern",
    "has_own_source",
    "building_status",
    "street_paving",
    "sidewalk_paving",
)


@function_required("registry.properties")
def desk_registry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Registry changes at the counter (seed 001 3.2.13.10.4/.6 connection data and installation
    notes, .10.10 municipal id and building data, .10.12 the reading route with re-sequencing,
    .10.14 the alternative due day among the group's days): one form per change, each audited by
    its registry or billing service."""
    from modules.billing.models import DueDayChoice
    from modules.billing.services.due_days import due_day_set_by_staff
    from modules.registry.models import Route, ServiceConnection
    from modules.registry.services.connections import connection_update
    from modules.registry.services.properties import property_move_in_route

    from .invoices_forms import ConnectionDataForm, DueDayStaffForm, PropertyDataForm, RouteMoveForm

    prop = get_object_or_404(Property.objects.select_related("billing_group", "route"), pk=pk)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    data = request.POST if op else None
    days = prop.billing_group.allowed_due_days() if prop.billing_group else []
    routes = [
        (r.pk, f"Rota {r.code}{' – ' + r.name if r.name else ''}")
        for r in Route.objects.filter(group=prop.billing_group_id)
    ]
    connections = list(ServiceConnection.objects.filter(property=prop).order_by("kind"))
    current_day = DueDayChoice.objects.filter(property=prop).values_list("day", flat=True).first()
    forms_ = {
        "due_day": DueDayStaffForm(
            data if op == "due_day" else None, days=days, initial={"day": current_day}
        ),
        "route": RouteMoveForm(
            data if op == "route" else None,
            routes=routes,
            initial={"route": prop.route_id, "route_sequence": prop.route_sequence},
        ),
        "data": PropertyDataForm(
            data if op == "data" else None, initial={k: getattr(prop, k) for k in PROPERTY_DATA}
        ),
    }
    conn_forms = [
        (
            c,
            ConnectionDataForm(
                data if op == f"conn-{c.pk}" else None,
                prefix=f"c{c.pk}",
                initial={k: getattr(c, k) for k in CONNECTION_DATA},
            ),
        )
        for c in connections
    ]
    if op and not _denied(request, "registry.properties"):
        form = forms_.get(op) or next((f for c, f in conn_forms if op == f"conn-{c.pk}"), None)
        if form is not None and form.is_valid():
            d = form.cleaned_data
            try:
                if op == "due_day":
                    due_day_set_by_staff(
                        actor=request.user, property_id=prop.pk, day=d["day"], reason=d["reason"]
                    )
                elif op == "route":
                    property_move_in_route(
                        actor=request.user,
                        prop=prop,
                        route=Route.objects.get(pk=d["route"]),
                        sequence=d["route_sequence"],
                        reason=d["reason"],
                    )
                elif op == "data":
                    property_update(actor=request.user, prop=prop, **d)
                else:
                    conn = next(c for c in connections if op == f"conn-{c.pk}")
                    connection_update(actor=request.user, connection_obj=conn, **d)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Cadastro atualizado.")
                return redirect("service:desk_registry", prop.pk)
    return render(
        request,
        "service/invoices/registry.html",
        {"p": prop, "forms": forms_, "conn_forms": conn_forms, "days": days, "current_day": current_day},
    )
