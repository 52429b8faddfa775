from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "modules.reading"
    label = "reading"
    verbose_name = "Leitura"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        from .domain.regulation import FIELD_LABELS as REGULATION_LABELS

        register_labels(
            actions={
                "reading.register": "Leitura registrada",
                "reading.review": "Leitura analisada",
                "reading.schedule_generate": "Cronograma de leitura gerado",
                "reading.holiday_create": "Feriado cadastrado",
                "reading.holiday_remove": "Feriado excluído",
                "reading.holiday_change": "Feriado renomeado",
                "reading.schedule_settings_remove": "Configuração do cronograma voltou ao padrão",
                "reading.schedule_adjust": "Cronograma ajustado à mão",
                "reading.schedule_settings_update": "Configuração do cronograma alterada",
                "reading.consumption_regulation_create": "Nova versão do regulamento de consumo",
                "reading.consumption_regulation_change": "Versão do regulamento de consumo corrigida",
                "reading.consumption_regulation_remove": "Versão do regulamento de consumo excluída",
                "reading.batch_create": "Carga de leitura gerada",
                "reading.batch_close": "Carga de leitura processada",
                "reading.reader_save": "Leiturista cadastrado",
                "reading.device_save": "Aparelho de leitura cadastrado",
                "reading.route_assign": "Rota entregue a aparelho",
                "reading.message_send": "Mensagem ao leiturista",
                "reading.rereading_create": "Releitura enviada a campo",
                "reading.collector_export": "Arquivo de carga exportado",
                "reading.occurrence_save": "Ocorrência de leitura salva",
                "reading.device_positions_prune": "Posições antigas dos aparelhos apagadas (guarda vencida)",
                "reading.route_order": "Ordem de leitura da rota alterada",
                "reading.field_settings": "Rodízio e guarda das posições alterados",
                "reading.locality_type_save": "Tipo de localidade salvo",
                "reading.route_locality": "Tipo de localidade da rota alterado",
                "reading.route_move": "Imóvel movido de rota",
                "reading.reader_app_settings": "Configuração do aplicativo do leiturista alterada",
                "reading.batch_route_order": "Ordem da rota ajustada pelo leiturista no aparelho",
            },
            objects={
                "reading.readerappsettings": "Aplicativo do leiturista",
                "reading.reading": "Leitura",
                "reading.readingschedule": "Cronograma de leitura",
                "reading.holiday": "Feriado",
                "reading.schedulesettings": "Configuração do cronograma",
                "reading.consumptionregulation": "Regulamento de consumo",
                "reading.readingbatch": "Carga de leitura",
                "reading.batchroute": "Rota da carga de leitura",
                "reading.reader": "Leiturista",
                "reading.device": "Aparelho de leitura",
                "reading.readermessage": "Mensagem ao leiturista",
                "reading.occurrence": "Ocorrência de leitura",
                "reading.deviceposition": "Posição do aparelho de leitura",
                "reading.fieldreadingsettings": "Configuração da leitura em campo",
                "reading.localitytype": "Tipo de localidade",
            },
            fields={
                **REGULATION_LABELS,
                "valid_from": "Vigência a partir de",
                "act": "Ato",
                "date": "Data",
                "reading_start": "Início da leitura",
                "reading_end": "Fim da leitura",
                "billing_date": "Faturamento",
                "photo_required": "Foto obrigatória",
                "action": "Ação",
                "review": "Enviar para análise",
            },
        )
        from modules.access.functions import Function, register

        register(
            Function("reading.readings", "Leituras e análise de consumo", "Leitura"),
            Function("reading.schedule", "Cronograma de leitura e feriados", "Leitura"),
            Function("reading.consumption", "Regulamento de consumo (média e crítica)", "Leitura"),
            Function("reading.batches", "Cargas de leitura, leituristas e acompanhamento", "Leitura"),
            Function("reading.field", "Aparelho do leiturista (carga e envio)", "Leitura"),
        )
