from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "modules.configuration"
    label = "configuration"
    verbose_name = "Configuração como documento"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        register(
            Function(
                "configuration.document",
                "Configuração da concessionária (exportar/importar)",
                "Configurações",
            ),
        )
        register_labels(
            actions={"configuration.import": "Configuração importada de um documento"},
            objects={"configuration.document": "Documento de configuração"},
            fields={"changes": "Alterações", "sections": "Alterações por seção", "template": "Modelo"},
        )
