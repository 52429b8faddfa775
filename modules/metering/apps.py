from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "modules.metering"
    label = "metering"
    verbose_name = "Hidrometria"

    def ready(self) -> None:
        from modules.access.functions import Function, register

        register(
            Function("metering.meters", "Hidrômetros", "Hidrometria"),
            Function("metering.events", "Instalação, retirada e troca", "Hidrometria"),
            Function("metering.calibrations", "Aferições", "Hidrometria"),
        )
        from modules.registry.panels import register_panel
        from modules.registry.search import register_key

        from .hooks import meter_number_key, meter_panel

        register_key(meter_number_key)
        register_panel(meter_panel)
