from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from modules.registry.models import BillingGroup

from .domain.pricing import UnitFact
from .models import BillHold
from .services.rebill import BillChanges, ServiceLine


class TariffImportForm(forms.Form):
    json_text = forms.CharField(
        label="Tarifa (JSON)", widget=forms.Textarea(attrs={"rows": 18}), required=False
    )
    json_file = forms.FileField(label="ou arquivo JSON exportado", required=False)
    projection = forms.BooleanField(label="É uma projeção (simulação, nunca aprovada)", required=False)


class SimulatorForm(forms.Form):
    category = forms.CharField(label="Categoria", max_length=20, initial="RES")
    dwelling_units = forms.IntegerField(label="Economias", min_value=1, initial=1)
    consumption_m3 = forms.IntegerField(label="Consumo (m³)", min_value=0, initial=10)
    reference = forms.RegexField(label="Referência (AAAA-MM)", regex=r"^\d{4}-\d{2}$", required=False)
    tariff = forms.IntegerField(label="Versão de tarifa (id, opcional: rascunho)", required=False)


class RunForm(forms.Form):
    group = forms.ModelChoiceField(label="Grupo", queryset=BillingGroup.objects.all())
    reference = forms.RegexField(label="Referência (AAAA-MM)", regex=r"^\d{4}-\d{2}$")


class RebillForm(forms.Form):
    reason = forms.CharField(label="Motivo", max_length=500)
    consumption_m3 = forms.IntegerField(label="Consumo corrigido (m³, opcional)", min_value=0, required=False)


HOLD_KEEP = "keep"


