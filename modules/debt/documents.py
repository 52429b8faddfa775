"""The texts of debt's documents the utility edits (common.DocumentTemplate): the kinds, each with
its placeholders, its default text (the text printed before anyone edits, so a utility that never
edits prints what it always printed), sample data for the preview, and the context a real document
hands its template. The tables and figures of a document stay in its page template (pdf/*.html):
only the words are the utility's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import dateformat
from django.utils.safestring import mark_safe

from modules.common.document_templates import Placeholder, Text, render, template_in_force

CERTIFICATE_NEGATIVE = "debt.certificate.negativa"
CERTIFICATE_POSITIVE = "debt.certificate.positiva_com_efeito_de_negativa"
STATEMENT = "debt.statement"
DOWN_PAYMENT_GUIDE = "debt.down_payment_guide"
AGREEMENT_TERM = "debt.agreement_term"

_UTILITY = (
    Placeholder("concessionaria.nome", "nome da concessionária"),
    Placeholder("concessionaria.razao_social", "razão social"),
    Placeholder("concessionaria.cnpj", "CNPJ formatado"),
    Placeholder("concessionaria.cidade", "cidade da sede"),
    Placeholder("concessionaria.uf", "UF da sede"),
)
_PARTIES = (
    *_UTILITY,
    Placeholder("cliente.nome", "nome do titular do imóvel"),
    Placeholder("cliente.documento", "CPF ou CNPJ do titular, formatado"),
    Placeholder("imovel.matricula", "matrícula do imóvel"),
    Placeholder("imovel.inscricao", "inscrição do imóvel"),
    Placeholder("imovel.endereco", "endereço do imóvel"),
)
# a certificate prints what it stored when issued (Certificate.statement): no holder's document
_CERTIFICATE = (
    *_UTILITY,
    Placeholder("cliente.nome", "nome do titular do imóvel"),
    Placeholder("imovel.matricula", "matrícula do imóvel"),
    Placeholder("imovel.inscricao", "inscrição do imóvel"),
    Placeholder("imovel.endereco", "endereço do imóvel"),
    Placeholder("certidao.codigo", "código de autenticação"),
    Placeholder("certidao.emitida_em", "data de emissão (dd/mm/aaaa)"),
    Placeholder("certidao.valida_ate", "último dia de validade (dd/mm/aaaa)"),
)
_AGREEMENT = (
    Placeholder("parcelamento.numero", "número do acordo (aaaa/nnnnnn)"),
    Placeholder("parcelamento.data", "data do acordo (dd/mm/aaaa)"),
    Placeholder("parcelamento.total", "total confessado (1.234,56)"),
    Placeholder("parcelamento.entrada", "valor da entrada (1.234,56)"),
    Placeholder("parcelamento.tem_entrada", "verdadeiro quando há entrada (para {% if %})"),
    Placeholder("parcelamento.parcelas", "número de parcelas"),
    Placeholder("parcelamento.valor_parcela", "valor de cada parcela (1.234,56)"),
)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # pt-BR, the document's name in the settings page
    title: str  # the default heading
    body: str  # the default text
    placeholders: tuple[Placeholder, ...]


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            CERTIFICATE_NEGATIVE,
            "Certidão negativa de débitos",
            "Certidão negativa de débitos",
            '<p class="stamp">Certificamos, para os devidos fins, que em {{ certidao.emitida_em }} '
            "<b>não constam débitos</b> vencidos nem parcelamentos em andamento relativos ao imóvel acima "
            "identificado.</p>\n"
            '<p class="muted">Esta certidão refere-se exclusivamente aos serviços de abastecimento de água e '
            "de esgotamento sanitário prestados ao imóvel, ressalvado o direito de a concessionária "
            "({{ concessionaria.razao_social }}) cobrar débitos que venham a ser apurados posteriormente. "
            "Documento emitido eletronicamente; dispensa assinatura.</p>",
            _CERTIFICATE,
        ),
        Kind(
            CERTIFICATE_POSITIVE,
            "Certidão positiva com efeito de negativa",
            "Certidão positiva com efeito de negativa",
            '<p class="stamp">Certificamos, para os devidos fins, que em {{ certidao.emitida_em }} '
            "<b>não constam débitos vencidos</b> relativos ao imóvel acima identificado; constam débitos "
            "objeto de parcelamento em andamento e em dia ({{ certidao.parcelamentos }}), razão pela qual "
            "esta certidão tem os mesmos efeitos da certidão negativa.</p>\n"
            '<p class="muted">Esta certidão refere-se exclusivamente aos serviços de abastecimento de água e '
            "de esgotamento sanitário prestados ao imóvel, ressalvado o direito de a concessionária "
            "({{ concessionaria.razao_social }}) cobrar débitos que venham a ser apurados posteriormente. "
            "Documento emitido eletronicamente; dispensa assinatura.</p>",
            (
                *_CERTIFICATE,
                Placeholder("certidao.parcelamentos", "números dos acordos em dia, separados por vírgula"),
            ),
        ),
        Kind(
            STATEMENT,
            "Extrato de débitos",
            "Extrato de débitos",
            '<p class="muted">Pague este extrato em qualquer agente arrecadador credenciado até a data '
            "indicada. Depois dela, emita um novo extrato: os acréscimos mudam a cada dia. As faturas acima "
            "ficam quitadas somente com o pagamento deste documento (ou de cada uma delas).</p>",
            (
                *_PARTIES,
                Placeholder("extrato.numero", "número do documento"),
                Placeholder("extrato.emitido_em", "data de emissão (dd/mm/aaaa)"),
                Placeholder("extrato.pagavel_ate", "último dia para pagar (dd/mm/aaaa)"),
                Placeholder("extrato.faturas", "quantidade de faturas incluídas"),
                Placeholder("valor_total", "valor a pagar (1.234,56)"),
            ),
        ),
        Kind(
            DOWN_PAYMENT_GUIDE,
            "Guia de entrada do parcelamento",
            "Guia de pagamento da entrada do parcelamento",
            "<p>Entrada do parcelamento {{ parcelamento.numero }}: débito total de "
            "R$&nbsp;{{ parcelamento.total }}, entrada de <b>R$&nbsp;{{ parcelamento.entrada }}</b> e "
            "{{ parcelamento.parcelas }} parcela(s) de R$&nbsp;{{ parcelamento.valor_parcela }} nas próximas "
            "faturas. O acordo só vale com o pagamento desta guia até {{ guia.pagavel_ate }}; depois dessa "
            "data ele é cancelado e os débitos voltam a ser cobrados.</p>",
            (
                *_PARTIES,
                *_AGREEMENT,
                Placeholder("guia.numero", "número da guia"),
                Placeholder("guia.pagavel_ate", "último dia para pagar a entrada (dd/mm/aaaa)"),
            ),
        ),
        Kind(
            AGREEMENT_TERM,
            "Termo de confissão de dívida e parcelamento (cláusulas)",
            "Termo de confissão de dívida e parcelamento",
            '<ol class="clauses">\n'
            "<li>O DEVEDOR reconhece e confessa, de forma irrevogável e irretratável, a dívida acima "
            "discriminada, relativa aos serviços de abastecimento de água e/ou esgotamento sanitário "
            "prestados ao imóvel.</li>\n"
            "<li>{% if parcelamento.tem_entrada %}O parcelamento só produz efeitos com o pagamento da "
            "entrada até a data indicada; não paga a entrada, o acordo fica cancelado sem necessidade de "
            "aviso."
            "{% else %}O parcelamento produz efeitos a partir desta data, sem entrada.{% endif %}</li>\n"
            "<li>Cada parcela é cobrada na fatura mensal do imóvel, com o vencimento dessa fatura; sobre a "
            "parcela paga em atraso incidem os acréscimos da política de cobrança vigente.</li>\n"
            "<li>Vencidas e não pagas {{ politica.cancelar_apos }} parcelas, o acordo é cancelado e os "
            "débitos originais voltam a ser exigíveis com multa, juros e correção desde os seus "
            "vencimentos, abatidos os valores pagos, podendo o CREDOR adotar as medidas de cobrança "
            "previstas no regulamento, inclusive a suspensão do fornecimento e a inscrição em dívida "
            "ativa.</li>\n"
            "<li>Enquanto o acordo estiver em dia, o imóvel tem direito à certidão positiva de débitos com "
            "efeito de negativa.</li>\n"
            "<li>A quitação de cada parcela não presume a das anteriores; o acordo pode ser reparcelado uma "
            "vez em andamento, nos limites da política.</li>\n"
            "</ol>",
            (
                *_PARTIES,
                *_AGREEMENT,
                Placeholder("politica.resolucao", "ato da política de parcelamento (resolução)"),
                Placeholder("politica.cancelar_apos", "parcelas vencidas que cancelam o acordo"),
                Placeholder("politica.juros_mensal", "juros do parcelamento, % ao mês (1,63)"),
            ),
        ),
    )
}


def money(value: Decimal) -> str:
    """1234.5 → "1.234,50": what the documents printed with floatformat:"2g" before they had
    templates (the same call, so an unedited document is unchanged)."""
    return str(floatformat(value, "2g"))


def day(value: dt.date | None) -> str:
    return dateformat.format(value, "d/m/Y") if value else ""


def text_for(kind: str, on: dt.date, context: Mapping[str, Any], made_at: dt.datetime | None = None) -> Text:
    """The heading and the rendered words a document of `kind` dated `on` prints (the version in
    force for it, or the default)."""
    version = template_in_force(kind, on, made_at)
    default = KINDS[kind]
    title = version.title if version else default.title
    body = version.body_html if version else default.body
    return Text(title, mark_safe(render(body, context)), version)  # noqa: S308 - checked, autoescaped


def utility_context(brand: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "nome": brand.get("name", ""),
        "razao_social": brand.get("legal_name", ""),
        "cnpj": brand.get("cnpj", ""),
        "cidade": brand.get("city", ""),
        "uf": brand.get("state", ""),
    }


@dataclass(frozen=True)
class Validity:
    """The last day of each kind of document issued on a day (selectors.document_validities)."""

    certificate: dt.date
    statement: dt.date
    guide: dt.date


def sample_context(kind: str, brand: Mapping[str, Any], today: dt.date, validity: Validity) -> dict[str, Any]:
    """Invented data of a document of `kind` for the editor's preview (no customer's data), valid for
    as long as the utility's documents are."""
    agreement = {
        "numero": f"{today:%Y}/000123",
        "data": day(today),
        "total": money(Decimal("415.29")),
        "entrada": money(Decimal("41.53")),
        "tem_entrada": True,
        "parcelas": 6,
        "valor_parcela": money(Decimal("65.90")),
    }
    return {
        "concessionaria": utility_context(brand),
        "cliente": {"nome": "Maria da Conceição Souza", "documento": "123.456.789-09"},
        "imovel": {
            "matricula": "1234567",
            "inscricao": "001.002.0030.0003.000-74",
            "endereco": "Rua das Flores, 123 · Centro",
        },
        "certidao": {
            "codigo": "ABCD-EFGH-JKLM-NPQR-STUV",
            "emitida_em": day(today),
            "valida_ate": day(validity.certificate),
            "parcelamentos": agreement["numero"],
        },
        "extrato": {
            "numero": 123,
            "emitido_em": day(today),
            "pagavel_ate": day(validity.statement),
            "faturas": 2,
        },
        "valor_total": money(Decimal("118.30")),
        "parcelamento": agreement,
        "guia": {"numero": 124, "pagavel_ate": day(validity.guide)},
        "politica": {"resolucao": "Resolução nº 1/2025", "cancelar_apos": 3, "juros_mensal": "1,63"},
    }
