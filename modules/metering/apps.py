from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "modules.metering"
    label = "metering"
    verbose_name = "Hidrometria"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "metering.meter_create": "Hidrômetro cadastrado",
                "metering.meter_batch_create": "Lote de hidrômetros cadastrado",
                "metering.meter_update": "Hidrômetro alterado",
                "metering.meter_status": "Situação do hidrômetro alterada",
                "metering.meter_install": "Hidrômetro instalado",
                "metering.meter_remove": "Hidrômetro retirado",
                "metering.meter_swap": "Hidrômetro trocado",
                "metering.calibration_record": "Aferição registrada",
                "metering.policy_update": "Política de hidrometria alterada",
            },
            objects={
                "metering.meter": "Hidrômetro",
                "metering.installation": "Instalação",
                "metering.calibration": "Aferição",
                "metering.meteringpolicy": "Política de hidrometria",
            },
        )
        from modules.access.functions import Function, register

        register(
            Function("metering.meters", "Hidrômetros", "Hidrometria"),
            Function("metering.events", "Instalação, retirada e troca", "Hidrometria"),
            Function("metering.calibrations", "Aferições", "Hidrometria"),
            Function(
                "metering.policy", "Política de hidrometria (validade da aferição, fotos)", "Hidrometria"
            ),
        )
        from modules.registry.panels import register_panel
        from modules.registry.search import register_key

        from .hooks import meter_number_key, meter_panel

        register_key(meter_number_key)
        register_panel(meter_panel)
