"""Forms of the pages around the order engine: batch opening, quality inspection, contractors and
contracts, opening notices and terms (pt-BR labels; the services validate)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from modules.registry.models import BillingGroup, Category, Neighbourhood, Property, Street

from .forms import DATE, MONEY
from .models import Sector, ServiceCode
from .models_orders import Contract, Contractor, QualityInspection


class InspectForm(forms.Form):
    result = forms.ChoiceField(label="Resultado", choices=QualityInspection.Result.choices)
    note = forms.CharField(label="Parecer", max_length=300, required=False)


class BatchForm(forms.Form):
    code = forms.ModelChoiceField(
        label="Código de serviço", queryset=ServiceCode.objects.filter(is_active=True), to_field_name="code"
    )
    description = forms.CharField(label="Descrição das ordens", max_length=300, required=False)
    status = forms.ChoiceField(
        label="Situação do imóvel", choices=[("", "Qualquer"), *Property.Status.choices], required=False
    )
    category = forms.ModelChoiceField(
        label="Categoria", queryset=Category.objects.all(), to_field_name="code", required=False
    )
    meter_diameter_mm = forms.IntegerField(label="Diâmetro do hidrômetro (mm)", min_value=1, required=False)
    meter_model = forms.CharField(
        label="Tipo do hidrômetro (fabricante ou modelo)", max_length=60, required=False
    )
    meter_installed_before = forms.DateField(label="Hidrômetro instalado até", widget=DATE, required=False)
    meter_manufactured_until = forms.IntegerField(
        label="Hidrômetro fabricado até o ano", min_value=1900, max_value=2999, required=False
    )
    billing_group = forms.ModelChoiceField(
        label="Grupo de faturamento",
        queryset=BillingGroup.objects.all(),
        to_field_name="code",
        required=False,
    )
    route_from = forms.IntegerField(label="Rota de", min_value=0, required=False)
    route_to = forms.IntegerField(label="Rota até", min_value=0, required=False)
    neighbourhood = forms.ModelChoiceField(
        label="Bairro", queryset=Neighbourhood.objects.all(), required=False
    )
    street = forms.ModelChoiceField(label="Logradouro", queryset=Street.objects.all(), required=False)
    min_overdue_bills = forms.IntegerField(
        label="Com ao menos N faturas vencidas", min_value=1, required=False
    )
    consumption_min = forms.IntegerField(
        label="Consumo da última fatura de (m³)", min_value=0, required=False
    )
    consumption_max = forms.IntegerField(
        label="Consumo da última fatura até (m³)", min_value=0, required=False
    )
    skip_open = forms.BooleanField(
        label="Deixar de fora imóveis com ordem em aberto deste código", required=False, initial=True
    )

    GROUPS = (
        ("Serviço", ("code", "description", "skip_open")),
        ("Imóvel", ("status", "category", "neighbourhood", "street")),
        (
            "Hidrômetro",
            ("meter_diameter_mm", "meter_model", "meter_installed_before", "meter_manufactured_until"),
        ),
        (
            "Faturamento, consumo e débitos",
            (
                "billing_group",
                "route_from",
                "route_to",
                "consumption_min",
                "consumption_max",
                "min_overdue_bills",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("category", "billing_group", "neighbourhood", "street"):
            self.fields[name].empty_label = "Qualquer"  # type: ignore[attr-defined]
        self.fields["code"].empty_label = "Escolha o serviço"  # type: ignore[attr-defined]

    def groups(self) -> list[tuple[str, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class ContractorForm(forms.Form):
    name = forms.CharField(label="Razão social", max_length=150)
    cnpj = forms.CharField(label="CNPJ", max_length=18, required=False)


class ContractorTeamForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label="Empreiteira", queryset=Contractor.objects.filter(is_active=True)
    )
    name = forms.CharField(label="Nome da equipe", max_length=100)
    sector = forms.ModelChoiceField(label="Setor", queryset=Sector.objects.all(), required=False)
    special = forms.BooleanField(label="Equipe especial (corte de grandes consumidores)", required=False)


class ContractorMemberForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Nome", max_length=150)
    cpf = forms.CharField(label="CPF", max_length=14, required=False)
    role = forms.CharField(label="Função", max_length=60, required=False)


class ContractForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label="Empreiteira", queryset=Contractor.objects.filter(is_active=True)
    )
    number = forms.CharField(label="Número do contrato", max_length=30)
    starts_on = forms.DateField(label="Início da vigência", widget=DATE)
    ends_on = forms.DateField(label="Fim da vigência", widget=DATE)
    pricing = forms.ChoiceField(label="Forma de pagamento", choices=Contract.Pricing.choices)
    monthly_value = forms.DecimalField(label="Valor mensal (R$, contrato fixo)", required=False, **MONEY)
    prices = forms.CharField(
        label="Preços por serviço (contrato por serviço)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="um por linha: código do serviço e preço (ex.: LIG01 80,00)",
    )
    penalty_per_day = forms.DecimalField(label="Multa por dia de atraso (R$)", required=False, **MONEY)
    late_threshold_percent = forms.DecimalField(
        label="Tolerância de ordens atrasadas (%)",
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    late_penalty_percent = forms.DecimalField(
        label="Multa acima da tolerância (% do valor)",
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )

    def clean_prices(self) -> dict[str, Decimal]:
        prices: dict[str, Decimal] = {}
        for number, line in enumerate(self.cleaned_data["prices"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                code, raw = parts
                prices[code.upper()] = Decimal(raw.replace(".", "").replace(",", "."))
            except (ValueError, InvalidOperation) as exc:
                raise forms.ValidationError(f"Linha {number}: use “código preço”, como LIG01 80,00.") from exc
        return prices


class MeasureForm(forms.Form):
    month = forms.RegexField(label="Mês de referência (AAAA-MM)", regex=r"^\d{4}-\d{2}$", max_length=7)


class TermTemplateForm(forms.Form):
    valid_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    title = forms.CharField(label="Título", max_length=200)
    body_html = forms.CharField(label="Texto", widget=forms.Textarea(attrs={"rows": 14}))
