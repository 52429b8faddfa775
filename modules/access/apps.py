from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "modules.access"
    label = "access"
    verbose_name = "Controle de acesso"

    def ready(self) -> None:
        from . import schema  # noqa: F401 - registers the OpenAPI auth extension
