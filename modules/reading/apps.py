from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "modules.reading"
    label = "reading"
    verbose_name = "Leitura"

    def ready(self) -> None:
        from modules.access.functions import Function, register

        register(
            Function("reading.readings", "Leituras e análise de consumo", "Leitura"),
            Function("reading.schedule", "Cronograma de leitura e feriados", "Leitura"),
        )
