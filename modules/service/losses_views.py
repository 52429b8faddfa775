"""The staff page of loss charges (perdas, ADR 0228): the types and fine table, the long-cut
inspection rule, the loss charge of an executed inspection order, and the period's report."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.errors import DomainError

from .domain.losses import DEGREE_LABELS, NATURE_LABELS
from .models import LossCharge, LossSettings, LossType, ServiceOrder
from .services import losses


def _order_id(raw: str) -> int | None:
    """An order by its id or its label (2025/000012)."""
    raw = raw.strip()
    if "/" in raw:
        year, _, number = raw.partition("/")
        if year.isdigit() and number.isdigit():
            found = (
                ServiceOrder.objects.filter(year=int(year), number=int(number))
                .values_list("pk", flat=True)
                .first()
            )
            return int(found) if found else -1
        return -1
    return int(raw) if raw.isdigit() else None


@function_required("service.losses")
def losses_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.can("service.losses", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite esta operação.")
            return redirect("service:losses")
        p = request.POST
        op = p.get("op")
        try:
            if op == "type":
                losses.loss_type_create(
                    actor=request.user,
                    code=p.get("code", ""),
                    name=p.get("name", ""),
                    nature=p.get("nature", ""),
                )
                messages.success(request, "Tipo de perda cadastrado.")
            elif op == "fine":
                losses.loss_fine_create(
                    actor=request.user,
                    loss_type=p.get("loss_type", ""),
                    degree=p.get("degree", ""),
                    valid_from=dt.date.fromisoformat(p.get("valid_from") or ""),
                    amount=p.get("amount", ""),
                )
                messages.success(request, "Multa incluída na tabela.")
            elif op == "settings":
                losses.loss_settings_update(
                    actor=request.user,
                    long_cut_days=int(p.get("long_cut_days") or 0),
                    inspection_code=p.get("inspection_code", ""),
                )
                messages.success(request, "Regra de inspeção salva.")
            elif op == "inspections":
                opened = losses.long_cut_inspections_open(actor=request.user)
                messages.success(request, f"{len(opened)} ordens de inspeção abertas.")
            elif op == "charge":
                loss = losses.loss_charge_register(
                    actor=request.user,
                    order_id=_order_id(p.get("order", "")),
                    data=losses.LossInput(
                        p.get("loss_type", ""),
                        p.get("degree", ""),
                        p.get("police_report", ""),
                        [int(x) for x in re.split(r"[\s,;]+", p.get("photos", "")) if x.isdigit()],
                        p.get("notes", ""),
                    ),
                )
                messages.success(request, f"Perda registrada: multa de R$ {loss.fine} na próxima fatura.")
        except ValueError:
            messages.error(request, "Data ou número inválido.")
        except DomainError as exc:
            messages.error(request, f"{exc.message} (campo: {exc.field})" if exc.field else exc.message)
        return redirect("service:losses")
    today = tenant_today()
    start = dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from") else today.replace(day=1)
    end = dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
    rows, count, total = losses.loss_report(start, end)
    return render(
        request,
        "service/losses.html",
        {
            "types": LossType.objects.prefetch_related("fines").order_by("code"),
            "natures": list(NATURE_LABELS.items()),
            "degrees": list(DEGREE_LABELS.items()),
            "settings": LossSettings.current(),
            "recent": LossCharge.objects.select_related("order", "loss_type", "property")[:50],
            "report": rows,
            "count": count,
            "total": total,
            "start": start,
            "end": end,
        },
    )
