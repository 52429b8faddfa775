"""Forms of the collection staff pages (filters, uploads, review decisions)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import CollectingAgent, Payment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentFilterForm(forms.Form):
    q = forms.CharField(
        label="Matrícula, código de barras ou autenticação",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ex.: 1234567 ou os 44/48 dígitos"}),
    )
    paid_from = forms.DateField(label="Pago de", required=False, widget=DATE)
    paid_to = forms.DateField(label="até", required=False, widget=DATE)
    agent = forms.ModelChoiceField(
        label="Agente", required=False, queryset=CollectingAgent.objects.all(), empty_label="Todos"
    )
    status = forms.ChoiceField(
        label="Situação", required=False, choices=[("", "Todas"), *Payment.Status.choices]
    )
    return_file = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("paid_from"), data.get("paid_to")
        if start and end and start > end:
            self.add_error("paid_to", "A data final é anterior à inicial.")
        return data


class ReturnFileUploadForm(forms.Form):
    file = forms.FileField(
        label="Arquivo retorno (FEBRABAN, registros A/G/Z de 150 posições)",
        widget=forms.ClearableFileInput(attrs={"accept": ".ret,.txt,.RET,.TXT"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Justificativa",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "obrigatória; fica na auditoria"}),
    )


class AgentForm(forms.Form):
    """A collecting agent on the settings page; the service validates the rest (code shape per
    channel, convênio of one agent only)."""

    code = forms.CharField(
        label="Código",
        max_length=10,
        help_text="Banco: os 3 dígitos do arquivo retorno (A.05), ex.: 001 para o Banco do Brasil.",
    )
    name = forms.CharField(label="Nome", max_length=120)
    kind = forms.ChoiceField(label="Canal", choices=CollectingAgent.Kind.choices)
    agreement_code = forms.CharField(
        label="Convênio",
        max_length=20,
        required=False,
        help_text="Como no cabeçalho do arquivo retorno (A.03). Vazio aceita qualquer convênio do banco.",
    )
    contract_number = forms.CharField(label="Contrato de arrecadação", max_length=40, required=False)
    contract_start = forms.DateField(label="Início do contrato", required=False, widget=DATE)
    contract_end = forms.DateField(label="Fim do contrato", required=False, widget=DATE)
    fee_per_payment = forms.DecimalField(
        label="Tarifa por pagamento (R$)",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial="0.00",
        localize=True,
    )
    inbox_dir = forms.CharField(
        label="Pasta de entrada dos arquivos",
        max_length=300,
        required=False,
        help_text="Opcional: pasta (SFTP/VAN montada no servidor) lida automaticamente; cada arquivo é "
        "importado uma vez e movido para processados/ ou recusados/.",
    )
    report_emails = forms.CharField(
        label="E-mails do resultado dos arquivos",
        max_length=500,
        required=False,
        help_text="Opcional: a equipe financeira que recebe, por e-mail, o resultado de cada arquivo "
        "lido da pasta de entrada (separe os endereços por vírgula).",
    )
    credit_days = forms.IntegerField(
        label="Dias para crédito (float)", min_value=0, max_value=365, initial=1,
        help_text="Dias entre o pagamento e o crédito na conta da concessionária.",
    )  # fmt: skip
    active = forms.BooleanField(label="Ativo (aceita arquivos retorno)", required=False, initial=True)

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "O código não muda: é o do arquivo retorno."


class IndexRateForm(forms.Form):
    month = forms.CharField(
        label="Mês (AAAA-MM)",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
    )
    rate_percent = forms.DecimalField(
        label="Taxa do mês (%)", max_digits=8, decimal_places=4, min_value=-99, max_value=99,
        help_text="Em percentual, como o Banco Central publica (ex.: 0,93).",
        localize=True,
    )  # fmt: skip
    provisional = forms.BooleanField(label="Provisória (estimativa até a taxa oficial)", required=False)
    correction = forms.BooleanField(
        label="Correção de taxa já usada em acréscimos faturados (nova versão)", required=False
    )
    reason = forms.CharField(label="Motivo", max_length=300, required=False)


class IndexCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV do Banco Central (SGS: data;valor)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.CSV,.txt"}),
        help_text="O download “CSV” do SGS (ex.: série 4390 para a Selic mensal): linhas «01/10/2026;0,93».",
    )
    correction = forms.BooleanField(
        label="Importar como correção das taxas já usadas (nova versão)", required=False
    )
    reason = forms.CharField(label="Motivo", max_length=300, required=False)


class IndexSeriesForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=80)
    provisional_percent = forms.DecimalField(
        label="Taxa provisória (% ao mês)", max_digits=8, decimal_places=4, min_value=-99, max_value=99,
        help_text="Vale para os meses sem taxa cadastrada (o mês do pagamento, por exemplo).",
        localize=True,
    )  # fmt: skip
    sgs_code = forms.IntegerField(label="Série no SGS do Banco Central", required=False, min_value=1)


class PolicyVersionForm(forms.Form):
    effective_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    resolution = forms.CharField(label="Ato normativo", max_length=200, required=False)
    fine_percent = forms.DecimalField(
        label="Multa (%)", max_digits=6, decimal_places=2, min_value=0, max_value=99, localize=True
    )
    interest_method = forms.ChoiceField(label="Método de juros", choices=[])
    interest_percent = forms.DecimalField(
        label="Taxa de juros (%)", max_digits=8, decimal_places=4, min_value=0, max_value=99, localize=True,
        help_text="Ao mês (pro rata die), ao dia (diária) ou a provisória sem série.",
    )  # fmt: skip
    interest_on_fine = forms.BooleanField(label="Juros sobre a multa", required=False)
    interest_index = forms.ChoiceField(label="Série de juros", required=False, choices=[])
    correction_index = forms.ChoiceField(label="Índice de correção", required=False, choices=[])
    rounding = forms.ChoiceField(
        label="Arredondamento", choices=[("truncate", "Truncar"), ("half_up", "Arredondar")]
    )
    accrues_from = forms.DateField(label="Juros a partir de", required=False, widget=DATE)

    def __init__(
        self, *args: object, series: list[tuple[str, str]], methods: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interest_method"].choices = methods
        self.fields["interest_index"].choices = [("", "—"), *series]
        self.fields["correction_index"].choices = [("", "Sem correção"), *series]


class LateChargeSimulationForm(forms.Form):
    """What-if on the policy page: the tenant's policy and rates on the payment day."""

    amount = forms.DecimalField(label="Valor da fatura (R$)", min_value=Decimal("0.01"), max_digits=12,
                                decimal_places=2, localize=True)  # fmt: skip
    due_date = forms.DateField(label="Vencimento", widget=DATE)
    paid_on = forms.DateField(label="Pagamento", widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        due, paid = data.get("due_date"), data.get("paid_on")
        if due and paid and paid < due:
            self.add_error("paid_on", "O pagamento é anterior ao vencimento: não há acréscimos.")
        return data


class DebitRemittanceForm(forms.Form):
    agent = forms.ModelChoiceField(
        label="Banco",
        queryset=CollectingAgent.objects.filter(debit_agreements__active=True).distinct(),
        empty_label="Escolha o banco",
    )
    due_until = forms.DateField(label="Faturas com vencimento até", widget=DATE)


class DebitAgreementForm(forms.Form):
    agent = forms.ModelChoiceField(
        label="Banco",
        queryset=CollectingAgent.objects.filter(kind=CollectingAgent.Kind.BANK),
        empty_label="Escolha o banco",
    )
    code = forms.CharField(label="Convênio de débito (A.03)", max_length=20)
    name = forms.CharField(label="Descrição", max_length=80, required=False)
    layout_version = forms.ChoiceField(label="Layout", choices=[("05", "versão 05"), ("04", "versão 04")])


class DebitAuthorizationForm(forms.Form):
    account_number = forms.CharField(label="Matrícula", max_length=12)
    agreement = forms.IntegerField(label="Convênio", widget=forms.Select)
    branch = forms.CharField(label="Agência", max_length=4)
    account = forms.CharField(label="Conta", max_length=14)


class DebitBillForm(forms.Form):
    bill = forms.IntegerField(label="Fatura nº", min_value=1)
    action = forms.ChoiceField(
        label="Ação",
        choices=[
            ("freeze", "Não enviar ao débito (congelar)"),
            ("unfreeze", "Voltar a enviar"),
            ("force", "Enviar só pelo convênio escolhido"),
            ("resend", "Reenviar após recusa do banco"),
        ],
    )
    agreement = forms.IntegerField(
        label="Convênio (para «enviar só pelo convênio»)", required=False, widget=forms.Select
    )
    reason = forms.CharField(label="Justificativa / motivo do reenvio", max_length=200)


class PixReceiverForm(forms.Form):
    agent = forms.ModelChoiceField(
        label="Banco que recebe o Pix",
        queryset=CollectingAgent.objects.filter(active=True).order_by("code"),
        to_field_name="code",
    )
    key = forms.CharField(
        label="Chave Pix",
        max_length=120,
        help_text="CPF ou CNPJ (só dígitos ou com pontuação), e-mail, telefone (+55, DDD e número) ou "
        "chave aleatória (EVP), como cadastrada no banco.",
    )
    merchant_name = forms.CharField(label="Nome do recebedor", max_length=25, help_text="Até 25 caracteres.")
    merchant_city = forms.CharField(label="Cidade", max_length=15, help_text="Até 15 caracteres.")
