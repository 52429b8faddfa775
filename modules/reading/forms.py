"""Forms of reading's settings pages: a new version of the consumption regulation, a group's schedule
settings, a manual adjustment of a month's schedule."""

from __future__ import annotations

from typing import Any

from django import forms

from modules.common.domain.dates import YearMonth

from .domain.consumption import AverageRounding
from .domain.regulation import FIELD_LABELS, ROUNDING_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A reference month typed as AAAA-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return YearMonth.parse(text).first_day()
        except ValueError:
            raise forms.ValidationError("Informe o mês de referência como AAAA-MM.") from None


class RegulationVersionForm(forms.Form):
    valid_from = MonthField(
        label="Vigora a partir da referência",
        help_text="Um mês ainda não faturado: versões que já valeram em faturamento não mudam.",
    )
    act = forms.CharField(
        label="Ato que aprova a versão", max_length=200, help_text="Ex.: Decreto 1.234/2026."
    )
    average_months = forms.IntegerField(
        label=FIELD_LABELS["average_months"],
        help_text="Meses medidos que entram na média quando não há leitura (S14.6; de 1 a 24).",
    )
    average_rounding = forms.ChoiceField(
        label=FIELD_LABELS["average_rounding"],
        choices=[(r.value, ROUNDING_LABELS[r]) for r in AverageRounding],
        help_text="Para baixo: não se fatura fração de m³ que ninguém mediu.",
    )
    deviation_months = forms.IntegerField(
        label=FIELD_LABELS["deviation_months"],
        help_text="Meses medidos da média com que o consumo do mês é comparado (§14.2: 12; de 1 a 24).",
    )
    high_percent = forms.DecimalField(
        label=FIELD_LABELS["high_percent"] + " (%)",
        decimal_places=2,
        help_text="Consumo acima da média mais este percentual vai para análise (§14.2: 70).",
    )
    low_percent = forms.DecimalField(
        label=FIELD_LABELS["low_percent"] + " (%)",
        decimal_places=2,
        help_text="Consumo abaixo da média menos este percentual vai para análise (§14.2: 30).",
    )
    check_min_average_m3 = forms.IntegerField(
        label=FIELD_LABELS["check_min_average_m3"] + " (m³)",
        help_text="Com média abaixo deste volume não se aponta consumo alto ou baixo (0: sempre).",
    )
    rollover_window_percent = forms.DecimalField(
        label=FIELD_LABELS["rollover_window_percent"] + " (%)",
        decimal_places=2,
        help_text="Leitura menor que a anterior é virada quando a anterior está neste final do mostrador "
        "e a atual no mesmo início (de 0 a 50).",
    )
    reason = forms.CharField(label="Motivo", max_length=300, required=False)


class ScheduleSettingsForm(forms.Form):
    nominal_day = forms.IntegerField(label="Dia nominal de leitura", help_text="Dia do mês (de 1 a 28).")
    margin_days = forms.IntegerField(
        label="Margem (dias)",
        help_text="Quanto a leitura pode se afastar do dia nominal para cair em dia útil (de 0 a 10).",
    )
    route_business_days = forms.IntegerField(
        label="Dias úteis por rota", help_text="As rotas do grupo são lidas uma após a outra (de 1 a 10)."
    )
    batch_lead_business_days = forms.IntegerField(
        label="Geração da carga: dias úteis antes da leitura", help_text="De 0 a 10."
    )
    billing_lag_business_days = forms.IntegerField(
        label="Faturamento: dias úteis após a última rota", help_text="De 0 a 10."
    )
    due_calendar_days = forms.IntegerField(
        label="Dias corridos do faturamento ao vencimento",
        help_text="O vencimento cai no primeiro dia útil depois deste prazo (de 1 a 60).",
    )


class ScheduleAdjustForm(forms.Form):
    reading_start = forms.DateField(label="Início da leitura", widget=DATE)
    reading_end = forms.DateField(label="Fim da leitura", widget=DATE)
    billing_date = forms.DateField(label="Faturamento", widget=DATE)
    due_date = forms.DateField(label="Vencimento", widget=DATE, help_text="Deve ser dia útil.")
    debit_date = forms.DateField(
        label="Débito automático",
        required=False,
        widget=DATE,
        help_text=(
            "O banco debita nesta data (depois do faturamento, até o vencimento; dia útil). "
            "Em branco: no vencimento."
        ),
    )
    reason = forms.CharField(
        label="Motivo do ajuste",
        max_length=300,
        help_text="Fica registrado com seu nome no cronograma e no histórico.",
    )
