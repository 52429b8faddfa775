"""Forms of the consumption review's pages (seed 001 3.2.6)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from modules.common.domain.dates import YearMonth

from .domain import reviews as rules
from .models import Team


class ReviewOpenForm(forms.Form):
    account_number = forms.CharField(label="Matrícula", max_length=12)
    reference = forms.CharField(label="Mês/ano da conta revisada", max_length=7, help_text="MM/AAAA")
    origin = forms.ChoiceField(
        label="Origem", choices=[("customer", "Pedido do cliente"), ("internal", "Iniciativa interna")]
    )
    channel = forms.ChoiceField(
        label="Canal", choices=[("counter", "Balcão"), ("phone", "Telefone / 0800"), ("email", "E-mail")]
    )
    requested_on = forms.DateField(
        label="Data da solicitação", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    requester_name = forms.CharField(label="Proponente (quem pede)", max_length=200)
    requester_phone = forms.CharField(label="Telefone do proponente", max_length=20, required=False)
    requester_email = forms.EmailField(label="E-mail para o laudo", required=False)
    residents = forms.IntegerField(label="Número de moradores", min_value=0, max_value=999)
    has_pool = forms.BooleanField(label="Possui piscina", required=False)
    pool_liters = forms.IntegerField(label="Volume da piscina (litros)", min_value=1, required=False)
    has_washing_machine = forms.BooleanField(label="Possui máquina de lavar roupa", required=False)
    has_water_tank = forms.BooleanField(label="Possui caixa d'água", required=False)
    tank_liters = forms.IntegerField(label="Capacidade da caixa d'água (litros)", min_value=1, required=False)
    other_source = forms.ChoiceField(
        label="Outra fonte de água", choices=list(rules.OTHER_SOURCES.items()), required=False
    )
    description = forms.CharField(label="Descrição da ocorrência", widget=forms.Textarea(attrs={"rows": 4}))

    def clean_reference(self) -> YearMonth:
        raw = self.cleaned_data["reference"].strip()
        try:
            month, year = raw.split("/")
            return YearMonth(int(year), int(month))
        except ValueError as exc:
            raise forms.ValidationError("Informe o mês no formato MM/AAAA.") from exc


class AdvanceForm(forms.Form):
    phase = forms.ChoiceField(label="Nova fase")
    note = forms.CharField(label="Registro", max_length=500, required=False)

    def __init__(self, *args: Any, phases: tuple[rules.Phase, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(p.code, p.label) for p in phases]


class VisitForm(forms.Form):
    at = forms.DateTimeField(
        label="Data e hora", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    technician = forms.ModelChoiceField(label="Técnico", queryset=get_user_model().objects.none())
    team = forms.ModelChoiceField(
        label="Equipe (aplicativo de campo)", queryset=Team.objects.none(), required=False
    )
    note = forms.CharField(label="Observação", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(is_active=True)  # type: ignore[attr-defined]


class RebillForm(forms.Form):
    consumption_m3 = forms.IntegerField(label="Consumo a faturar (m³)", min_value=0, required=False)
    reading = forms.IntegerField(label="Leitura correta", min_value=0, required=False)
    leak_percent = forms.IntegerField(
        label="Desconto de vazamento (%)", min_value=1, max_value=100, required=False
    )
    leak_by_average = forms.BooleanField(label="Faturar pela média de seis meses", required=False)
    reason = forms.CharField(label="Motivo", max_length=300)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Resultado", choices=list(rules.OUTCOME_LABELS.items()))
    conclusion = forms.CharField(label="Parecer (laudo)", widget=forms.Textarea(attrs={"rows": 5}))


class ReviewSettingsForm(forms.Form):
    phases = forms.CharField(
        label="Fases (uma por linha: código; nome; prazo em dias)",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    visit_code = forms.CharField(label="Código de serviço da vistoria", max_length=20)
    visit_minutes = forms.IntegerField(
        label="Duração da vistoria na agenda (minutos)", min_value=10, max_value=600
    )

    def clean_phases(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["phases"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 3 or not parts[2].isdigit():
                raise forms.ValidationError(f"Linha {number}: escreva código; nome; prazo em dias.")
            rows.append({"code": parts[0], "label": parts[1], "days": int(parts[2])})
        return rows
