"""The staff app's menu: one entry per function, shown only to users whose profiles grant it.

Modules add their entries here as they arrive (registry, billing, collection …). Every settings
screen goes in the section "Configurações", with a one-line description: the settings hub
(/configuracoes/, saas.staff.settings_hub) lists that section from this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    function: str  # empty: the section's index, shown when the user sees another entry of the section
    action: str = "view"
    description: str = ""  # one line, shown on the settings hub


SETTINGS_SECTION = "Configurações"


STAFF_NAV: tuple[NavItem, ...] = (
    NavItem("Cadastro", "Buscar imóvel", "registry:search", "registry.properties"),
    NavItem("Cadastro", "Novo imóvel", "registry:property_create", "registry.properties", "add"),
    NavItem("Cadastro", "Clientes", "registry:customers", "registry.customers"),
    NavItem("Cadastro", "Importar cadastro legado", "legacy:import", "registry.import", "add"),
    NavItem(
        "Cadastro",
        "Importar ocorrências de leitura legadas",
        "reading:legacy_import",
        "registry.import",
        "add",
    ),
    NavItem("Hidrometria", "Hidrômetros", "metering:meters", "metering.meters"),
    NavItem("Hidrometria", "Aferição vencendo", "metering:expiring", "metering.meters"),
    NavItem("Leitura", "Leituras em análise", "reading:review", "reading.readings"),
    NavItem("Leitura", "Importar leituras", "reading:import", "reading.readings", "add"),
    NavItem("Leitura", "Cronograma e feriados", "reading:schedule", "reading.schedule"),
    NavItem("Faturamento", "Faturamento por grupo", "billing:runs", "billing.runs"),
    NavItem("Faturamento", "Simulador de conta", "billing:simulator", "billing.simulate"),
    NavItem("Faturamento", "Comparar tarifas", "billing:compare", "billing.simulate"),
    NavItem("Arrecadação", "Pagamentos", "collection:payments", "collection.payments"),
    NavItem("Arrecadação", "Fila de análise", "collection:review", "collection.payments", "change"),
    NavItem("Arrecadação", "Arquivos retorno", "collection:return_files", "collection.return_files"),
    NavItem("Cobrança", "Posição de débitos", "debt:lookup", "debt.position"),
    NavItem("Cobrança", "Parcelamentos", "debt:agreements", "debt.agreements"),
    NavItem("Cobrança", "Certidões", "debt:certificate_lookup", "debt.certificates"),
    NavItem("Atendimento", "Protocolos", "desk:requests", "portal.requests"),
    NavItem("Atendimento", "Registrar no balcão", "desk:request_new", "portal.requests", "add"),
    NavItem("Atendimento", "Agência virtual", "desk:settings", "portal.settings"),
    NavItem("Controle de acesso", "Usuários", "access:users", "access.users"),
    NavItem("Controle de acesso", "Perfis", "access:profiles", "access.profiles"),
    NavItem("Controle de acesso", "Política de senhas", "access:policy", "access.policy", "change"),
    NavItem("Controle de acesso", "Auditoria", "access:audit", "common.audit"),
    NavItem("Suporte", "Chamados ao fornecedor", "sla:incidents", "ops.incidents"),
    NavItem("Relatórios", "Relatórios gerenciais", "reports:catalogue", "reports.reports"),
    NavItem(
        SETTINGS_SECTION,
        "Todas as configurações",
        "settings_hub",
        "",
        description="Esta lista: cada tela de parâmetros da concessionária, com o que ela configura.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Configuração como documento",
        "configuration:document",
        "configuration.document",
        description="Baixar toda a configuração num arquivo JSON ou importar a de outra concessionária, "
        "vendo as diferenças antes de aplicar.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Parâmetros de cobrança",
        "debt:settings",
        "debt.settings",
        description="Validade do extrato de débitos e das certidões.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Políticas de parcelamento",
        "debt:policies",
        "debt.settings",
        description="Versões da política de parcelamento (resolução): juros, parcelas, entrada, descontos.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Textos dos documentos de cobrança",
        "debt:templates",
        "debt.settings",
        description="Textos das certidões, do extrato, da guia de entrada e do termo de acordo, "
        "com prévia em PDF.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Agentes arrecadadores",
        "collection:settings_agents",
        "collection.settings",
        description="Bancos, lotéricas e correspondentes com seus convênios, tarifas e dias de crédito: "
        "sem o agente, os arquivos retorno do banco são recusados.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Índices e taxas mensais",
        "collection:settings_indexes",
        "collection.settings",
        description="Taxas mensais da Selic, do IPCA e de outros índices, digitadas ou do CSV do Banco "
        "Central, e a taxa provisória dos meses sem taxa.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Política de acréscimos",
        "collection:settings_policies",
        "collection.settings",
        description="Versões da multa, dos juros e da correção das faturas pagas em atraso, com simulação.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Configuração do faturamento",
        "billing:settings",
        "billing.settings",
        description="Prazo entre emissão e vencimento, meses de histórico na fatura, "
        "consumo por tomada d'água.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Tarifas",
        "billing:tariffs",
        "billing.tariffs",
        description="Estruturas tarifárias por categoria e faixa, rascunhos comparados com a vigente "
        "antes da aprovação, e projeções que nunca entram em vigor.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Mensagens da fatura",
        "billing:messages",
        "billing.bill_texts",
        description="Mensagens impressas nas faturas por grupo, categoria, período e condição "
        "(consumo acima da média, débitos vencidos, valor zero).",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Qualidade da água na fatura",
        "billing:quality_list",
        "billing.bill_texts",
        description="Tabela mensal de parâmetros de qualidade da água impressa nas faturas.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Regulamento de consumo",
        "reading:regulation",
        "reading.consumption",
        description="Versões da média faturada sem leitura e da crítica de consumo alto ou baixo.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Cronograma de leitura",
        "reading:schedule_settings",
        "reading.schedule",
        description="Dia nominal, margem, dias por rota, faturamento e vencimento de cada grupo.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Política de hidrometria",
        "metering:policy",
        "metering.policy",
        description="Validade da aferição, antecedência do alerta de vencimento e tamanho das fotos.",
    ),
    NavItem("Atendimento", "Ordens de serviço", "service:orders", "service.orders"),
    NavItem("Atendimento", "Abrir ordem de serviço", "service:order_new", "service.orders", "add"),
    NavItem(
        SETTINGS_SECTION,
        "Códigos de serviço",
        "service:codes",
        "service.codes",
        description="Códigos de serviço com prazo, prioridade, cobrança e demais parâmetros, e a tabela de "
        "preços com vigência.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Equipes e setores",
        "service:teams",
        "service.teams",
        description="Equipes de campo com seus integrantes por período, setores de execução e veículos.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Materiais e kits",
        "service:materials",
        "service.materials",
        description="Materiais com unidade e tabela de preços, e os kits previstos para cada serviço.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Tabelas do cadastro",
        "registry:reference_index",
        "registry.reference",
        description="Municípios, localidades, setores e quadras da inscrição, bairros e logradouros: "
        "cadastrar, alterar, desativar.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Categorias, grupos e rotas",
        "registry:classification_index",
        "registry.classification",
        description="Categorias, subcategorias e planos de utilização (mínimo por economia, economias "
        "múltiplas); grupos de faturamento e a ordem de leitura das suas rotas.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Abertura automática de ordens",
        "service:automatic_rules",
        "service.codes",
        description="Que evento abre sozinho qual ordem de serviço: instalação, retirada, troca e vencimento "
        "da aferição do hidrômetro, ocorrências de leitura e consumo em análise.",
    ),
    NavItem(
        "Atendimento",
        "Chamar senha",
        "tickets:call",
        "service.tickets",
        description="O guichê chama a próxima senha pela regra de prioridade da unidade e emite senhas "
        "no balcão.",
    ),
    NavItem(
        "Atendimento",
        "Central telefônica",
        "cti:console",
        "service.cti",
        description="A tela do atendente de telefone: abre o imóvel de quem ligou quando a chamada é "
        "atendida.",
    ),
    NavItem(
        "Atendimento",
        "Monitor da fila telefônica",
        "cti:monitor",
        "service.cti",
        description="Espera média, abandono e números por atendente, dos eventos da central telefônica.",
    ),
    NavItem(
        "Atendimento",
        "Faltas de água",
        "cti:outages",
        "service.cti",
        description="Áreas com problema de abastecimento e a previsão de normalização, ditas pela URA.",
    ),
    NavItem(
        "Atendimento",
        "Campanhas de ligações",
        "cti:campaigns",
        "service.cti",
        description="Pesquisa de satisfação, aviso preventivo e lembrete de débito por discagem automática.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Senhas: unidades e filas",
        "tickets:settings",
        "service.tickets",
        "change",
        description="Unidades de atendimento, suas filas, prefixos e prioridades legais (60+, 80+, "
        "gestantes, pessoas com deficiência) e a alternância entre prioritárias e normais.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Telefonia e mensagens",
        "cti:settings",
        "service.cti",
        "change",
        description="O segredo que assina os eventos da central telefônica e a URA, o gateway de SMS e o "
        "discador das campanhas.",
    ),
    NavItem(
        "Atendimento",
        "Fila de prazos",
        "service:deadline_queue",
        "service.orders",
        description="Ordens em aberto pelo tempo que resta, as atrasadas primeiro, em dias úteis ou horas.",
    ),
    NavItem(
        "Atendimento",
        "Abertura de ordens em lote",
        "service:batch_new",
        "service.orders",
        "add",
        description="Filtrar imóveis (situação, categoria, hidrômetro, grupo e rotas, bairro, débitos), "
        "ver a prévia e abrir uma ordem para cada um.",
    ),
    NavItem(
        "Atendimento",
        "Empreiteiras e medições",
        "service:contractors",
        "service.contractors",
        description="Empreiteiras com equipes e integrantes, contratos com multas, e a medição mensal.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Avisos de abertura por e-mail",
        "service:notices",
        "service.codes",
        description="Quais códigos de serviço avisam por e-mail na abertura e os destinatários "
        "de cada setor.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Termos de abertura de ordens",
        "service:terms",
        "service.codes",
        description="O texto de cada termo que a abertura de uma ordem gera, com marcadores e "
        "pré-visualização.",
    ),
    NavItem(
        "Atendimento",
        "Retrabalho por equipe",
        "service:rework",
        "service.orders",
        description="Ordens executadas por equipe no período e quantas voltaram como retrabalho.",
    ),
    NavItem(
        "Atendimento",
        "Atendimentos",
        "service:attendances",
        "service.attendances",
        description="Iniciar e encerrar atendimentos por balcão, telefone, chat, agência ou e-mail.",
    ),
    NavItem(
        "Atendimento",
        "Fila de acompanhamento",
        "service:follow_up",
        "portal.requests",
        description="Protocolos devidos ao cliente, do menor prazo restante ao maior, com a OS vinculada.",
    ),
    NavItem(
        "Atendimento",
        "Indicadores de atendimento",
        "service:attendance_indicators",
        "service.attendances",
        description="Tempos de espera, de atendimento e total por período, atendente e canal.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Tipos de protocolo",
        "service:protocol_types",
        "portal.requests",
        description="Prazo de resposta, fila (setor) e documentos exigidos de cada tipo de protocolo.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Configuração do atendimento",
        "service:desk_configuration",
        "portal.requests",
        description="Formatos aceitos no repositório de documentos e as normas de referência dos "
        "comentários.",
    ),
    NavItem(
        "Atendimento",
        "Campo",
        "service:field_monitor",
        "service.field_monitor",
        description="Mapa e lista das ordens solicitadas e programadas, última posição das equipes, "
        "produtividade, fotos e avisos de campo.",
    ),
    NavItem(
        "Atendimento",
        "Aplicativo de campo",
        "field:app",
        "service.field",
        description="O aplicativo da equipe no celular: ordens do dia, encerramento, fotos e crachás, "
        "funciona sem sinal.",
    ),
    NavItem(
        "Atendimento",
        "OS de logradouros",
        "service:streets",
        "service.orders",
        description="Buscar um logradouro por código, UF, município, bairro, tipo, título ou nome e abrir, "
        "programar, cancelar, desdobrar e encerrar as suas ordens de serviço.",
    ),
    NavItem(
        "Atendimento",
        "Clientes comerciais",
        "service:commercial_customers",
        "service.orders",
        description="Clientes atendidos sem imóvel: código com dígito, ordens de serviço, cobrança avulsa "
        "(vencimento, reimpressão, cancelamento) e compensação de valores.",
    ),
    NavItem(
        "Atendimento",
        "Órgãos pagadores",
        "service:paying_bodies",
        "service.paying_bodies",
        description="Órgãos centralizadores: imóveis centralizados e a fatura centralizada do mês (simples "
        "ou detalhada), com alteração de vencimento e reimpressão.",
    ),
    NavItem(
        "Atendimento",
        "Cartas de liberação de esgoto",
        "service:sewer_letters",
        "service.orders",
        description="Cartas de liberação de instalação de esgoto com prazo; vencido o prazo sem ligação, "
        "notificação e multa na próxima fatura.",
    ),
    NavItem(
        "Atendimento",
        "Ligações novas",
        "service:connections",
        "service.orders",
        description="Pedidos de ligação nova do balcão à primeira conta: documentos, viabilidade, "
        "orçamento, taxa, execução com hidrômetro e ativação.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Fluxos de ligação nova",
        "service:connection_workflows",
        "service.codes",
        description="As etapas configuráveis da ligação nova e o código de serviço que cada uma abre.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Comunicado de cobrança de esgoto",
        "billing:sewer_notice_texts",
        "billing.sewer_notice",
        description="Texto do comunicado de cobrança de esgoto, com marcadores, em versões por data.",
    ),
    NavItem(
        "Atendimento",
        "Senhas: tempos de espera",
        "tickets:stats",
        "service.tickets",
        description="Espera média, 90 % e maior espera e tempo de atendimento por ponto e tipo de senha.",
    ),
    NavItem(
        "Atendimento",
        "Notícias e avisos",
        "news:list",
        "service.news",
        description="Notícias e avisos aos consumidores na agência virtual, no totem e no aplicativo, com "
        "período de validade e público por bairro ou rota.",
    ),
    NavItem("Cobrança", "Dívida ativa", "debt:active_debt", "debt.active_debt"),
    NavItem(
        SETTINGS_SECTION,
        "Parâmetros da dívida ativa",
        "debt:active_debt_settings",
        "debt.settings",
        description="Critérios da inscrição automática, linhas por folha do livro, prazo e textos das "
        "notificações e a fundamentação legal da certidão de dívida ativa.",
    ),
    NavItem("Cobrança", "Negativação (SPC/Serasa)", "debt:bureau_listings", "debt.bureau"),
    NavItem(
        SETTINGS_SECTION,
        "Política de negativação",
        "debt:bureau_settings",
        "debt.bureau",
        description="Quem vai ao SPC/Serasa: faturas vencidas, débito e dias mínimos, grupos, bairros e "
        "localidades; prazo do aviso prévio e da exclusão.",
    ),
    # reading in the field (ADR 0200)
    NavItem("Leitura", "Cargas de leitura", "reading:batches", "reading.batches"),
    NavItem("Leitura", "Acompanhamento da leitura", "reading:monitor", "reading.batches"),
    NavItem("Leitura", "Leituristas e aparelhos", "reading:readers", "reading.batches"),
    NavItem(
        SETTINGS_SECTION,
        "Ocorrências de leitura",
        "reading:occurrences",
        "reading.consumption",
        description="A lista de ocorrências dos leituristas: efeito no consumo, análise e foto obrigatória.",
    ),
    NavItem(
        "Atendimento",
        "Revisões de consumo",
        "service:reviews",
        "service.reviews",
        description="Pedidos de revisão de consumo por fase e prazo: vistoria, refaturamento e laudo.",
    ),
    NavItem(
        "Atendimento",
        "Agenda de vistorias de revisão",
        "service:review_agenda",
        "service.reviews",
        description="As vistorias técnicas das revisões por dia e técnico, com os horários em conflito.",
    ),
    NavItem(
        SETTINGS_SECTION,
        "Revisão de consumo: fases e prazos",
        "service:review_settings",
        "service.reviews",
        description="As fases do processo de revisão de consumo, o prazo de cada uma e o código da vistoria.",
    ),
    NavItem(
        "Leitura",
        "Relatórios de leitura",
        "service:reading_reports",
        "service.reading_reports",
        description="Boletim de leitura, ocorrências, boletim de verificação, desvios, excesso de consumo, "
        "produtividade dos leituristas e tempo entre leituras, em CSV.",
    ),
    NavItem(
        "Leitura",
        "Gerador de relatórios de leitura",
        "service:reading_report_builder",
        "service.reading_reports",
        description="Volumes, leituras e ocorrências por rota, leiturista, ocorrência, mês, tipo de consumo, "
        "ligação ou categoria, com gráfico; CSV, TXT, XLSX e PDF.",
    ),
    NavItem("Cobrança", "Régua de cobrança", "debt:ladder", "debt.collection"),
    NavItem("Cobrança", "Avisos de corte", "debt:notices", "debt.collection"),
    NavItem("Cobrança", "Ordens de corte", "debt:cut_orders", "debt.collection"),
    NavItem("Cobrança", "Cartas de cobrança", "debt:letters", "debt.collection"),
    NavItem(
        SETTINGS_SECTION,
        "Política de corte",
        "debt:cutoff_policy",
        "debt.settings",
        description="Aviso prévio, dias e horários de corte (Lei 14.015/2020), parâmetros dos avisos e "
        "das ordens de corte, etapas diárias da régua.",
    ),
    NavItem("Atendimento", "Avisos aos cidadãos", "notifications:deliveries", "notifications.deliveries"),
    NavItem(
        SETTINGS_SECTION,
        "Avisos aos cidadãos",
        "notifications:settings",
        "notifications.deliveries",
        "change",
        description="Avisos oferecidos (conta emitida, vencimento, pagamento, débito, interrupção, "
        "protocolo), prazos e os provedores de WhatsApp e notificação no aplicativo.",
    ),
    # the routes' reading order (seed 001 3.2.4.1/.3/.10/.11, h-reading)
    NavItem("Leitura", "Roteiros de leitura", "reading:routes", "reading.batches"),
    # direct debit (h-pay, ADR 0235)
    NavItem("Arrecadação", "Débito automático", "collection:direct_debit", "collection.direct_debit"),
    NavItem("Arrecadação", "Depósitos bancários", "collection:deposits", "collection.payments"),
    NavItem("Arrecadação", "Fechamento mensal", "collection:closings", "collection.closing"),
    # the critique's rules, the guia avulsa and loss charges (h-docs, ADR 0226, 0228)
    NavItem("Faturamento", "Regras da crítica", "billing:critique_rules", "billing.runs"),
    NavItem("Arrecadação", "Nova guia avulsa", "collection:slip_create", "collection.payments", "add"),
    NavItem("Atendimento", "Perdas e fraudes", "service:losses", "service.losses"),
)


def menu_for(user: object) -> list[tuple[str, list[NavItem]]]:
    sections: dict[str, list[NavItem]] = {}
    granted: set[str] = set()
    can = getattr(user, "can", None)
    for item in STAFF_NAV:
        if not item.function:
            sections.setdefault(item.section, []).append(item)
        elif can is not None and can(item.function, item.action):
            sections.setdefault(item.section, []).append(item)
            granted.add(item.section)
    # an index entry alone would lead to an empty page
    return [(name, items) for name, items in sections.items() if name in granted]


def settings_items_for(user: object) -> list[NavItem]:
    """The settings screens this user may open, in menu order, without the hub's own entry."""
    return [
        item
        for section, items in menu_for(user)
        if section == SETTINGS_SECTION
        for item in items
        if item.function
    ]
