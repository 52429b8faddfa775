from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "modules.reports"
    label = "reports"
    verbose_name = "Relatórios gerenciais"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        register(Function("reports.reports", "Relatórios gerenciais", "Relatórios"))
        register_labels(
            actions={"reports.run_request": "Relatório solicitado"},
            objects={"reports.reportrun": "Execução de relatório"},
            fields={},
        )
