from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "saas.ops"
    label = "ops"
    verbose_name = "Operações do fornecedor"
