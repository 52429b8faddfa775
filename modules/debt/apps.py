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
            },
            objects={
                "debt.agreement": "Parcelamento",
                "debt.certificate": "Certidão",
                "debt.debtsettings": "Parâmetros de cobrança",
                "debt.installmentpolicyversion": "Política de parcelamento",
                "common.documenttemplate": "Texto de documento",
                "debt.activedebtbook": "Livro da dívida ativa",
                "debt.activedebtsettings": "Parâmetros da dívida ativa",
            },
        )
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_item_source
        from modules.collection.documents import register_bill_hold, register_document_paid

        from .selectors import held_bill_ids, installment_items
        from .services import agreement_down_payment_paid

        register(
            Function("debt.position", "Posição de débitos e extrato", "Cobrança"),
            Function("debt.agreements", "Parcelamentos", "Cobrança"),
            Function("debt.agreements_extended", "Parcelamento além do limite do atendimento", "Cobrança"),
            Function("debt.certificates", "Certidões e declaração anual", "Cobrança"),
            Function("debt.settings", "Parâmetros e políticas de cobrança", "Cobrança"),
            Function("debt.active_debt", "Dívida ativa", "Cobrança"),
        )
        register_item_source("debt.installment", installment_items)
        register_document_paid("debt.agreement", agreement_down_payment_paid)
        register_bill_hold("debt.agreement", held_bill_ids)
