from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "modules.notifications"
    label = "notifications"
    verbose_name = "Avisos ao cidadão"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_bills_released
        from modules.common.audit import register_labels

        from .dispatch import bills_released

        register(Function("notifications.deliveries", "Avisos enviados aos cidadãos", "Atendimento"))
        register_bills_released("notifications", bills_released)
        register_labels(
            actions={
                "notifications.preferences_set": "Escolha de avisos do cidadão",
                "notifications.mobile_confirm": "Celular confirmado por código (SMS)",
                "notifications.digital_bill_set": "Adesão à conta digital",
                "notifications.settings_update": "Configuração dos avisos ao cidadão",
            },
            objects={"notifications.subscription": "Escolha de avisos"},
        )
