"""Registry (cadastro) of a utility: customers, properties, addresses, categories and economias, connections.

Search keys (`*_search`) hold text folded by `domain.text.fold` and carry trigram indexes (pg_trgm,
migration 0001), so partial, accent- and case-insensitive matches stay index scans at scale.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from modules.common.domain.documents import display_document, display_masked_document

from .domain import connections as conn


class City(models.Model):
    name = models.CharField("município", max_length=120)
    state = models.CharField("UF", max_length=2)
    ibge_code = models.CharField("código IBGE", max_length=7, blank=True)
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "state"], name="city_name_state")]
        verbose_name = "município"
        verbose_name_plural = "municípios"

    def __str__(self) -> str:
        return f"{self.name}/{self.state}"


class Locality(models.Model):
    """Localidade (zona): the first part of the inscription. Seed 002 §4.2: every record belongs to one;
    Sorocaba has a single one."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="localities", verbose_name="município"
    )
    code = models.PositiveSmallIntegerField("código", unique=True)
    name = models.CharField("nome", max_length=120)
    active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "localidade"
        verbose_name_plural = "localidades"

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Sector(models.Model):
    """Setor comercial inside a locality (second part of the inscription; seed 002 §5.2)."""

    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, related_name="sectors", verbose_name="localidade"
    )
    code = models.PositiveSmallIntegerField("código")
    name = models.CharField("nome", max_length=120)
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["locality__code", "code"]
        constraints = [models.UniqueConstraint(fields=["locality", "code"], name="sector_locality_code")]
        verbose_name = "setor"
        verbose_name_plural = "setores"

    def __str__(self) -> str:
        return f"{self.locality.code}.{self.code} – {self.name}"


class Block(models.Model):
    """Quadra inside a sector (third part of the inscription)."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="blocks", verbose_name="setor")
    code = models.PositiveSmallIntegerField("código")
    name = models.CharField("descrição", max_length=120, blank=True)
    active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["sector__locality__code", "sector__code", "code"]
        constraints = [models.UniqueConstraint(fields=["sector", "code"], name="block_sector_code")]
        verbose_name = "quadra"
        verbose_name_plural = "quadras"

    def __str__(self) -> str:
        return f"{self.sector.locality.code}.{self.sector.code}.{self.code}"


class Neighbourhood(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="neighbourhoods", verbose_name="município"
    )
    code = models.PositiveIntegerField("código", null=True, blank=True)
    name = models.CharField("bairro", max_length=120)
    name_search = models.CharField(max_length=120, editable=False, default="")
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="neighbourhood_city_name"),
            models.UniqueConstraint(fields=["city", "code"], name="neighbourhood_city_code"),
        ]
        verbose_name = "bairro"
        verbose_name_plural = "bairros"

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """Logradouro: type (Rua, Avenida …), title (Dr., Pres. …) and name; properties hold it by FK, so a
    rename reaches every property (seed 002 S4.2-03)."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="streets", verbose_name="município")
    street_type = models.CharField("tipo de logradouro", max_length=30, default="Rua")
    title = models.CharField("título", max_length=30, blank=True)
    name = models.CharField("logradouro", max_length=150)
    name_search = models.CharField(max_length=200, editable=False, default="")
    active = models.BooleanField("ativo", default=True)
    # the street's georeferenced point (an order on the street shows the map there, 3.2.13.13.3)
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "street_type", "name"], name="street_city_type_name")
        ]
        verbose_name = "logradouro"
        verbose_name_plural = "logradouros"

    def __str__(self) -> str:
        return " ".join(p for p in (self.street_type, self.title, self.name) if p)


class Category(models.Model):
    """Billing category (residencial, comercial, industrial, pública, associação …): rows, never code."""

    code = models.CharField("código", max_length=10, unique=True)
    name = models.CharField("nome", max_length=80)
    active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "categoria"
        verbose_name_plural = "categorias"

    def __str__(self) -> str:
        return self.name


class Subcategory(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="subcategories", verbose_name="categoria"
    )
    code = models.CharField("código", max_length=10)
    name = models.CharField("nome", max_length=80)
    active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["category__code", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="subcategory_code")]
        verbose_name = "subcategoria"
        verbose_name_plural = "subcategorias"

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code} {self.name}"


