"""Forms of the debt staff pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
    requester = forms.CharField(
        label="CPF/CNPJ do solicitante", max_length=20, required=False,
        help_text="Opcional. Inquilino: só faturas do período do contrato de locação.",
    )  # fmt: skip


class SimulationForm(forms.Form):
    down_payment = forms.DecimalField(
        label="Entrada (R$)", max_digits=12, decimal_places=2, min_value=0, localize=True
    )
    installments = forms.IntegerField(label="Número de parcelas", min_value=1)
    # who asks at the counter: a tenant may negotiate only the months of their rental contract
    # (seed 002 S10.15-02); empty: the utility acts on its own
    requester = forms.CharField(
        label="CPF/CNPJ do solicitante", max_length=20, required=False,
        help_text="Opcional. Inquilino: só débitos do período do contrato de locação.",
    )  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motivo do cancelamento", max_length=500)


class AnnualDeclarationForm(forms.Form):
    year = forms.IntegerField(label="Ano", min_value=2000)


class DebtSettingsForm(forms.ModelForm):
    class Meta:
        model = DebtSettings
        fields = list(SETTINGS_FIELDS)


PERCENT = {"max_digits": 9, "decimal_places": 4, "min_value": 0, "max_value": 99, "localize": True}
# form field (a percentage, as people read an act) → the policy's field (a fraction)
PERCENT_FIELDS = {
    "monthly_percent": "monthly_rate",
    "min_down_payment_percent": "min_down_payment_rate",
    "fine_discount_percent": "fine_discount_rate",
    "interest_discount_percent": "interest_discount_rate",
    "replan_min_down_payment_percent_infraction": "replan_min_down_payment_rate_infraction",
}


class InstallmentPolicyForm(forms.Form):
    """A new version of the installment policy, as its act reads (percentages); `policy_values`
    answers the service's fields (fractions)."""

    effective_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    resolution = forms.CharField(
        label="Ato (resolução)", max_length=200, help_text="ex.: Resolução da diretoria nº 12/2025"
    )
    monthly_percent = forms.DecimalField(label="Juros do parcelamento (% ao mês)", **PERCENT)  # type: ignore[arg-type]
    max_installments = forms.IntegerField(label="Máximo de parcelas", min_value=1, max_value=360)
    standard_max_installments = forms.IntegerField(
        label="Máximo sem autorização especial",
        min_value=1,
        max_value=360,
        help_text="Acima disso, só quem tem a função “Parcelamento além do limite do atendimento”.",
    )
    down_payment_required = forms.BooleanField(label="Entrada obrigatória", required=False)
    min_down_payment_percent = forms.DecimalField(label="Entrada mínima (% do débito)", **PERCENT)  # type: ignore[arg-type]
    min_installment = forms.DecimalField(
        label="Parcela mínima (R$)", max_digits=10, decimal_places=2, min_value=0, localize=True
    )
    min_debt = forms.DecimalField(
        label="Débito mínimo para parcelar (R$)", max_digits=10, decimal_places=2, min_value=0, localize=True
    )
    fine_discount_percent = forms.DecimalField(label="Desconto na multa (%)", **PERCENT)  # type: ignore[arg-type]
    interest_discount_percent = forms.DecimalField(label="Desconto nos juros (%)", **PERCENT)  # type: ignore[arg-type]
    rounding = forms.ChoiceField(
        label="Arredondamento da parcela", choices=[("half_up", "Arredondar"), ("truncate", "Truncar")]
    )
    leftover = forms.ChoiceField(
        label="Diferença de arredondamento na parcela", choices=[("last", "Última"), ("first", "Primeira")]
    )
    down_payment_days = forms.IntegerField(
        label="Prazo para pagar a entrada (dias)", min_value=1, max_value=365
    )
    cancel_after_unpaid = forms.IntegerField(
        label="Cancelar após parcelas vencidas", min_value=1, max_value=60
    )
    reactivation_fee = forms.DecimalField(
        label="Taxa de reativação de ligação (R$)",
        max_digits=10,
        decimal_places=2,
        min_value=0,
        localize=True,
    )
    representative_name = forms.CharField(
        label="Representante da empresa no termo",
        max_length=120,
        required=False,
        help_text="Nome impresso no termo de acordo, como quem assina pela concessionária.",
    )
    max_replans = forms.IntegerField(
        label="Máximo de reparcelamentos por cliente", min_value=0, max_value=360, required=False
    )
    replan_max_installments = forms.IntegerField(
        label="Parcelas no reparcelamento (cliente sem infração)", min_value=1, max_value=360, required=False
    )
    replan_max_installments_infraction = forms.IntegerField(
        label="Parcelas no reparcelamento (cliente com infração)", min_value=1, max_value=360, required=False
    )
    replan_min_down_payment_percent_infraction = forms.DecimalField(
        label="Entrada mínima no reparcelamento com infração (%)",
        required=False,
        **PERCENT,  # type: ignore[arg-type]
    )

    @classmethod
    def initial_from(cls, version: Any) -> dict[str, Any]:
        initial = {name: getattr(version, name) for name in cls.base_fields if hasattr(version, name)}
        for percent, rate in PERCENT_FIELDS.items():
            initial[percent] = (Decimal(getattr(version, rate)) * 100).normalize()
        initial.pop("effective_from", None)
        initial.pop("resolution", None)
        return initial

    def policy_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("effective_from")
        for percent, rate in PERCENT_FIELDS.items():
            value = data.pop(percent)
            if value is not None:
                data[rate] = Decimal(value) / 100
        # the re-plan fields left blank keep the policy's defaults
        return {k: v for k, v in data.items() if v is not None}


