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
                "service.attendance_start": "Atendimento iniciado",
                "service.attendance_link": "Atendimento identificado (imóvel/cliente)",
                "service.attendance_subject_add": "Assunto registrado no atendimento",
                "service.attendance_checklist": "Documentos conferidos no atendimento",
                "service.attendance_hold": "Tempo em espera registrado",
                "service.attendance_close": "Atendimento encerrado",
                "service.attendance_comment_add": "Comentário no atendimento",
                "service.attendance_comment_edit": "Comentário alterado",
                "service.protocol_order_link": "Ordem de serviço vinculada ao protocolo",
                "service.protocol_type_set": "Tipo de protocolo definido",
                "service.document_upload": "Documento anexado ao repositório",
                "service.document_view": "Documento consultado",
                "service.desk_configuration_update": "Configuração do atendimento alterada",
                # the protocol desk keeps the action names it had in the agency (ADR 0181)
                "portal.request_create": "Protocolo aberto",
                "portal.request_acknowledge": "Recebimento de protocolo confirmado",
                "portal.request_route": "Protocolo encaminhado a outro setor",
                "portal.request_status_change": "Situação de protocolo alterada",
                "portal.document_update_approve": "Atualização de CPF/CNPJ aprovada",
                "portal.document_update_reject": "Atualização de CPF/CNPJ recusada",
                "service.field_photo": "Foto de campo recebida",
                "service.field_crew": "Integrante identificado pelo crachá",
                "service.field_notice": "Aviso ao cliente emitido em campo",
                "service.field_positions": "Posições do aparelho recebidas",
                "service.field_positions_prune": "Posições antigas apagadas (guarda vencida)",
                "service.field_settings": "Configuração de campo alterada",
                "service.field_badge_set": "Crachá definido",
                "service.closing_form_set": "Formulário de encerramento do código definido",
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
                "service.servicerequest": "Protocolo",
                "service.attendance": "Atendimento",
                "service.protocoltype": "Tipo de protocolo",
                "service.document": "Documento",
                "service.deskconfiguration": "Configuração do atendimento",
                "service.fieldsettings": "Configuração de campo",
                "service.badge": "Crachá",
                "service.position": "Posições de campo",
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
        from modules.access.scoping import register_scope_check
        from modules.billing.hooks import register_item_source

        from .models import Sector as ServiceSector

        # a department of a scoped grant (S3.4-02) is the service sector an order lands in
        register_scope_check("department", lambda name: ServiceSector.objects.filter(name=name).exists())

        from .selectors import CHARGE_SOURCE, charge_items

        register(
            Function("service.orders", "Ordens de serviço", "Atendimento"),
            Function("service.codes", "Códigos e preços de serviço", "Atendimento"),
            Function("service.teams", "Equipes, setores e veículos", "Atendimento"),
            Function("service.materials", "Materiais e kits", "Atendimento"),
            # the protocol desk keeps the function code it had in the agency: the profiles granting
            # it stay as they are (ADR 0181)
            Function("portal.requests", "Protocolos (agência, balcão e ouvidoria)", "Atendimento"),
            Function("service.attendances", "Atendimentos (balcão, telefone, chat, e-mail)", "Atendimento"),
            Function("service.field", "Aplicativo de campo (equipes)", "Atendimento"),
            Function("service.field_monitor", "Acompanhamento de campo", "Atendimento"),
            Function("service.losses", "Perdas: fraudes, multas e inspeções", "Atendimento"),
        )
        # executed services and materials go on the property's next bill through billing's hook
        register_item_source(CHARGE_SOURCE, charge_items)
        # meter and reading events open orders by the utility's rules (abertura automática)
        from modules.metering.events import register_event_handler as metering_handler
        from modules.reading.events import register_event_handler as reading_handler

        from .services.automatic import on_event

        metering_handler("service.automatic", on_event)
        reading_handler("service.automatic", on_event)
        # attendance channels: tickets (senhas) and CTI (ADR 0182)
        register(
            Function("service.tickets", "Senhas de atendimento", "Atendimento"),
            Function("service.cti", "Telefonia (CTI), URA e campanhas", "Atendimento"),
        )
        register_labels(
            actions={
                "service.unit_create": "Unidade de atendimento criada",
                "service.unit_update": "Unidade de atendimento alterada",
                "service.queue_set": "Fila de senhas definida",
                "service.ticket_issue": "Senha emitida",
                "service.ticket_call": "Senha chamada",
                "service.ticket_recall": "Senha chamada novamente",
                "service.ticket_finish": "Atendimento da senha encerrado",
                "service.ticket_no_show": "Senha não compareceu",
                "service.ticket_identify": "Senha associada ao imóvel",
                "service.call_event": "Evento de ligação recebido",
                "service.outage_create": "Falta de água registrada",
                "service.outage_end": "Abastecimento normalizado",
                "service.sms_send": "SMS enviado",
                "service.campaign_create": "Campanha de ligações criada",
                "service.campaign_start": "Campanha de ligações iniciada",
                "service.campaign_refresh": "Resultados da campanha atualizados",
                "service.channel_settings_set": "Telefonia e mensagens configuradas",
                "service.display_item_create": "Conteúdo do painel de senhas incluído",
                "service.display_item_delete": "Conteúdo do painel de senhas excluído",
            },
            objects={
                "service.attendanceunit": "Unidade de atendimento",
                "service.ticketqueue": "Fila de senhas",
                "service.ticket": "Senha",
                "service.call": "Ligação",
                "service.supplyoutage": "Falta de água",
                "service.campaign": "Campanha de ligações",
                "service.smsmessage": "SMS",
                "service.channelsettings": "Telefonia e mensagens",
                "service.displayitem": "Conteúdo do painel de senhas",
            },
        )
        self._ready_orders()
        # a called ticket or an answered call opens the attendant's attendance (ADR 0181, 0182)
        from . import attendance_wiring, channels_hooks, hooks

        hooks.register_ticket_source(attendance_wiring.ticket_taken_at)
        channels_hooks.register_ticket_called("service.attendance", attendance_wiring.on_ticket_called)
        channels_hooks.register_call_answered("service.attendance", attendance_wiring.on_call_answered)
        self._ready_reviews()

    def _ready_orders(self) -> None:
        """Batch opening, quality and rework, opening notices and terms, contractors (h-orders)."""
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        register(Function("service.contractors", "Empreiteiras, contratos e medições", "Atendimento"))
        register_labels(
            actions={
                "service.batch_open": "Ordens abertas em lote",
                "service.order_inspect": "Vistoria de qualidade registrada",
                "service.opening_notice_set": "Aviso de abertura por e-mail definido",
                "service.sector_recipients_set": "Destinatários do setor definidos",
                "service.term_template_create": "Nova versão de termo de abertura",
                "service.contractor_create": "Empreiteira cadastrada",
                "service.contractor_team_create": "Equipe de empreiteira criada",
                "service.contractor_member_add": "Integrante de empreiteira incluído",
                "service.contract_create": "Contrato cadastrado",
                "service.measurement_compute": "Medição calculada",
                "service.closing_form_set": "Campos do encerramento definidos",
            },
            objects={
                "service.batchopening": "Abertura em lote",
                "service.contractor": "Empreiteira",
                "service.contract": "Contrato",
            },
            fields={
                "quality": "Vistoria",
                "rework": "Retrabalho",
                "opening_notice": "Avisa na abertura",
                "recipients": "Destinatários",
                "gross": "Valor bruto",
                "penalties": "Multas",
                "net": "Valor líquido",
                "month": "Mês",
                "orders": "Ordens",
                "unpriced": "Serviços sem preço no contrato",
                "closing_fields": "Campos do encerramento",
            },
        )
        # units: closing a marked order cuts, reconnects or swaps the meter (services/units.py
        # registers its closing hooks on import); a paid cut property gets its reconnection order
        from modules.collection.documents import register_bills_paid

        from .services.units import reconnection_on_payment

        register_bills_paid("service.reconnection", reconnection_on_payment)
        # debt's cut-order generation opens service orders through this (debt sits below service)
        from modules.debt.notices import register_cut_order_opener

        from .services.units import cut_escalation_candidates, cut_order_open_within

        register_cut_order_opener(
            lambda actor, property_id, level, reason: (
                cut_order_open_within(actor=actor, property_id=property_id, level=level, reason=reason).pk
            ),
            cut_escalation_candidates,
        )
        from modules.debt.notices import register_record_order_opener

        from .services.units import collection_record_order_within

        register_record_order_opener(
            lambda actor, property_id, description: (
                collection_record_order_within(
                    actor=actor, property_id=property_id, description=description
                ).label
            )
        )
        register_labels(
            actions={
                "service.code_effect_set": "Efeito do código de serviço definido",
                "service.cut_record": "Corte registrado",
                "service.reconnection_record": "Religação registrada",
                "service.reconnection_fee_waived": "Taxa de religação não cobrada (corte sem aviso)",
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
        # the rental contract's document checklist is the one of its protocol type (S10.15-01)
        from modules.registry.services.rental import register_checklist_provider

        from .services.desk_config import rental_checklist

        register_checklist_provider(rental_checklist)
        # news and notices to consumers, on the agency, the totem and the app (issue 23)
        register(Function("service.news", "Notícias e avisos aos consumidores", "Atendimento"))
        register_labels(
            actions={
                "service.news_create": "Notícia ou aviso publicado",
                "service.news_update": "Notícia ou aviso alterado",
                "service.news_withdraw": "Notícia ou aviso retirado",
            },
            objects={"service.news": "Notícia ou aviso"},
            fields={},
        )

    def _ready_reviews(self) -> None:
        """The consumption review (seed 001 3.2.6) and the reading reports (3.2.4)."""
        from modules.access.functions import Function, register
        from modules.common.audit import register_labels

        from .services import reviews  # noqa: F401  (registers the visit order's close hook)

        register(
            Function("service.reviews", "Revisão de consumo", "Atendimento"),
            Function("service.reading_reports", "Relatórios de leitura", "Leitura"),
        )
        register_labels(
            actions={
                "service.review_open": "Revisão de consumo aberta",
                "service.review_advance": "Revisão de consumo mudou de fase",
                "service.review_visit": "Vistoria da revisão agendada",
                "service.review_rebill": "Conta alterada na revisão de consumo",
                "service.review_close": "Revisão de consumo encerrada",
                "service.review_email": "Laudo da revisão enviado por e-mail",
                "service.review_settings": "Fases da revisão de consumo alteradas",
            },
            objects={
                "service.consumptionreview": "Revisão de consumo",
                "service.reviewsettings": "Configuração da revisão de consumo",
            },
        )
