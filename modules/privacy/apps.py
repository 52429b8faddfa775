from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """LGPD tooling (issue #21): the data-subject report and anonymisation on request."""

    name = "modules.privacy"
    label = "privacy"
    verbose_name = "Privacidade (LGPD)"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        register(
            Function("privacy.subjects", "Titulares de dados (LGPD)", "Controle de acesso"),
            Function("privacy.fraud", "Caça-fraude e segregação de funções", "Controle de acesso"),
        )
        register_labels(
            actions={
                "privacy.subject_report": "Relatório do titular (LGPD) emitido",
                "privacy.subject_anonymise": "Titular anonimizado (LGPD)",
                "privacy.fraud_hunt": "Caça-fraude executado",
                "privacy.fraud_close": "Achado de caça-fraude encerrado",
            }
        )
