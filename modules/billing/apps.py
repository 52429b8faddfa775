from typing import Any

from django.apps import AppConfig


def tariffs_naming(row: Any) -> str | None:
    """A registry category (or subcategory) that a tariff version prices by its code ("RES", or
    "RES/2" for a subcategory): the registry refuses to remove it (modules/registry/usage.py)."""
    from .models import Tariff

    if row._meta.model_name == "subcategory":
        wanted = f"{row.category.code}/{row.code}"

        def names(code: str) -> bool:
            return code == wanted
    else:

        def names(code: str) -> bool:
            return code == row.code or code.startswith(f"{row.code}/")

    for payload in Tariff.objects.values_list("payload", flat=True).iterator():
        if any(names(str(c.get("code", ""))) for c in (payload or {}).get("categories", [])):
            return "tarifas"
    return None


class BillingConfig(AppConfig):
    name = "modules.billing"
    label = "billing"
    verbose_name = "Faturamento"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "billing.tariff_create": "Tarifa cadastrada",
                "billing.tariff_approve": "Tarifa aprovada",
                "billing.tariff_project": "Projeção de tarifa cadastrada",
                "billing.tariff_update": "Rascunho de tarifa alterado",
                "billing.tariff_copy": "Tarifa copiada",
                "billing.tariff_discard": "Rascunho de tarifa excluído",
                "billing.message_create": "Mensagem da fatura cadastrada",
                "billing.message_update": "Mensagem da fatura alterada",
                "billing.message_delete": "Mensagem da fatura excluída",
                "billing.quality_create": "Tabela de qualidade da água cadastrada",
                "billing.quality_update": "Tabela de qualidade da água alterada",
                "billing.quality_delete": "Tabela de qualidade da água excluída",
                "billing.run_create": "Faturamento iniciado",
                "billing.run_chunk": "Lote de faturamento calculado",
                "billing.run_resume": "Faturamento retomado",
                "billing.run_release": "Faturamento liberado",
                "billing.bill_cancel": "Fatura cancelada",
                "billing.bill_rebill": "Fatura refaturada",
                "billing.bill_critique_accept": "Crítica da fatura aceita",
                "billing.due_day_choose": "Dia de vencimento escolhido",
                "billing.settings_update": "Configuração do faturamento alterada",
                "billing.bill_change": "Fatura alterada",
                "billing.bill_issue_early": "Fatura emitida antecipadamente",
                "billing.bill_issue_missed": "Fatura não gerada emitida",
                "billing.bill_send_email": "Faturas enviadas por e-mail",
                "billing.bill_send_sms": "Faturas enviadas por SMS",
                "billing.bill_second_copy": "2ª via de fatura emitida",
                "billing.second_copy_fee": "Taxa de 2ª via alterada",
                "billing.due_day_set_by_staff": "Vencimento alternativo dado no atendimento",
            },
            objects={
                "billing.bill": "Fatura",
                "billing.billingrun": "Faturamento",
                "billing.runchunk": "Lote de faturamento",
                "billing.tariffversion": "Tarifa",
                "billing.tariff": "Tarifa",
                "billing.billtext": "Texto da fatura",
                "billing.duedaychoice": "Dia de vencimento",
                "billing.billingsettings": "Configuração do faturamento",
            },
            fields={
                "rounding": "Arredondamento",
                "sewer_rounding": "Esgoto arredondado",
                "category_split": "Mais de uma categoria",
                "from": "Copiada de",
                "billing_group": "Grupo de faturamento",
                "category": "Categoria",
                "condition": "Condição",
                "valid_until": "Até a referência",
                "month": "Mês das amostras",
                "note": "Observação",
                "rows": "Parâmetros",
                "title": "Título",
                "body": "Texto",
            },
        )
        from modules.registry.usage import register_use_check

        register_use_check("registry.category", tariffs_naming)
        register_use_check("registry.subcategory", tariffs_naming)
        from modules.access.functions import Function, register

        register(
            Function("billing.tariffs", "Tarifas (atos administrativos)", "Faturamento"),
            Function("billing.simulate", "Simulação de tarifa e de conta", "Faturamento"),
            Function("billing.runs", "Faturamento por grupo, crítica e liberação", "Faturamento"),
            Function("billing.bills", "Faturas, cancelamento e refaturamento", "Faturamento"),
            Function("billing.settings", "Configuração do faturamento", "Faturamento"),
            Function("billing.bill_texts", "Mensagens e qualidade da água na fatura", "Faturamento"),
            Function("billing.second_copy_all", "2ª via de qualquer fatura (não só a última)", "Faturamento"),
            Function("billing.second_copy_fee_waive", "Dispensa da taxa de 2ª via", "Faturamento"),
        )
        from .hooks import register_item_source
        from .services.second_copy import SOURCE as SECOND_COPY_SOURCE
        from .services.second_copy import second_copy_items

        register_item_source(SECOND_COPY_SOURCE, second_copy_items)
        from modules.reading.hooks import register_billed_months

        from .selectors import billed_months

        register_billed_months("billing", billed_months)
        # the server's price of a reading taken in the field, against the bill printed on the spot
        from modules.reading.hooks import register_reading_pricer

        from .services.field_price import readings_price

        register_reading_pricer("billing", readings_price)
        # h-reader: the route package's on-site billing section (tariff as data, bill facts; ADR 0227)
        from modules.reading.hooks import register_package_billing

        from .services.field_package import package_billing

        register_package_billing("billing", package_billing)
        # exceptions and legal processes on a property (TR S10.13; ADR 0188): the staff page and API
        # live in service, the locks are read here (modules/billing/legal.py)
        register(
            Function("service.legal", "Exceções e processos judiciais do imóvel", "Atendimento"),
            Function(
                "service.legal_override",
                "Privilégio: débitos em execução fiscal ou dívida ativa (2ª via, extrato, parcelamento)",
                "Atendimento",
            ),
        )
        register_labels(
            actions={
                "billing.exception_create": "Exceção do imóvel registrada",
                "billing.exception_end": "Exceção do imóvel encerrada",
                "billing.process_create": "Processo do imóvel registrado",
                "billing.process_close": "Processo do imóvel encerrado",
            },
            objects={
                "billing.propertyexception": "Exceção do imóvel",
                "billing.legalprocess": "Processo judicial/administrativo",
            },
            fields={"starts_on": "Início", "ends_on": "Fim", "number": "Número do processo"},
        )
        # h-condo: condominiums' master and dependent meters, tariff exemptions, the sewer notice
        register(
            Function("billing.condominiums", "Condomínios: medidor principal e dependentes", "Faturamento"),
            Function("billing.exemptions", "Isenções tarifárias", "Faturamento"),
            Function("billing.sewer_notice", "Comunicado de cobrança de esgoto", "Faturamento"),
        )
        register_labels(
            actions={
                "billing.condo_dependent_link": "Dependente vinculado ao medidor principal",
                "billing.condo_dependent_unlink": "Dependente desvinculado do medidor principal",
                "billing.exemption_create": "Isenção tarifária cadastrada",
                "billing.sewer_notice_template_create": "Texto do comunicado de esgoto cadastrado",
            },
            objects={
                "billing.condominiumdependent": "Dependente de condomínio",
                "billing.tariffexemption": "Isenção tarifária",
            },
            fields={
                "dependent": "Dependente",
                "component": "Componente",
            },
        )
        from modules.registry.panels import register_panel

        from .panels import property_panel

        register_panel(property_panel)
