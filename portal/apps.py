from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from modules.service.hooks import DeskSettings


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Agência virtual"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels
        from modules.service.hooks import register_desk_settings

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension

        register(Function("portal.settings", "Configuração da agência virtual", "Atendimento"))
        register_desk_settings(_desk_settings)
        register_labels(
            actions={
                "portal.sign_in": "Entrada na agência virtual",
                "portal.email_change_request": "Pedido de troca de e-mail (agência virtual)",
                "portal.email_change_confirm": "Troca de e-mail confirmada (agência virtual)",
                "portal.due_day_change": "Troca do dia de vencimento (agência virtual)",
                "portal.sign_in_failed": "Tentativa de entrada de cidadão recusada",
                "portal.settings_update": "Configuração da agência virtual",
                "portal.document_update_request": "Pedido de atualização de CPF/CNPJ (agência virtual)",
                "registry.customer_document_change": "CPF/CNPJ do cliente alterado",
            },
            objects={
                "portal.servicerequest": "Protocolo",  # audit rows written before the move (ADR 0181)
                "portal.agencysettings": "Configuração da agência virtual",
            },
        )
        # the IVR tells a caller the status of an agency protocol (service's channels hook)
        from modules.service.channels_hooks import register_protocol_lookup

        from .selectors import protocol_status_for_ivr

        register_protocol_lookup("portal.requests", protocol_status_for_ivr)


def _desk_settings() -> DeskSettings:
    """The sectors and attachment limits the protocol desk uses, from the agency's settings."""
    from modules.service.hooks import DeskSettings

    from .models import AgencySettings

    agency = AgencySettings.current()
    return DeskSettings(
        units=tuple(agency.units),
        attachment_max_files=agency.attachment_max_files,
        attachment_max_bytes=agency.attachment_max_bytes,
        ombudsman_email=agency.ombudsman_email,
    )
