"""Forms of the service staff pages (pt-BR labels; the services validate)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from modules.access.models import User

from .domain.deadlines import UNIT_LABELS, DeadlineUnit
from .models import UNITS, BillingType, Kit, Material, Sector, ServiceCode, Team, Vehicle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "localize": True}


class ServiceCodeForm(forms.Form):
    code = forms.RegexField(label="Código", regex=r"^[A-Za-z0-9._-]{1,20}$", max_length=20)
    description = forms.CharField(label="Descrição", max_length=200)
    group = forms.CharField(label="Grupo", max_length=60, required=False)
    billing_type = forms.ChoiceField(label="Tipo de cobrança", choices=BillingType.choices)
    unit = forms.ChoiceField(label="Unidade", choices=UNITS, initial="un")
    sector = forms.ModelChoiceField(label="Setor de controle", queryset=Sector.objects.all(), required=False)
    deadline_value = forms.IntegerField(label="Prazo de execução", min_value=1)
    deadline_unit = forms.ChoiceField(
        label="Unidade do prazo", choices=[(u.value, UNIT_LABELS[u]) for u in DeadlineUnit]
    )
    priority = forms.IntegerField(label="Prioridade (1 = mais urgente)", min_value=1, initial=5)
    crew_size = forms.IntegerField(label="Equipe prevista (pessoas)", min_value=1, initial=1)
    max_postponements = forms.IntegerField(label="Máximo de prorrogações", min_value=0, initial=0)
    max_installments = forms.IntegerField(label="Máximo de parcelas", min_value=1, max_value=120, initial=1)
    charges_interest = forms.BooleanField(label="Cobra juros no parcelamento", required=False)
    taxable = forms.BooleanField(label="Incide imposto", required=False)
    down_payment_required = forms.BooleanField(label="Exige entrada", required=False)
    min_down_payment_percent = forms.DecimalField(
        label="Entrada mínima (%)",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=0,
        localize=True,
    )
    print_layouts = forms.CharField(
        label="Layouts de impressão",
        required=False,
        help_text="um por linha, no máximo 6",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accounting_rubric = forms.CharField(label="Rubrica contábil", max_length=30, required=False)
    opening_term = forms.CharField(
        label="Termo gerado na abertura", max_length=100, required=False, help_text="em branco: nenhum"
    )
    needs_approval = forms.BooleanField(label="Abre suspensa até aprovação", required=False)
    charges_materials = forms.BooleanField(label="Cobra os materiais usados", required=False)
    is_cut = forms.BooleanField(label="É corte (grande consumidor só por equipe especial)", required=False)
    kit = forms.ModelChoiceField(label="Kit de materiais", queryset=Kit.objects.all(), required=False)
    is_active = forms.BooleanField(label="Ativo", required=False, initial=True)
    price = forms.DecimalField(label="Preço a partir de hoje (R$)", required=False, **MONEY)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            del self.fields["price"]  # prices have their own table, below

    GROUPS = (
        ("Identificação", ("code", "description", "group", "unit", "sector", "is_active")),
        (
            "Prazo e execução",
            (
                "deadline_value",
                "deadline_unit",
                "priority",
                "crew_size",
                "max_postponements",
                "needs_approval",
                "is_cut",
                "kit",
            ),
        ),
        (
            "Cobrança",
            (
                "billing_type",
                "price",
                "max_installments",
                "charges_interest",
                "taxable",
                "down_payment_required",
                "min_down_payment_percent",
                "charges_materials",
                "accounting_rubric",
            ),
        ),
        ("Documentos", ("print_layouts", "opening_term")),
    )

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The fields by theme, for the page's fieldsets."""
        return [
            (title, [self[name] for name in names if name in self.fields]) for title, names in self.GROUPS
        ]

    def clean_print_layouts(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["print_layouts"].splitlines() if line.strip()]

    @staticmethod
    def initial_for(row: ServiceCode) -> dict[str, Any]:
        names = [f for f in ServiceCodeForm.base_fields if f != "price"]
        data = {name: getattr(row, name) for name in names}
        data["print_layouts"] = "\n".join(row.print_layouts)
        return data


def material_lines(text: str, *, required: bool) -> list[tuple[str, str]]:
    """Lines "CODE quantity" (a decimal comma allowed) as (code, quantity text)."""
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise forms.ValidationError(f"Linha {number}: informe o código do material e a quantidade.")
        quantity = parts[1].replace(",", ".")
        try:
            valid = Decimal(quantity) > 0
        except InvalidOperation:
            valid = False
        if not valid:
            raise forms.ValidationError(f"Linha {number}: a quantidade deve ser um número maior que zero.")
        rows.append((parts[0], quantity))
    if required and not rows:
        raise forms.ValidationError("Informe ao menos um material.")
    return rows


