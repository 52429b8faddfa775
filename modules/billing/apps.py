from django.apps import AppConfig


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
                "billing.run_create": "Faturamento iniciado",
                "billing.run_chunk": "Lote de faturamento calculado",
                "billing.run_resume": "Faturamento retomado",
                "billing.run_release": "Faturamento liberado",
                "billing.bill_cancel": "Fatura cancelada",
                "billing.bill_rebill": "Fatura refaturada",
                "billing.bill_critique_accept": "Crítica da fatura aceita",
                "billing.due_day_choose": "Dia de vencimento escolhido",
                "billing.settings_update": "Configuração do faturamento alterada",
            },
            objects={
                "billing.bill": "Fatura",
                "billing.billingrun": "Faturamento",
                "billing.runchunk": "Lote de faturamento",
                "billing.tariffversion": "Tarifa",
                "billing.duedaychoice": "Dia de vencimento",
                "billing.billingsettings": "Configuração do faturamento",
            },
        )
        from modules.access.functions import Function, register

        register(
            Function("billing.tariffs", "Tarifas (atos administrativos)", "Faturamento"),
            Function("billing.simulate", "Simulação de tarifa e de conta", "Faturamento"),
            Function("billing.runs", "Faturamento por grupo, crítica e liberação", "Faturamento"),
            Function("billing.bills", "Faturas, cancelamento e refaturamento", "Faturamento"),
            Function("billing.settings", "Configuração do faturamento", "Faturamento"),
        )
        from modules.reading.hooks import register_billed_months

        from .selectors import billed_months

        register_billed_months("billing", billed_months)
