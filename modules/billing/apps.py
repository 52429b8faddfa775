from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "modules.billing"
    label = "billing"
    verbose_name = "Faturamento"

    def ready(self) -> None:
        from modules.access.functions import Function, register

        register(
            Function("billing.tariffs", "Tarifas (atos administrativos)", "Faturamento"),
            Function("billing.simulate", "Simulação de tarifa e de conta", "Faturamento"),
            Function("billing.runs", "Faturamento por grupo, crítica e liberação", "Faturamento"),
            Function("billing.bills", "Faturas, cancelamento e refaturamento", "Faturamento"),
        )
