"""R-05 (ADR 0225): the page where the utility chooses its matrícula's check-digit rule."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from modules.access.views import function_required
from modules.common.errors import DomainError

from .domain.account_number import AccountRule, format_account_number
from .models import Property
from .models_numbering import NumberingSettings
from .services.numbering import numbering_update


class NumberingForm(forms.Form):
    account_rule = forms.ChoiceField(
        label="Dígito verificador da matrícula",
        choices=NumberingSettings.Rule.choices,
        widget=forms.RadioSelect,
    )
    account_separator = forms.ChoiceField(
        label="Separador do dígito", choices=NumberingSettings.Separator.choices, widget=forms.RadioSelect
    )


@require_http_methods(["GET", "POST"])
@function_required("registry.reference")
def numbering_view(request: HttpRequest) -> HttpResponse:
    row = NumberingSettings.current()
    form = NumberingForm(
        request.POST or None,
        initial={"account_rule": row.account_rule, "account_separator": row.account_separator},
    )
    status = 200
    if request.method == "POST":
        if not request.user.can("registry.reference", "change"):  # type: ignore[union-attr]
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        status = 400
        if form.is_valid():
            try:
                numbering_update(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Regra da matrícula salva.")
                return redirect("registry:numbering")
    rule = AccountRule(row.account_rule, row.account_separator)
    return render(
        request,
        "registry/numbering.html",
        {
            "form": form,
            "example": format_account_number(464726, rule),
            "locked": Property.objects.exists(),
        },
        status=status,
    )