class BillChangeForm(forms.Form):
    """Alteração de fatura: the reason and what changes; blank fields stay as they are."""

    reason = forms.CharField(
        label="Motivo (parecer)", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(
        label="Novo vencimento",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Só o vencimento: a fatura é mantida, com novo código de barras. Deve ser dia útil.",
    )
    reading = forms.IntegerField(label="Leitura aferida", min_value=0, required=False)
    consumption_m3 = forms.IntegerField(label="Consumo faturado (m³)", min_value=0, required=False)
    remove_water = forms.BooleanField(label="Retirar a cobrança de água", required=False)
    remove_sewer = forms.BooleanField(label="Retirar a cobrança de esgoto", required=False)
    category = forms.CharField(label="Categoria (código)", max_length=20, required=False)
    economies = forms.IntegerField(
        label="Economias", min_value=1, required=False, help_text="Com a categoria: fatura só esta categoria."
    )
    leak_percent = forms.IntegerField(label="Desconto por vazamento (%)", required=False)
    leak_by_average = forms.BooleanField(
        label="Vazamento: faturar a média dos últimos seis meses", required=False
    )
    hold = forms.ChoiceField(
        label="Retenção da cobrança",
        required=False,
        choices=[(HOLD_KEEP, "— manter como está —"), *BillHold.choices],
        initial=HOLD_KEEP,
    )

    drop_items = forms.MultipleChoiceField(
        label="Retirar serviços desta fatura",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Os itens retirados continuam pendentes e vão para a próxima fatura.",
    )
    service_description = forms.CharField(label="Incluir serviço: descrição", max_length=200, required=False)
    service_amount = forms.DecimalField(
        label="Incluir serviço: valor (R$)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )

    def __init__(self, *args: Any, bill: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = bill.items.exclude(source="") if bill is not None else []
        self.fields["drop_items"].choices = [
            (f"{i.source}:{i.source_id}", f"{i.description} (R$ {i.amount})") for i in items
        ]

    common_area_policy = forms.ChoiceField(
        label="Área comum do condomínio",
        required=False,
        choices=[("master", "Na fatura do medidor principal"), ("apportion", "Rateada entre os dependentes")],
        help_text="Rateada: cada dependente lido no mês fatura uma parte igual da área comum.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("common_area_policy"):
            data.pop("common_area_policy", None)
        if bool(data.get("category")) != bool(data.get("economies")):
            self.add_error("economies", "Informe a categoria e as economias juntas.")
        if bool(data.get("service_description")) != (data.get("service_amount") is not None):
            self.add_error("service_amount", "Informe a descrição e o valor do serviço juntos.")
        return data

    def changes(self) -> BillChanges:
        d = self.cleaned_data
        hold = d.get("hold") or HOLD_KEEP
        return BillChanges(
            due_date=d.get("due_date"),
            reading=d.get("reading"),
            consumption_m3=d.get("consumption_m3"),
            remove_water=bool(d.get("remove_water")),
            remove_sewer=bool(d.get("remove_sewer")),
            units=(UnitFact(d["category"].strip().upper(), "", d["economies"]),)
            if d.get("category")
            else None,
            leak_percent=d.get("leak_percent"),
            leak_by_average=bool(d.get("leak_by_average")),
            hold=None if hold == HOLD_KEEP else hold,
            drop_items=tuple(d.get("drop_items") or ()),
            add_services=(ServiceLine(d["service_description"].strip(), d["service_amount"]),)
            if d.get("service_description")
            else (),
        )


class CompareForm(forms.Form):
    proposed = forms.TypedChoiceField(label="Versão proposta", coerce=int)
    base = forms.TypedChoiceField(
        label="Versão base", coerce=int, required=False, empty_value=None, help_text="vazio: a vigente no mês"
    )
    reference = forms.RegexField(label="Mês de consumo real (AAAA-MM)", regex=r"^\d{4}-\d{2}$")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import Tariff

        super().__init__(*args, **kwargs)
        versions = [
            (t.pk, f"{t.act} – {t.get_status_display().lower()}, desde {t.valid_from:%d/%m/%Y}")
            for t in Tariff.objects.order_by("status", "-valid_from", "-id")
        ]
        self.fields["proposed"].choices = versions
        self.fields["base"].choices = [("", "a vigente no mês"), *versions]


class BillingSettingsForm(forms.Form):
    min_days_after_issue = forms.IntegerField(
        label="Prazo mínimo entre a emissão e o vencimento (dias)",
        help_text="Nenhuma fatura vence antes deste prazo após a emissão (de 1 a 30 dias).",
    )
    history_months = forms.IntegerField(
        label="Meses de histórico de consumo na fatura",
        help_text="Quantos meses o gráfico de consumo da fatura mostra (de 6 a 24).",
    )
    m3_per_outlet = forms.IntegerField(
        label="Consumo por tomada d'água, imóvel sem hidrômetro (m³)",
        help_text="O imóvel sem hidrômetro fatura tomadas × este volume; 0 fatura o mínimo da tarifa.",
    )
    max_water_leak_percent = forms.IntegerField(
        label="Desconto máximo por vazamento na água (%)",
        help_text="O maior desconto por vazamento que a alteração de fatura concede na água (0 a 100).",
    )
    max_sewer_leak_percent = forms.IntegerField(
        label="Desconto máximo por vazamento no esgoto (%)",
        help_text="O maior desconto por vazamento numa fatura com esgoto (0 a 100).",
    )
    first_bill_min_days = forms.IntegerField(
        label="Dias mínimos até a primeira fatura",
        required=False,
        help_text="A ligação (ou religação) feita menos dias que isto antes da leitura só fatura no ciclo "
        "seguinte (0: fatura logo).",
    )
    history_start = forms.DateField(
        label="Histórico na fatura a partir de",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Meses anteriores a este não aparecem no histórico de consumo da fatura (vazio: todos).",
    )
    delivery_fee = forms.DecimalField(
        label="Taxa de entrega em endereço alternativo (R$)",
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text="Cobrada nas faturas entregues em endereço alternativo; 0,00 não cobra.",
    )
    print_excess_message = forms.BooleanField(
        label="Imprimir a mensagem de consumo excessivo",
        required=False,
        help_text="Desligada, a fatura não traz a mensagem mesmo com o consumo acima da média.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # a field left empty keeps its value (the service changes only what it is given)
        for name in ("first_bill_min_days", "delivery_fee"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


def category_choices(current: str = "") -> list[tuple[str, str]]:
    """The registry's categories and subcategories (`RES`, `RES/2`): a tariff prices those only; an
    existing code the registry no longer has is kept so the version still opens."""
    from modules.registry.models import Category, Subcategory

    choices = [(c.code, f"{c.code} – {c.name}") for c in Category.objects.order_by("code")]
    choices += [
        (f"{s.category.code}/{s.code}", f"{s.category.code}/{s.code} – {s.name}")
        for s in Subcategory.objects.select_related("category")
    ]
    choices.sort()
    if current and current not in {code for code, _ in choices}:
        choices.append((current, f"{current} (fora do cadastro)"))
    return [("", "—"), *choices]


class TariffHeaderForm(forms.Form):
    act = forms.CharField(label="Ato administrativo", max_length=120)
    valid_from = forms.DateField(
        label="Vigência a partir de", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    rounding = forms.ChoiceField(
        label="Arredondamento", choices=[("truncate", "truncar no centavo"), ("half_up", "meio para cima")]
    )
    sewer_rounding = forms.ChoiceField(
        label="Esgoto arredondado",
        choices=[("per_band", "por faixa"), ("per_bill", "no total da conta")],
    )
    category_split = forms.ChoiceField(
        label="Imóvel com mais de uma categoria",
        choices=[
            ("by_dwelling_units", "dividir o consumo pelas economias de cada categoria"),
            ("equal", "dividir o consumo igualmente entre as categorias"),
        ],
    )


class TariffCategoryForm(forms.Form):
    code = forms.ChoiceField(label="Categoria", choices=[])
    name = forms.CharField(label="Nome na tarifa", max_length=80)
    minimum_m3_per_unit = forms.IntegerField(label="Mínimo (m³/economia)", min_value=0, initial=0)
    sewer_percent = forms.CharField(label="Esgoto (% da água)", max_length=12, required=False)
    special_sewer_amount = forms.CharField(label="TEE (R$/economia)", max_length=12, required=False)
    social = forms.BooleanField(label="Tarifa social", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("code", "") or (
            self.data.get(self.add_prefix("code"), "") if self.is_bound else ""
        )
        self.fields["code"].choices = category_choices(current)


class TariffBandForm(forms.Form):
    from_m3 = forms.IntegerField(label="De (m³)", min_value=0)
    to_m3 = forms.IntegerField(label="Até (m³)", min_value=0, required=False, help_text="vazio: sem limite")
    price = forms.CharField(label="R$/m³", max_length=12)


class TariffChargeForm(forms.Form):
    name = forms.CharField(label="Tarifa fixa", max_length=80)
    amount = forms.CharField(label="Valor (R$)", max_length=12)
    per_dwelling_unit = forms.BooleanField(label="por economia", required=False, initial=True)


class TariffCopyForm(forms.Form):
    act = forms.CharField(label="Ato administrativo da cópia", max_length=120)
    valid_from = forms.DateField(
        label="Vigência a partir de", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    projection = forms.BooleanField(label="Como projeção (simulação, nunca aprovada)", required=False)


MONTH = r"^\d{4}-\d{2}$"


class BillMessageForm(forms.Form):
    title = forms.CharField(label="Título", max_length=200)
    body = forms.CharField(label="Texto", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    valid_from = forms.RegexField(label="A partir da referência (AAAA-MM)", regex=MONTH)
    valid_until = forms.RegexField(
        label="Até a referência (AAAA-MM)", regex=MONTH, required=False, help_text="vazio: sem fim"
    )
    billing_group = forms.ModelChoiceField(
        label="Grupo de faturamento", queryset=BillingGroup.objects.all(), required=False, empty_label="todos"
    )
    category = forms.ModelChoiceField(label="Categoria", queryset=None, required=False, empty_label="todas")
    condition = forms.ChoiceField(label="Quando imprimir", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from modules.registry.models import Category

        from .models import BillText

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("code")
        self.fields["condition"].choices = BillText.Condition.choices


class QualityTableForm(forms.Form):
    month = forms.RegexField(label="Mês das amostras (AAAA-MM)", regex=MONTH)
    title = forms.CharField(
        label="Título",
        max_length=200,
        initial="Qualidade da água distribuída (Decreto 5.440/2005, Portaria GM/MS 888/2021)",
    )
    note = forms.CharField(label="Observação", max_length=500, required=False)


class QualityRowForm(forms.Form):
    parameter = forms.CharField(label="Parâmetro", max_length=80)
    required = forms.CharField(label="Exigidas", max_length=20)
    analysed = forms.CharField(label="Realizadas", max_length=20)
    conforming = forms.CharField(label="Conformes", max_length=20)
    standard = forms.CharField(label="Padrão", max_length=60, required=False)
