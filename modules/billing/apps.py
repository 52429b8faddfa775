from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "modules.billing"
    label = "billing"
    verbose_name = "Faturamento"
