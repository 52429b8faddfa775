"""Forms of the agency pages: shape only; the rules live in auth.py and services.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from . import domain


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SignInForm(forms.Form):
    account = forms.CharField(
        label="Matrícula",
        max_length=20,
        help_text="Está na sua conta de água, com o dígito depois do traço. Ex.: 12345-6",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    document = forms.CharField(
        label="CPF ou CNPJ do titular",
        max_length=20,
        required=False,
        help_text="Só números, se preferir.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, needs_document: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_document:
            self.fields["document"].required = True
        else:
            del self.fields["document"]


class EmailForm(forms.Form):
    email = forms.EmailField(label="Novo e-mail", max_length=254)


class DueDayForm(forms.Form):
    day = forms.TypedChoiceField(label="Novo dia de vencimento", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, options: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d, f"Dia {d}") for d in options]


class ServiceRequestForm(forms.Form):
    type = forms.ChoiceField(label="Tipo de solicitação", widget=forms.RadioSelect)
    name = forms.CharField(label="Nome do solicitante", max_length=200)
    phone = forms.CharField(
        label="Telefone para contato",
        max_length=20,
        help_text="Com DDD. Ex.: (15) 99999-1234",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label="E-mail do solicitante", max_length=254)
    reference_point = forms.CharField(label="Ponto de referência", max_length=200, required=False)
    description = forms.CharField(
        label="Observações", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label="Anexos (PDF, JPG ou PNG)")

    specification = forms.ChoiceField(
        label="Especificação",
        required=False,
        help_text="Obrigatória nos tipos que têm especificação (ex.: vazamento na rua ou na calçada).",
    )

    def __init__(self, *args: Any, types: Sequence[Any], totem: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.code, t.label) for t in types]
        groups = [
            (t.label, [(str(s["code"]), str(s["label"])) for s in t.specifications])
            for t in types
            if getattr(t, "specifications", None)
        ]
        if groups:  # VA-23: the specifications of each type, grouped under it
            self.fields["specification"].choices = [("", "—"), *groups]
        else:
            del self.fields["specification"]
        if totem:  # a kiosk asks only what a touch can answer
            for name in ("email", "reference_point", "description", "attachments"):
                del self.fields[name]


class OmbudsmanForm(forms.Form):
    type = forms.ChoiceField(
        label="Tipo de manifestação",
        choices=[(t.code, t.label) for t in domain.OMBUDSMAN_TYPES],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Nome", max_length=200)
    document = forms.CharField(label="CPF ou CNPJ", max_length=20)
    email = forms.EmailField(label="E-mail para resposta", max_length=254)
    description = forms.CharField(
        label="Sua manifestação", max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(label="Anexos (PDF, JPG ou PNG)")


class ProblemForm(forms.Form):
    description = forms.CharField(
        label="O que aconteceu?", max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label="Seu nome", max_length=200)
    email = forms.EmailField(label="E-mail para retorno (opcional)", required=False)
    page = forms.CharField(required=False, widget=forms.HiddenInput)
    screenshot = forms.FileField(
        label="Captura de tela (opcional)",
        required=False,
        help_text="Uma imagem da tela com o problema (PNG ou JPG).",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class ConsumptionReviewForm(forms.Form):
    """Seed 001 3.2.6.2: the review request's form on the agency (ADR 0229)."""

    bill = forms.TypedChoiceField(label="Conta a revisar (mês/ano)", coerce=int)
    name = forms.CharField(label="Nome do solicitante", max_length=200)
    phone = forms.CharField(
        label="Telefone para contato",
        max_length=20,
        help_text="Com DDD. Ex.: (15) 99999-1234",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label="E-mail para receber o laudo", max_length=254)
    residents = forms.IntegerField(label="Número de moradores", min_value=0, max_value=999)
    has_pool = forms.BooleanField(label="Possui piscina", required=False)
    pool_liters = forms.IntegerField(label="Volume da piscina (litros)", min_value=1, required=False)
    has_washing_machine = forms.BooleanField(label="Possui máquina de lavar roupa", required=False)
    has_water_tank = forms.BooleanField(label="Possui caixa d'água", required=False)
    tank_liters = forms.IntegerField(label="Capacidade da caixa d'água (litros)", min_value=1, required=False)
    other_source = forms.ChoiceField(label="Outra fonte de água", required=False)
    description = forms.CharField(
        label="Descreva o que aconteceu",
        max_length=4000,
        help_text="Ex.: a conta veio o dobro do normal e não há vazamento aparente.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        months: Sequence[tuple[int, str]],
        sources: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bill"].choices = list(months)
        self.fields["other_source"].choices = list(sources)