class UsagePlan(models.Model):
    """Plano de utilização of a category (seed 002 §5.3, S5.3-03..05): how its bills are computed.
    The priced minimum stays in the tariff act; a plan's minimum, when set, is the one for the
    properties on the plan (ADR 0145)."""

    class Kind(models.TextChoices):
        TARIFF = "tariff", "Tarifário"
        FLOW = "flow", "Vazão"
        USAGE = "usage", "Utilização"

    class TaxMode(models.TextChoices):
        CALCULATED = "calculated", "Calculado"
        EXEMPT = "exempt", "Isento"
        TARIFF = "tariff", "Tarifário"

    class DwellingUnitMode(models.TextChoices):
        SPLIT = "split", "Dividir o volume pelas economias"
        PRINCIPAL = "principal", "Cobrar pela economia principal"
        SINGLE = "single", "Uma economia com tarifas diferenciadas"

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="usage_plans", verbose_name="categoria"
    )
    code = models.CharField("código", max_length=10)
    name = models.CharField("nome", max_length=80)
    kind = models.CharField("tipo do plano", max_length=10, choices=Kind.choices, default=Kind.TARIFF)
    minimum_m3_per_unit = models.PositiveIntegerField(
        "volume mínimo por economia (m³)", null=True, blank=True, help_text="vazio: o mínimo da tarifa"
    )
    initial_m3_per_unit = models.PositiveIntegerField(
        "volume inicial por economia (m³)", null=True, blank=True
    )
    tax_mode = models.CharField(
        "cobrança de imposto", max_length=10, choices=TaxMode.choices, default=TaxMode.CALCULATED
    )
    dwelling_unit_mode = models.CharField(
        "economias múltiplas", max_length=10, choices=DwellingUnitMode.choices, default=DwellingUnitMode.SPLIT
    )
    active = models.BooleanField("ativo", default=True)

    class Meta:
        ordering = ["category__code", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="usage_plan_code")]
        verbose_name = "plano de utilização"
        verbose_name_plural = "planos de utilização"

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code} {self.name}"


