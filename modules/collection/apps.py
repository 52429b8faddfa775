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
                "collection.agent_register": "Agente arrecadador cadastrado",
                "collection.agent_change": "Agente arrecadador alterado",
                "collection.agent_remove": "Agente arrecadador removido",
                "collection.index_series_remove": "Índice removido",
                "collection.index_rate_remove": "Taxa mensal removida",
                "collection.index_series_create": "Índice cadastrado",
                "collection.index_series_change": "Índice alterado",
                "collection.index_rate_record": "Taxa mensal registrada",
                "collection.index_rate_change": "Taxa mensal alterada",
                "collection.index_rate_correct": "Taxa mensal corrigida (nova versão)",
                "collection.index_rates_import": "Taxas importadas do CSV do Banco Central",
                "collection.late_charge_policy_add": "Nova versão da política de acréscimos",
                "collection.late_charge_policy_change": "Versão da política de acréscimos corrigida",
                "collection.late_charge_policy_remove": "Versão da política de acréscimos removida",
            },
            objects={
                "collection.payment": "Pagamento",
                "collection.returnfile": "Arquivo de retorno",
                "collection.gatewaycharge": "Cobrança on-line",
                "collection.gatewayaccount": "Conta do Pagar.me",
                "collection.paymentdocument": "Guia",
                "collection.collectingagent": "Agente arrecadador",
                "collection.indexseries": "Índice",
                "collection.indexrate": "Taxa mensal",
                "collection.latechargepolicyversion": "Política de acréscimos",
            },
            fields={
                "agreement_code": "Convênio",
                "contract_number": "Contrato",
                "fee_per_payment": "Tarifa por pagamento",
                "credit_days": "Dias para crédito (float)",
                "active": "Ativo",
                "provisional_rate": "Taxa provisória",
                "sgs_code": "Série SGS",
                "rate": "Taxa",
                "month": "Mês",
                "provisional": "Provisória",
                "source": "Origem",
                "recorded_at": "Registrada em",
                "series": "Índice",
                "effective_from": "Vigência a partir de",
                "resolution": "Ato normativo",
                "fine_rate": "Multa",
                "interest_method": "Método de juros",
                "interest_rate": "Taxa de juros",
                "interest_on_fine": "Juros sobre a multa",
                "interest_index": "Série de juros",
                "correction_index": "Índice de correção",
                "rounding": "Arredondamento",
                "accrues_from": "Juros a partir de",
                "contract_start": "Início do contrato",
                "contract_end": "Fim do contrato",
                "filename": "Arquivo",
                "lines": "Linhas",
                "created": "Criadas",
                "changed": "Alteradas",
                "corrected": "Corrigidas",
                "unchanged": "Sem mudança",
                "code": "Código",
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
            Function(
                "collection.direct_debit",
                "Débito automático (autorizações, remessas, retornos)",
                "Arrecadação",
            ),
        )
        register_item_source("collection.late_charge", late_charge_items)
        from .exceptions import adjustment_items

        register_item_source("collection.adjustment", adjustment_items)
        from modules.billing.hooks import register_bill_pix

        from .pix_bill import bill_pix_payload

        register_bill_pix(bill_pix_payload)  # type: ignore[arg-type]
