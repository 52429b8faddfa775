from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "modules.reading"
    label = "reading"
    verbose_name = "Leitura"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "reading.register": "Leitura registrada",
                "reading.review": "Leitura analisada",
                "reading.schedule_generate": "Cronograma de leitura gerado",
                "reading.holiday_create": "Feriado cadastrado",
            },
            objects={
                "reading.reading": "Leitura",
                "reading.readingschedule": "Cronograma de leitura",
                "reading.holiday": "Feriado",
            },
        )
        from modules.access.functions import Function, register

        register(
            Function("reading.readings", "Leituras e análise de consumo", "Leitura"),
            Function("reading.schedule", "Cronograma de leitura e feriados", "Leitura"),
        )
