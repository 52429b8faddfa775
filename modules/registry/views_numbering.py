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
from .domain.inscription import Inscription, parse_widths
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
    inscription_widths = forms.ChoiceField(
        label="Larguras da inscrição (localidade.setor.quadra.lote.sublote)",
        choices=NumberingSettings.InscriptionWidths.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: the widths stay as they are
    )


@require_http_methods(["GET", "POST"])
@function_required("registry.reference")
def numbering_view(request: HttpRequest) -> HttpResponse:
    row = NumberingSettings.current()
    form = NumberingForm(
        request.POST or None,
        initial={
            "account_rule": row.account_rule,
            "account_separator": row.account_separator,
            "inscription_widths": row.inscription_widths,
        },
    )
    status = 200
    if request.method == "POST":
        if not request.user.can("registry.reference", "change"):  # type: ignore[union-attr]
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        status = 400
        if form.is_valid():
            try:
                data = form.cleaned_data
                numbering_update(
                    actor=request.user,  # type: ignore[arg-type]
                    account_rule=data["account_rule"],
                    account_separator=data["account_separator"],
                    inscription_widths=data.get("inscription_widths") or None,
                )
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
            "inscription_example": Inscription(
                425, 1, 3, 1058, 0, widths=parse_widths(row.inscription_widths)
            ).formatted(),
            "locked": Property.objects.exists(),
        },
        status=status,
    )
