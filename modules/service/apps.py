from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "modules.service"
    label = "service"
    verbose_name = "Atendimento e serviços"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "service.code_create": "Código de serviço criado",
                "service.code_update": "Código de serviço alterado",
                "service.price_set": "Preço de serviço definido",
                "service.sector_create": "Setor criado",
                "service.material_create": "Material criado",
                "service.material_price_set": "Preço de material definido",
                "service.kit_create": "Kit de materiais criado",
                "service.kit_items_set": "Materiais do kit definidos",
                "service.team_create": "Equipe criada",
                "service.team_member_add": "Integrante incluído na equipe",
                "service.team_member_end": "Integrante saiu da equipe",
                "service.vehicle_create": "Veículo cadastrado",
                "service.order_open": "Ordem de serviço aberta",
                "service.order_release": "Ordem de serviço liberada",
                "service.order_schedule": "Ordem de serviço programada",
                "service.order_unschedule": "Ordem de serviço desprogramada",
                "service.order_start": "Execução iniciada",
                "service.order_pause": "Execução pausada",
                "service.order_resume": "Execução retomada",
                "service.order_postpone": "Prazo prorrogado",
                "service.order_close": "Ordem de serviço encerrada",
                "service.order_cancel": "Ordem de serviço cancelada",
                "service.order_rework": "Retrabalho gerado",
                "service.automatic_rule_set": "Regra de abertura automática definida",
                "service.automatic_rule_delete": "Regra de abertura automática excluída",
                "service.configuration_apply": "Configuração de serviços importada",
                "service.configuration_remove": "Removido pela importação da configuração",
            },
            objects={
                "service.servicecode": "Código de serviço",
                "service.sector": "Setor",
                "service.material": "Material",
                "service.kit": "Kit de materiais",
                "service.team": "Equipe",
                "service.vehicle": "Veículo",
                "service.serviceorder": "Ordem de serviço",
                "service.automaticrule": "Regra de abertura automática",
            },
            fields={
                "billing_type": "Tipo de cobrança",
                "deadline_value": "Prazo de execução",
                "deadline_unit": "Unidade do prazo",
                "valid_from": "Vigência a partir de",
                "price": "Preço",
                "due_at": "Prazo",
                "postponements": "Prorrogações",
                "team": "Equipe",
                "team_id": "Equipe",
                "scheduled_for": "Programada para",
                "executed_at": "Executada em",
                "charges": "Cobranças",
                "items": "Materiais",
                "event": "Evento",
                "occurrence": "Ocorrência de leitura",
            },
        )
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_item_source

        from .selectors import CHARGE_SOURCE, charge_items

        register(
            Function("service.orders", "Ordens de serviço", "Atendimento"),
            Function("service.codes", "Códigos e preços de serviço", "Atendimento"),
            Function("service.teams", "Equipes, setores e veículos", "Atendimento"),
            Function("service.materials", "Materiais e kits", "Atendimento"),
        )
        # executed services and materials go on the property's next bill through billing's hook
        register_item_source(CHARGE_SOURCE, charge_items)
        # meter and reading events open orders by the utility's rules (abertura automática)
        from modules.metering.events import register_event_handler as metering_handler
        from modules.reading.events import register_event_handler as reading_handler

        from .services.automatic import on_event

        metering_handler("service.automatic", on_event)
        reading_handler("service.automatic", on_event)
        # units: closing a marked order cuts, reconnects or swaps the meter (services/units.py
        # registers its closing hooks on import); a paid cut property gets its reconnection order
        from modules.collection.documents import register_bills_paid

        from .services.units import reconnection_on_payment

        register_bills_paid("service.reconnection", reconnection_on_payment)
        register_labels(
            actions={
                "service.code_effect_set": "Efeito do código de serviço definido",
                "service.cut_record": "Corte registrado",
                "service.reconnection_record": "Religação registrada",
                "service.order_split": "Ordem desdobrada com dependência",
                "service.commercial_customer": "Cliente comercial cadastrado",
                "service.paying_body_create": "Órgão pagador cadastrado",
                "service.paying_body_member_add": "Imóvel centralizado no órgão pagador",
                "service.paying_body_member_end": "Imóvel retirado do órgão pagador",
                "service.centralized_invoice_issue": "Fatura centralizada emitida",
                "service.document_due_date_change": "Vencimento do documento alterado",
                "service.document_cancel": "Documento de cobrança cancelado",
                "service.sewer_letter_issue": "Carta de liberação de esgoto emitida",
                "service.sewer_letter_fine": "Multa da carta de liberação lançada",
                "service.sewer_letter_connected": "Carta de liberação atendida",
            },
            objects={
                "service.payingbody": "Órgão pagador",
                "service.centralizedinvoice": "Fatura centralizada",
                "service.sewerreleaseletter": "Carta de liberação de esgoto",
            },
            fields={},
        )
        register(
            Function("service.paying_bodies", "Órgãos pagadores e faturas centralizadas", "Atendimento"),
        )
