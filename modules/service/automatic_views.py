"""The settings page of abertura automática: which event opens an order of which service code, the
orders opened lately, and who changed the rules."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from .models import AutomaticEvent, AutomaticOpening, AutomaticRule, ServiceCode
from .services import automatic

RULE_TYPES = ["service.automaticrule"]


class RuleForm(forms.Form):
    event = forms.ChoiceField(label="Evento", choices=AutomaticEvent.choices)
    occurrence = forms.CharField(
        label="Ocorrência de leitura",
        max_length=10,
        required=False,
        help_text="Só para “Ocorrência de leitura”: o código da ocorrência (por exemplo 30).",
    )
    code = forms.ModelChoiceField(
        label="Código de serviço a abrir",
        queryset=ServiceCode.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
    )


@function_required("service.codes")
def automatic_rules_view(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST if request.POST.get("action") == "set" else None)
    can_change = request.user.can("service.codes", "change")  # type: ignore[union-attr]
    if request.method == "POST":
        if not can_change:
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        try:
            if request.POST.get("action") == "delete":
                automatic.rule_delete(actor=request.user, rule_id=int(request.POST.get("rule", "0") or 0))
                messages.success(request, "Regra excluída: o evento não abre mais ordens.")
                return redirect("service:automatic_rules")
            if form.is_valid():
                data = form.cleaned_data
                automatic.rule_set(
                    actor=request.user,
                    event=data["event"],
                    occurrence=data["occurrence"],
                    code=data["code"].code,
                )
                messages.success(request, "Regra de abertura automática gravada.")
                return redirect("service:automatic_rules")
        except DomainError as exc:
            field = (exc.field or "").split(".")[0]
            form.add_error(field if field in form.fields else None, exc.message)
    return render(
        request,
        "service/automatic_rules.html",
        {
            "rules": AutomaticRule.objects.select_related("code"),
            "openings": AutomaticOpening.objects.select_related("order__code", "order__property")[:20],
            "form": form,
            "can_change": can_change,
            "history": change_history(object_types=RULE_TYPES),
        },
        status=400 if request.method == "POST" else 200,
    )
