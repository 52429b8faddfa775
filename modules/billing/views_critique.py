"""Staff pages of the critique's rule set and minimum invoice values, and a run's critique report
(ADR 0226)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError
from modules.registry.models import Category

from .domain.critique import RULE_KIND_LABELS
from .models import BillingRun, CritiqueRule
from .print_file import run_print_file
from .services import critique


@function_required("billing.runs")
def critique_rules_view(request: HttpRequest) -> HttpResponse:
    """The rules (a table), a form to add one or change one (POST op=save, id optional), and the
    minimum invoice values (POST op=minimum)."""
    can_change = request.user.can("billing.runs", "change")  # type: ignore[union-attr]
    if request.method == "POST":
        if not can_change:
            messages.error(request, "Seu perfil não permite alterar as regras da crítica.")
            return redirect("billing:critique_rules")
        p = request.POST
        try:
            if p.get("op") == "minimum":
                critique.invoice_minimum_update(
                    actor=request.user, single_bill=p.get("single_bill", ""), run_bill=p.get("run_bill", "")
                )
                messages.success(request, "Valores mínimos de fatura salvos.")
            else:
                data = critique.RuleInput(
                    name=p.get("name", ""),
                    kind=p.get("kind", ""),
                    threshold=p.get("threshold", ""),
                    category=p.get("category", ""),
                    active=p.get("active") == "on",
                )
                if p.get("id"):
                    critique.critique_rule_update(actor=request.user, rule_id=int(p["id"]), data=data)
                    messages.success(request, f"Regra “{data.name}” alterada.")
                else:
                    critique.critique_rule_create(actor=request.user, data=data)
                    messages.success(request, f"Regra “{data.name}” criada.")
        except DomainError as exc:
            field = f" ({exc.field})" if exc.field else ""
            messages.error(request, f"{exc.message}{field}")
        return redirect("billing:critique_rules")
    return render(
        request,
        "billing/critique_rules.html",
        {
            "rules": CritiqueRule.objects.select_related("category").order_by("id"),
            "kinds": list(RULE_KIND_LABELS.items()),
            "categories": Category.objects.filter(active=True).order_by("code"),
            "minimum": critique.minimums(),
            "can_change": can_change,
        },
    )


@function_required("billing.runs")
def run_critique_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
    return render(request, "billing/run_critique.html", {"run": run, "report": critique.critique_report(run)})


@function_required("billing.runs")
def run_print_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
    response = HttpResponse(run_print_file(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="grafica-grupo{run.group.code}-{run.reference:%Y%m}.csv"'
    )
    return response
