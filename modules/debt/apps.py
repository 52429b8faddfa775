from django.apps import AppConfig


class DebtConfig(AppConfig):
    name = "modules.debt"
    label = "debt"
    verbose_name = "Cobrança"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "debt.agreement_create": "Parcelamento firmado",
                "debt.agreement_activate": "Parcelamento ativado",
                "debt.agreement_cancel": "Parcelamento cancelado",
                "debt.certificate_issue": "Certidão emitida",
                "debt.settings_update": "Parâmetros de cobrança alterados",
                "debt.installment_policy_create": "Nova versão da política de parcelamento",
                "debt.installment_policy_update": "Versão futura da política de parcelamento alterada",
                "debt.installment_policy_delete": "Versão futura da política de parcelamento removida",
                "debt.document_template_create": "Nova versão de texto de documento",
                "debt.document_template_update": "Versão futura de texto de documento alterada",
                "debt.document_template_delete": "Versão futura de texto de documento removida",
                "debt.active_debt_enrol": "Inscrição em dívida ativa",
                "debt.active_debt_book": "Livro da dívida ativa gerado",
                "debt.active_debt_notice": "Notificação de dívida ativa emitida",
                "debt.active_debt_extrajudicial": "Notificação extrajudicial emitida",
                "debt.active_debt_notice_receipt": "Recebimento da notificação de dívida ativa",
                "debt.active_debt_certificate": "Certidão de dívida ativa emitida",
                "debt.active_debt_installments": "Parcelamento da dívida ativa",
                "debt.active_debt_confession": "Termo de confissão de dívida emitido",
                "debt.active_debt_remove": "Fatura excluída da dívida ativa",
                "debt.active_debt_reverse": "Inscrição em dívida ativa estornada",
                "debt.active_debt_filed": "Certidão de dívida ativa ajuizada",
                "debt.active_debt_settings": "Parâmetros da dívida ativa alterados",
                "debt.debt_transfer": "Débitos transferidos para parcelamento de outro imóvel",
                "debt.agreement_payoff_issue": "Guia de quitação antecipada emitida",
                "debt.agreement_payoff_paid": "Parcelamento quitado antecipadamente",
                "debt.agreement_booklet": "2ª via do carnê do parcelamento emitida",
                "debt.installment_slip_paid": "Parcela paga antecipadamente pelo carnê",
                "debt.bureau_policy_update": "Política de negativação alterada",
                "debt.bureau_listing_commit": "Lote de negativação confirmado",
                "debt.bureau_listing_undo": "Lote de negativação desfeito",
                "debt.bureau_notice": "Aviso prévio de negativação emitido",
                "debt.bureau_undo": "Aviso de negativação desfeito",
                "debt.bureau_cancel": "Negativação cancelada antes do envio",
                "debt.bureau_inclusion_sent": "Inclusão enviada ao birô",
                "debt.bureau_listed": "Negativação aceita pelo birô",
                "debt.bureau_inclusion_refused": "Inclusão recusada pelo birô",
                "debt.bureau_exclusion_due": "Exclusão da negativação solicitada",
                "debt.bureau_exclusion_sent": "Exclusão enviada ao birô",
                "debt.bureau_excluded": "Negativação excluída",
                "debt.bureau_exclusion_refused": "Exclusão recusada pelo birô",
                "debt.bureau_movement_generate": "Movimento de negativação gerado",
                "debt.cutoff_policy_create": "Nova versão da política de corte",
                "debt.cutoff_policy_update": "Política de corte alterada",
                "debt.cut_notices_issue": "Avisos de corte emitidos",
                "debt.cut_notice_cancel": "Aviso de corte cancelado",
                "debt.cut_notice_reschedule": "Data de corte do aviso alterada",
                "debt.collection_block_create": "Bloqueio de cobrança",
                "debt.cut_orders_generate": "Ordens de corte geradas",
                "debt.collection_letters_issue": "Cartas de cobrança emitidas",
            },
            objects={
                "debt.agreement": "Parcelamento",
                "debt.certificate": "Certidão",
                "debt.debtsettings": "Parâmetros de cobrança",
                "debt.installmentpolicyversion": "Política de parcelamento",
                "common.documenttemplate": "Texto de documento",
                "debt.activedebtbook": "Livro da dívida ativa",
                "debt.activedebtsettings": "Parâmetros da dívida ativa",
                "debt.bureaupolicy": "Política de negativação",
                "debt.bureaulisting": "Lote de negativação",
                "debt.bureaumovement": "Movimento de negativação",
                "debt.cutoffpolicy": "Política de corte",
                "debt.cutnotice": "Aviso de corte",
                "debt.collectionblock": "Bloqueio de cobrança",
            },
        )
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_item_source
        from modules.collection.documents import (
            register_bill_hold,
            register_bills_paid,
            register_document_paid,
        )
        from modules.registry.panels import register_panel

        from .selectors import held_bill_ids, installment_items
        from .services import PAYOFF_SOURCE, agreement_down_payment_paid, agreement_payoff_paid
        from .services_bureau import bureau_debts_settled
        from .views_bureau import bureau_panel

        register(
            Function("debt.position", "Posição de débitos e extrato", "Cobrança"),
            Function("debt.agreements", "Parcelamentos", "Cobrança"),
            Function("debt.agreements_extended", "Parcelamento além do limite do atendimento", "Cobrança"),
            Function("debt.certificates", "Certidões e declaração anual", "Cobrança"),
            Function("debt.settings", "Parâmetros e políticas de cobrança", "Cobrança"),
            Function("debt.active_debt", "Dívida ativa", "Cobrança"),
            Function("debt.bureau", "Negativação (SPC/Serasa)", "Cobrança"),
            Function("debt.collection", "Régua de cobrança, avisos e ordens de corte", "Cobrança"),
        )
        register_item_source("debt.installment", installment_items)
        register_document_paid("debt.agreement", agreement_down_payment_paid)
        register_bill_hold("debt.agreement", held_bill_ids)
        register_bills_paid("debt.bureau", bureau_debts_settled)
        register_document_paid(PAYOFF_SOURCE, agreement_payoff_paid)
        from .booklet import installment_slip_paid
        from .selectors import SLIP_SOURCE

        register_document_paid(SLIP_SOURCE, installment_slip_paid)
        register_panel(bureau_panel)
        from modules.collection.documents import register_bills_paid

        from .ladder import register_debt_steps
        from .notices import NOTICE_FEE_SOURCE, notice_fee_items, notices_settle

        register_bills_paid("debt.cut_notice", notices_settle)
        register_item_source(NOTICE_FEE_SOURCE, notice_fee_items)
        register_debt_steps()
        # 3.2.9.8: the notices go with the reading batch and print on the device after the bill
        from modules.reading.hooks import register_batch_created, register_package_extras

        from .notices import notices_with_reading_batch, package_notices

        register_batch_created("debt.cut_notice", notices_with_reading_batch)
        register_package_extras("debt.cut_notice", package_notices)