class PriceForm(forms.Form):
    valid_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    price = forms.DecimalField(label="Preço (R$)", **MONEY)


class TeamForm(forms.Form):
    name = forms.CharField(label="Nome da equipe", max_length=100)
    sector = forms.ModelChoiceField(label="Setor", queryset=Sector.objects.all(), required=False)
    special = forms.BooleanField(label="Equipe especial (corte de grandes consumidores)", required=False)


class SectorForm(forms.Form):
    name = forms.CharField(label="Nome do setor", max_length=100)
    email = forms.EmailField(label="E-mail do setor", required=False)


class VehicleForm(forms.Form):
    plate = forms.CharField(label="Placa", max_length=8)
    description = forms.CharField(label="Descrição", max_length=100, required=False)
    team = forms.ModelChoiceField(label="Equipe", queryset=Team.objects.all(), required=False)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Integrante", queryset=User.objects.filter(is_active=True).order_by("full_name", "username")
    )
    start = forms.DateField(label="Início", widget=DATE)
    end = forms.DateField(label="Fim", widget=DATE, required=False)


class MaterialForm(forms.Form):
    code = forms.RegexField(label="Código", regex=r"^[A-Za-z0-9._-]{1,20}$", max_length=20)
    description = forms.CharField(label="Descrição", max_length=200)
    unit = forms.ChoiceField(label="Unidade", choices=UNITS, initial="un")
    price = forms.DecimalField(label="Preço a partir de hoje (R$)", required=False, **MONEY)


class MaterialPriceForm(forms.Form):
    material = forms.ModelChoiceField(label="Material", queryset=Material.objects.all())
    valid_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    price = forms.DecimalField(label="Preço (R$)", **MONEY)


class KitForm(forms.Form):
    code = forms.RegexField(label="Código do kit", regex=r"^[A-Za-z0-9._-]{1,20}$", max_length=20)
    description = forms.CharField(label="Descrição", max_length=200)
    items = forms.CharField(
        label="Materiais",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="um por linha: código do material e quantidade (ex.: TUBO20 3)",
    )

    def clean_items(self) -> list[tuple[str, str]]:
        return material_lines(self.cleaned_data["items"], required=True)


class OrderNewForm(forms.Form):
    account = forms.CharField(
        label="Matrícula do imóvel", max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    code = forms.ModelChoiceField(
        label="Serviço", queryset=ServiceCode.objects.filter(is_active=True), to_field_name="code"
    )
    description = forms.CharField(
        label="Descrição da solicitação", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScheduleForm(forms.Form):
    team = forms.ModelChoiceField(label="Equipe", queryset=Team.objects.filter(is_active=True))
    day = forms.DateField(label="Data", widget=DATE)


class PostponeForm(forms.Form):
    due_at = forms.DateTimeField(label="Novo prazo", widget=DATETIME, input_formats=DATETIME_FORMATS)
    reason = forms.CharField(label="Motivo", max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motivo", max_length=300)


class CancelForm(ReasonForm):
    opinion = forms.CharField(label="Parecer", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CloseForm(forms.Form):
    executed = forms.TypedChoiceField(
        label="Resultado",
        choices=[("1", "Executada"), ("0", "Não executada")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    executed_at = forms.DateTimeField(
        label="Data e hora da execução", widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    team = forms.ModelChoiceField(
        label="Equipe executora", queryset=Team.objects.filter(is_active=True), required=False
    )
    quantity = forms.DecimalField(
        label="Quantidade do serviço", min_value=0, max_digits=10, decimal_places=3, initial=1, localize=True
    )
    amount = forms.DecimalField(
        label="Valor cobrado (R$, só para serviço de valor variável)", required=False, **MONEY
    )
    materials = forms.CharField(
        label="Materiais usados",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="um por linha: código do material e quantidade (ex.: TUBO20 3)",
    )
    notes = forms.CharField(label="Observações", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="Motivo da não execução", max_length=300, required=False)
    vehicle = forms.ModelChoiceField(
        label="Veículo usado", queryset=Vehicle.objects.filter(is_active=True), required=False
    )
    quality = forms.ChoiceField(
        label="Vistoria de qualidade",
        choices=[
            ("", "Não vistoriada"),
            ("satisfactory", "Satisfatória"),
            ("unsatisfactory", "Insatisfatória"),
        ],
        required=False,
        help_text="insatisfatória gera o retrabalho automaticamente",
    )
    quality_note = forms.CharField(label="Parecer da vistoria", max_length=300, required=False)

    def clean_materials(self) -> list[tuple[str, str]]:
        return material_lines(self.cleaned_data["materials"], required=False)