def validate_due_days(value: str) -> None:
    """Days like "5,10,20", each from 1 to 28 so that every month has them."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(p.isdigit() and 1 <= int(p) <= 28 for p in parts):
        raise ValidationError("Informe dias de 1 a 28 separados por vírgula (ex.: 5,10,20).")


class BillingGroup(models.Model):
    code = models.PositiveSmallIntegerField("grupo", unique=True)
    name = models.CharField("nome", max_length=80)
    active = models.BooleanField("ativo", default=True)
    # seed 001 3.2.13.10.14: the alternative due days staff may give this group's units ("5,10,20");
    # empty: none (the units keep the schedule's due date)
    due_days = models.CharField(
        "dias de vencimento alternativos",
        max_length=90,
        blank=True,
        default="",
        db_default="",
        validators=[validate_due_days],
        help_text="Dias do mês separados por vírgula, de 1 a 28 (ex.: 5,10,20).",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "grupo de faturamento"
        verbose_name_plural = "grupos de faturamento"

    def __str__(self) -> str:
        return f"Grupo {self.code}"

    def allowed_due_days(self) -> list[int]:
        return sorted({int(d) for d in self.due_days.split(",") if d.strip()})


class Route(models.Model):
    """Rota de leitura/entrega of a billing group; `sequence` is its place in the group's reading order."""

    group = models.ForeignKey(
        BillingGroup, on_delete=models.PROTECT, related_name="routes", verbose_name="grupo de faturamento"
    )
    code = models.PositiveIntegerField("rota")
    name = models.CharField("nome", max_length=80, blank=True)
    sequence = models.PositiveIntegerField("ordem no grupo", default=0)
    active = models.BooleanField("ativa", default=True)

    class Meta:
        ordering = ["group__code", "sequence", "code"]
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="route_group_code")]
        verbose_name = "rota de leitura"
        verbose_name_plural = "rotas de leitura"

    def __str__(self) -> str:
        return f"{self.group.code}/{self.code}"


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Pessoa física"
        COMPANY = "company", "Pessoa jurídica"

    kind = models.CharField("tipo", max_length=10, choices=Kind.choices)
    name = models.CharField("nome", max_length=200)
    name_search = models.CharField(max_length=200, editable=False, default="")
    # NULL, never "", when the customer has no document (legacy registries, ADR 0103): the unique
    # constraint then holds among the customers who have one.
    cpf_cnpj = models.CharField("CPF/CNPJ", max_length=14, unique=True, null=True, blank=True)
    # The legacy system's customer code: the import's key for a customer without CPF/CNPJ.
    legacy_code = models.CharField(
        "código no sistema legado", max_length=20, unique=True, null=True, blank=True
    )
    # Cliente comercial (3.2.13.12.1): a customer served without a property gets a base number shown
    # with its modulo-11 check digit, as the account number is (domain/account_number.py)
    commercial_base = models.PositiveIntegerField(
        "código de cliente comercial (base)", unique=True, null=True, blank=True
    )
    rg = models.CharField("RG", max_length=20, blank=True)
    birth_date = models.DateField("data de nascimento", null=True, blank=True)
    mother_name = models.CharField("nome da mãe", max_length=200, blank=True)
    father_name = models.CharField("nome do pai", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("telefone celular", max_length=20, blank=True)
    phone_home = models.CharField("telefone residencial", max_length=20, blank=True)
    phone_work = models.CharField("telefone comercial", max_length=20, blank=True)
    mail_street = models.CharField("endereço de correspondência", max_length=200, blank=True)
    mail_number = models.CharField("número", max_length=20, blank=True)
    mail_complement = models.CharField("complemento", max_length=60, blank=True)
    mail_neighbourhood = models.CharField("bairro", max_length=120, blank=True)
    mail_city = models.CharField("município", max_length=120, blank=True)
    mail_state = models.CharField("UF", max_length=2, blank=True)
    mail_cep = models.CharField("CEP", max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            GinIndex(name="customer_name_trgm", fields=["name_search"], opclasses=["gin_trgm_ops"]),
            # the search ranks first the names that start with what was typed: a bounded range scan
            models.Index(
                fields=["name_search"], name="customer_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            # absent is NULL: an empty string would be one more "document" that only one customer may hold
            models.CheckConstraint(condition=~Q(cpf_cnpj=""), name="customer_document_null_not_empty"),
            models.CheckConstraint(condition=~Q(legacy_code=""), name="customer_legacy_code_null_not_empty"),
        ]
        verbose_name = "cliente"

    def __str__(self) -> str:
        return self.name

    @property
    def has_document(self) -> bool:
        return bool(self.cpf_cnpj)

    @property
    def document_display(self) -> str:
        """Formatted CPF/CNPJ, or "sem CPF/CNPJ"."""
        return display_document(self.cpf_cnpj)

    @property
    def document_masked(self) -> str:
        return display_masked_document(self.cpf_cnpj)

    @property
    def commercial_id(self) -> str:
        """The commercial-client id with its check digit ("1234-5"), or "" for a customer without one."""
        if self.commercial_base is None:
            return ""
        from .numbering import format_account

        return format_account(self.commercial_base)


class Property(models.Model):
    """Imóvel / unidade de consumo, identified by its account number (matrícula) and its inscription."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Ativo"
        INACTIVE = "inactive", "Inativo"
        DEMOLISHED = "demolished", "Demolido"
        VACANT = "vacant", "Desocupado"

    class Special(models.TextChoices):
        NONE = "", "Não"
        LARGE_CONSUMER = "large_consumer", "Grande consumidor"
        PUBLIC_BODY = "public_body", "Órgão público"

    class BuildingStatus(models.TextChoices):
        # seed 001 3.2.13.10.10: the building on the lot, apart from the unit's status (ativo, demolido …)
        UNKNOWN = "", "Não informada"
        BUILT = "built", "Edificado"
        UNDER_CONSTRUCTION = "under_construction", "Em construção"
        VACANT_LOT = "vacant_lot", "Terreno sem edificação"
        RUINS = "ruins", "Em ruínas"

    class StreetPaving(models.TextChoices):
        UNKNOWN = "", "Não informado"
        ASPHALT = "asphalt", "Asfalto"
        PAVING_STONE = "paving_stone", "Paralelepípedo"
        INTERLOCKING = "interlocking", "Bloquete intertravado"
        CONCRETE = "concrete", "Concreto"
        GRAVEL = "gravel", "Cascalho"
        DIRT = "dirt", "Sem pavimento (terra)"

    class SidewalkPaving(models.TextChoices):
        UNKNOWN = "", "Não informado"
        CONCRETE = "concrete", "Cimentado / concreto"
        CERAMIC = "ceramic", "Cerâmica / ladrilho"
        INTERLOCKING = "interlocking", "Bloquete intertravado"
        STONE = "stone", "Pedra (petit-pavé)"
        GRASS = "grass", "Grama"
        NONE = "none", "Sem calçada"

    account_base = models.PositiveIntegerField("matrícula (base)", unique=True)
    account_number = models.CharField("matrícula", max_length=12, unique=True, editable=False)
    locality = models.PositiveSmallIntegerField("localidade")
    sector = models.PositiveSmallIntegerField("setor")
    block = models.PositiveSmallIntegerField("quadra")
    lot = models.PositiveSmallIntegerField("lote")
    sublot = models.PositiveSmallIntegerField("sublote", default=0)
    # the reference rows the inscription's numbers name, when the utility has registered them (set by
    # the property services from the numbers; NULL on properties registered before those tables)
    locality_ref = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="properties", editable=False
    )
    sector_ref = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="properties", editable=False
    )
    block_ref = models.ForeignKey(
        Block, on_delete=models.PROTECT, null=True, blank=True, related_name="properties", editable=False
    )
    # routing fields and the two check digits, "001.002.0034.0056.000-95" (domain.inscription)
    inscription = models.CharField("inscrição", max_length=24, unique=True, editable=False)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="properties")
    number = models.CharField("número", max_length=10)
    complement = models.CharField("complemento", max_length=60, blank=True)
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="properties")
    cep = models.CharField("CEP", max_length=8, blank=True)
    address_search = models.CharField(max_length=300, editable=False, default="")
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    billing_group = models.ForeignKey(
        BillingGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name="grupo de faturamento"
    )
    route = models.ForeignKey(
        Route, on_delete=models.PROTECT, null=True, blank=True, verbose_name="rota de leitura"
    )
    route_sequence = models.PositiveIntegerField("sequência na rota", null=True, blank=True)
    status = models.CharField("situação", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    special = models.CharField("cliente especial", max_length=20, choices=Special.choices, blank=True)
    municipal_registration = models.CharField("inscrição imobiliária municipal", max_length=30, blank=True)
    residents = models.PositiveSmallIntegerField("moradores", null=True, blank=True)
    water_outlets = models.PositiveSmallIntegerField("tomadas de água", null=True, blank=True)
    built_area = models.DecimalField(
        "área construída (m²)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    has_water_tank = models.BooleanField("caixa d'água", default=False)
    has_cistern = models.BooleanField("cisterna", default=False)
    has_own_source = models.BooleanField("fonte própria (poço)", default=False)
    building_status = models.CharField(
        "situação da edificação",
        max_length=20,
        choices=BuildingStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    street_paving = models.CharField(
        "pavimento da rua",
        max_length=20,
        choices=StreetPaving.choices,
        blank=True,
        default="",
        db_default="",
    )
    sidewalk_paving = models.CharField(
        "pavimento da calçada",
        max_length=20,
        choices=SidewalkPaving.choices,
        blank=True,
        default="",
        db_default="",
    )
    economies_total = models.PositiveSmallIntegerField("economias", default=0, editable=False)
    # seed 001 3.2.13.10.16/.20: whether collection may send this unit cut-off notices and open cut
    # orders (a hospital, a school, a unit under an injunction); debt's selection honours both
    cut_notice_allowed = models.BooleanField("permite aviso de corte", default=True, db_default=True)
    cut_order_allowed = models.BooleanField("permite ordem de corte", default=True, db_default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_base"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "route_sequence"],
                condition=Q(route__isnull=False, route_sequence__isnull=False),
                name="property_route_sequence",
            ),
        ]
        indexes = [
            GinIndex(name="property_address_trgm", fields=["address_search"], opclasses=["gin_trgm_ops"]),
            models.Index(
                fields=["inscription"], name="property_inscription_like", opclasses=["varchar_pattern_ops"]
            ),
        ]
        verbose_name = "imóvel"
        verbose_name_plural = "imóveis"

    def __str__(self) -> str:
        return self.account_number

    def save(self, *args: object, **kwargs: object) -> None:
        from .numbering import format_account  # the utility's rule and separator

        self.account_number = format_account(self.account_base)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PropertyCategory(models.Model):
    """Economias of one category in a property (a property may mix categories)."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    subcategory = models.ForeignKey(Subcategory, on_delete=models.PROTECT, null=True, blank=True)
    usage_plan = models.ForeignKey(UsagePlan, on_delete=models.PROTECT, null=True, blank=True)
    economies = models.PositiveSmallIntegerField("economias")

    class Meta:
        ordering = ["category__code"]
        constraints = [
            models.UniqueConstraint(fields=["property", "category"], name="property_category_once"),
            models.CheckConstraint(
                condition=Q(economies__gte=1), name="property_category_economies_positive"
            ),
        ]
        verbose_name = "economias por categoria"
        verbose_name_plural = "economias por categoria"

    def __str__(self) -> str:
        return f"{self.category_id}: {self.economies}"


class PropertyRelation(models.Model):
    """A dated link customer ↔ property with a role; ending one and starting another is a transfer."""

    class Role(models.TextChoices):
        OWNER = "owner", "Proprietário"
        USER = "user", "Usuário (inquilino)"
        BILL_PAYER = "bill_payer", "Responsável pela conta"

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="relations")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="relations")
    role = models.CharField("papel", max_length=12, choices=Role.choices)
    start = models.DateField("início")
    end = models.DateField("fim", null=True, blank=True)
    reason = models.CharField("motivo", max_length=200, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "role"],
                condition=Q(end__isnull=True),
                name="relation_one_current_per_role",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="relation_dates"
            ),
        ]
        indexes = [models.Index(fields=["customer", "end"], name="relation_customer_current")]

    def __str__(self) -> str:
        return f"{self.role} {self.customer_id} desde {self.start}"


