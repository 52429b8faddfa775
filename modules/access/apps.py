from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "modules.access"
    label = "access"
    verbose_name = "Controle de acesso"
