"""The property's exceptions and legal processes page, reached from the one-screen property view
(TR S10.13; ADR 0188): both lists, and for the profiles with "service.legal" change the forms to
register an exception or a process, end an exception and close a process. Operators (view only)
consult; a write from them is refused with 403 (S10.13-02)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.billing.legal import LEGAL_FUNCTION, legal_locks
from modules.billing.models import Bill, LegalProcess, PropertyException
from modules.billing.models_legal import ExceptionKind, ProcessKind
from modules.billing.services import legal
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.common.forms import form_error
from modules.registry.models import Property

from .forms import DATE


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label="Exceção", choices=ExceptionKind.choices)
    starts_on = forms.DateField(label="Início", widget=DATE)
    ends_on = forms.DateField(label="Fim (vazio: sem fim)", widget=DATE, required=False)
    reason = forms.CharField(label="Motivo", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ProcessForm(forms.Form):
    kind = forms.ChoiceField(label="Tipo", choices=ProcessKind.choices)
    number = forms.CharField(label="Número do processo", max_length=60)
    starts_on = forms.DateField(label="Início", widget=DATE)
    description = forms.CharField(
        label="Descrição", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    bills = forms.TypedMultipleChoiceField(
        label="Faturas do processo (nenhuma: todas as do imóvel)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, bills: list[Bill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bills"].choices = [
            (b.pk, f"{b.reference:%m/%Y} · venc. {b.due_date:%d/%m/%Y} · R$ {b.total}") for b in bills
        ]


class EndForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = forms.DateField(label="Último dia", widget=DATE)
    reason = forms.CharField(label="Motivo", max_length=1000)


@function_required(LEGAL_FUNCTION)
def desk_legal_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property, pk=pk)
    user: Any = request.user
    today = tenant_today()
    may_change = user.can(LEGAL_FUNCTION, "change")
    bills = list(
        Bill.objects.filter(property=prop).exclude(status="draft").order_by("-reference", "-id")[:36]
    )
    op = request.POST.get("op", "") if request.method == "POST" else ""
    if op and not may_change:
        messages.error(request, "Seu perfil apenas consulta exceções e processos.")
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    exception_form = ExceptionForm(request.POST if op == "exception" else None, initial={"starts_on": today})
    process_form = ProcessForm(
        request.POST if op == "process" else None, bills=bills, initial={"starts_on": today}
    )
    end_form = EndForm(request.POST if op in ("exception_end", "process_close") else None)
    done = ""
    try:
        if op == "exception" and exception_form.is_valid():
            legal.exception_create(actor=user, property_id=prop.pk, **exception_form.cleaned_data)
            done = "Exceção registrada."
        elif op == "process" and process_form.is_valid():
            d = process_form.cleaned_data
            legal.process_create(
                actor=user,
                property_id=prop.pk,
                kind=d["kind"],
                number=d["number"],
                starts_on=d["starts_on"],
                description=d["description"],
                bill_ids=d["bills"],
            )
            done = "Processo registrado."
        elif op == "exception_end" and end_form.is_valid():
            d = end_form.cleaned_data
            get_object_or_404(PropertyException, pk=d["target"], property=prop)
            legal.exception_end(
                actor=user, exception_id=d["target"], ends_on=d["ends_on"], reason=d["reason"]
            )
            done = "Exceção encerrada."
        elif op == "process_close" and end_form.is_valid():
            d = end_form.cleaned_data
            get_object_or_404(LegalProcess, pk=d["target"], property=prop)
            legal.process_close(actor=user, process_id=d["target"], ends_on=d["ends_on"], reason=d["reason"])
            done = "Processo encerrado."
    except DomainError as exc:
        form_error({"exception": exception_form, "process": process_form}.get(op, end_form), exc)
    if done:
        messages.success(request, done)
        return redirect("service:desk_legal", prop.pk)
    return render(
        request,
        "service/legal/property.html",
        {
            "p": prop,
            "today": today,
            "may_change": may_change,
            "locks": legal_locks(prop.pk, on=today),
            "exceptions": [(e, e.in_force(today)) for e in PropertyException.objects.filter(property=prop)],
            "processes": [
                (p, p.in_force(today))
                for p in LegalProcess.objects.filter(property=prop).prefetch_related("bills")
            ],
            "exception_form": exception_form,
            "process_form": process_form,
            "end_form": end_form,
            "op": op,
        },
        status=400 if op else 200,
    )