class DocumentTemplateForm(forms.Form):
    valid_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    title = forms.CharField(label="Título do documento", max_length=200)
    body_html = forms.CharField(
        label="Texto",
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true", "class": "code-editor"}),
        help_text="Use os marcadores da lista ao lado; comandos permitidos: {% if %}, {% elif %}, "
        "{% else %}, {% endif %}.",
    )


class BureauPolicyForm(forms.Form):
    """The negativação policy (3.2.9.16): thresholds, filters and the legal periods."""

    min_overdue_count = forms.IntegerField(
        label="Mínimo de faturas ou parcelas vencidas", min_value=1, max_value=120
    )
    min_debt = forms.DecimalField(
        label="Débito mínimo (R$)", max_digits=10, decimal_places=2, min_value=0, localize=True
    )
    min_days_overdue = forms.IntegerField(label="Mínimo de dias em atraso", min_value=0, max_value=3650)
    group_ids = forms.TypedMultipleChoiceField(
        label="Grupos de faturamento (nenhum marcado: todos)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    neighbourhood_ids = forms.TypedMultipleChoiceField(
        label="Bairros (nenhum marcado: todos)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    localities = forms.CharField(
        label="Localidades (códigos separados por vírgula; vazio: todas)", required=False, max_length=400
    )
    notice_days = forms.IntegerField(
        label="Prazo do aviso prévio (dias)",
        min_value=1,
        max_value=90,
        help_text="CDC art. 43 §2: a inclusão só é enviada depois deste prazo contado do aviso.",
    )
    exclusion_business_days = forms.IntegerField(
        label="Prazo para pedir a exclusão (dias úteis)",
        min_value=1,
        max_value=5,
        help_text="STJ Súmula 548: até 5 dias úteis após o pagamento ou o acordo.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from modules.registry.models import BillingGroup, Neighbourhood

        self.fields["group_ids"].choices = [  # type: ignore[attr-defined]
            (g.pk, str(g)) for g in BillingGroup.objects.order_by("code")
        ]
        self.fields["neighbourhood_ids"].choices = [  # type: ignore[attr-defined]
            (n.pk, n.name) for n in Neighbourhood.objects.order_by("name")
        ]


class BureauReturnForm(forms.Form):
    file = forms.FileField(label="Arquivo de retorno do birô")
