from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Agência virtual"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension

        register_labels(
            actions={
                "portal.sign_in": "Entrada na agência virtual",
                "portal.email_change_request": "Pedido de troca de e-mail (agência virtual)",
                "portal.email_change_confirm": "Troca de e-mail confirmada (agência virtual)",
                "portal.due_day_change": "Troca do dia de vencimento (agência virtual)",
                "portal.request_create": "Protocolo aberto na agência virtual",
                "portal.settings_update": "Configuração da agência virtual",
            },
            objects={
                "portal.servicerequest": "Protocolo",
                "portal.agencysettings": "Configuração da agência virtual",
            },
        )
