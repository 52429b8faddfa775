from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "saas.sla"
    label = "sla"
    verbose_name = "SLA, chamados e faturas do fornecedor"
