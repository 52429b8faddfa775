from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "saas.staff"
    label = "staff"
    verbose_name = "Aplicação da equipe"
