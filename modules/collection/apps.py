from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "modules.collection"
    label = "collection"
    verbose_name = "Arrecadação"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "collection.return_file_import": "Arquivo de retorno importado",
                "collection.return_file_refuse": "Arquivo de retorno recusado",
                "collection.payment_register": "Pagamento registrado",
                "collection.payment_reverse": "Pagamento estornado",
                "collection.payment_review_resolve": "Pagamento em análise resolvido",
                "collection.gateway_charge_create": "Cobrança on-line criada",
                "collection.gateway_payment": "Pagamento on-line confirmado",
                "collection.gateway_account_configure": "Conta do Pagar.me configurada",
                "collection.card_checkout_release": "Pagamento com cartão expirado",
                "collection.document_create": "Guia emitida",
                "collection.document_cancel": "Guia cancelada",
            },
            objects={
                "collection.payment": "Pagamento",
                "collection.returnfile": "Arquivo de retorno",
                "collection.gatewaycharge": "Cobrança on-line",
                "collection.gatewayaccount": "Conta do Pagar.me",
                "collection.paymentdocument": "Guia",
            },
        )
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_item_source

        from .late_items import late_charge_items

        register(
            Function("collection.payments", "Pagamentos, baixas e estornos", "Arrecadação"),
            Function("collection.return_files", "Arquivos retorno (FEBRABAN)", "Arrecadação"),
            Function("collection.gateway", "Cobranças Pagar.me (PIX, boleto, cartão)", "Arrecadação"),
            Function("collection.settings", "Agentes, acréscimos e índices", "Arrecadação"),
        )
        register_item_source("collection.late_charge", late_charge_items)
