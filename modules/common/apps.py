from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "modules.common"
    label = "common"
    verbose_name = "Núcleo comum"
