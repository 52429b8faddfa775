from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Agência virtual"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension

        register(
            Function("portal.requests", "Protocolos (agência, balcão e ouvidoria)", "Atendimento"),
            Function("portal.settings", "Configuração da agência virtual", "Atendimento"),
        )
        register_labels(
            actions={
                "portal.sign_in": "Entrada na agência virtual",
                "portal.email_change_request": "Pedido de troca de e-mail (agência virtual)",
                "portal.email_change_confirm": "Troca de e-mail confirmada (agência virtual)",
                "portal.due_day_change": "Troca do dia de vencimento (agência virtual)",
                "portal.request_create": "Protocolo aberto na agência virtual",
                "portal.sign_in_failed": "Tentativa de entrada de cidadão recusada",
                "portal.settings_update": "Configuração da agência virtual",
                "portal.request_acknowledge": "Recebimento de protocolo confirmado",
                "portal.request_route": "Protocolo encaminhado a outro setor",
                "portal.request_status_change": "Situação de protocolo alterada",
                "portal.document_update_request": "Pedido de atualização de CPF/CNPJ (agência virtual)",
                "portal.document_update_approve": "Atualização de CPF/CNPJ aprovada",
                "portal.document_update_reject": "Atualização de CPF/CNPJ recusada",
                "registry.customer_document_change": "CPF/CNPJ do cliente alterado",
            },
            objects={
                "portal.servicerequest": "Protocolo",
                "portal.agencysettings": "Configuração da agência virtual",
            },
        )
        # the IVR tells a caller the status of an agency protocol (service's channels hook)
        from modules.service.channels_hooks import register_protocol_lookup

        from .selectors import protocol_status_for_ivr

        register_protocol_lookup("portal.requests", protocol_status_for_ivr)