class PropertyStatusChange(models.Model):
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=12, choices=Property.Status.choices)
    since = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-since", "-id"]

    def __str__(self) -> str:
        return f"{self.status} desde {self.since}"


class ServiceConnection(models.Model):
    """Ligação de água ou de esgoto de um imóvel (at most one of each kind per property)."""

    class Kind(models.TextChoices):
        WATER = "water", "Água"
        SEWER = "sewer", "Esgoto"

    SITUATION_CHOICES = list(conn.SITUATIONS.items())

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="connections")
    kind = models.CharField("tipo", max_length=5, choices=Kind.choices)
    situation = models.CharField("situação", max_length=24, choices=SITUATION_CHOICES)
    since = models.DateField("desde")
    diameter_mm = models.PositiveSmallIntegerField("diâmetro do ramal (mm)", null=True, blank=True)
    material = models.CharField("material do ramal", max_length=40, blank=True)
    depth_m = models.DecimalField("profundidade (m)", max_digits=5, decimal_places=2, null=True, blank=True)
    street_pavement = models.CharField("pavimento da rua", max_length=40, blank=True)
    sidewalk_pavement = models.CharField("pavimento da calçada", max_length=40, blank=True)
    metered = models.BooleanField("hidrometrada", default=False)
    # seed 001 3.2.13.10.4/.6: what the field team noted when installing or changing the branch
    installation_notes = models.TextField("observações da instalação", blank=True, default="", db_default="")
    sewer_share_percent = models.DecimalField(
        "percentual de esgoto", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["property_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["property", "kind"], name="connection_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.property.account_number}"


class ConnectionEvent(models.Model):
    connection = models.ForeignKey(ServiceConnection, on_delete=models.CASCADE, related_name="events")
    situation_from = models.CharField(max_length=24, blank=True)
    situation_to = models.CharField(max_length=24)
    on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.situation_from} -> {self.situation_to} em {self.on}"


from .models_numbering import NumberingSettings  # noqa: E402, F401
from .models_rental import PropertyAddress, RentalContract  # noqa: E402, F401
