"""Forms of the debt staff pages."""

from __future__ import annotations

from django import forms

from .models import DebtSettings
from .services import SETTINGS_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PropertyLookupForm(forms.Form):
    account = forms.CharField(
        label="Matrícula",
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "ex.: 1234567", "autofocus": True, "inputmode": "numeric"}
        ),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label="Valores calculados para", required=False, widget=DATE)


class StatementForm(forms.Form):
    valid_until = forms.DateField(
        label="Pagável até",
        widget=DATE,
        help_text="Multa, juros e correção do extrato são calculados até esta data.",
    )


class SimulationForm(forms.Form):
    down_payment = forms.DecimalField(
        label="Entrada (R$)", max_digits=12, decimal_places=2, min_value=0, localize=True
    )
    installments = forms.IntegerField(label="Número de parcelas", min_value=1)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motivo do cancelamento", max_length=500)


class AnnualDeclarationForm(forms.Form):
    year = forms.IntegerField(label="Ano", min_value=2000)


class DebtSettingsForm(forms.ModelForm):
    class Meta:
        model = DebtSettings
        fields = list(SETTINGS_FIELDS)
