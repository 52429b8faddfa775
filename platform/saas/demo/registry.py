"""Demo registry: realistic, deterministic, idempotent (it goes through the legacy importer, so a second
run changes nothing, and `--properties N` grows the same data set)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from modules.common.audit import SystemActor
from modules.common.domain.documents import cnpj_check_digits, cpf_check_digits
from modules.legacy.files import ImportReport
from modules.legacy.services.customers import import_customers
from modules.legacy.services.meters import import_meters
from modules.legacy.services.properties import import_properties
from modules.registry.domain.account_number import format_account_number, next_account_base

# Brazilian given names and surnames, the most frequent first (ordered after the IBGE 2010 census
# rankings), drawn with a Zipf skew: 200,000 properties give ~145,000 distinct names, yet "maria silva"
# still matches ~1.7% of customers, as in a real registry. (Before: 30 × 30 names drawn uniformly.)
FEMALE = """
Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline Sandra Camila Amanda Bruna
Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela Vera Vitória Larissa Cláudia Beatriz Luana Rita
Sônia Renata Eliane Josefa Simone Natália Cristina Carla Débora Rosângela Jaqueline Rosa Daniela
Aparecida Marlene Terezinha Raimunda Andreia Fabiana Lúcia Raquel Ângela Rafaela Joana Luzia Elaine
Daniele Regina Daiane Suelen Alessandra Isabel Bianca Tatiane Kelly Edna Fátima Cristiane Priscila
Michele Sebastiana Helena Thaís Lívia Sara Silvana Rosana Sueli Valéria Tânia Célia Isabela Laura
Heloísa Manuela Valentina Alice Sophia Lorena Yasmin Eduarda Clara Cecília Gisele Mônica Denise Rosilene
Marta Sílvia Irene Inês Glória Neuza Iracema Lourdes Socorro Geralda Benedita Zilda Luiza Carolina Paula
Jussara Elisângela Solange Roberta Viviane Joyce Karina Milena Nathália Tereza Olívia Estela Yara Ivone
Diana Lara Rebeca Giovana Agatha Pietra Marina Jordana Ingrid Kátia Edilene Francielle Graça Cleide
Dalva Cristiana Elza Lindalva Nilza Odete Rute Vilma Zuleide
""".split()  # noqa: SIM905 - 150 to 230 words read better as text
MALE = """
José João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel Rafael Daniel Marcelo
Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus André Fernando Fábio Leonardo Gustavo Guilherme
Leandro Tiago Anderson Ricardo Márcio Jorge Sebastião Alexandre Roberto Edson Diego Vítor Sérgio Cláudio
Matheus Thiago Geraldo Adriano Luciano Júlio Renato Alex Vinícius Rogério Samuel Ronaldo Mário Flávio
Igor Douglas Davi Manuel Jefferson Renan Severino Benedito Valdir Wellington Miguel Arthur Heitor
Bernardo Enzo Lorenzo Otávio Caio Henrique Murilo Nicolas Joaquim Benjamin Emanuel Ivan Hugo Wagner
Wilson Nelson Osvaldo Valter Washington Everton Cícero Moisés Elias Josué Reginaldo Gilberto Reinaldo
Agnaldo Ademir Adilson Alberto Alan Caetano Cristiano Denis Emerson Érico Fabrício Gilmar Hélio Irineu
Jair Joel Juliano Kleber Laércio Leonel Lauro Milton Nilton Orlando Ramon Robson Rubens Sandro Sílvio
Tadeu Ulisses Valdemar Wanderley Zacarias Arnaldo Baltazar Cleber Edvaldo Expedito Francimar Genivaldo
Hermes Israel Jonas Luan Nivaldo Odair Pablo Raul Saulo Teodoro Uelton Vicente Wesley Xavier Yuri
""".split()  # noqa: SIM905 - 150 to 230 words read better as text
SURNAMES = """
Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins Carvalho
Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes Marques
Machado Mendes Freitas Cardoso Ramos Gonçalves Santana Teixeira Araújo Melo Pinto Cavalcante Correia
Monteiro Moura Batista Reis Campos Conceição Castro Miranda Farias Borges Cunha Pires Xavier Rezende
Siqueira Azevedo Medeiros Sampaio Brito Queiroz Nogueira Bezerra Leite Coelho Duarte Tavares Fonseca
Macedo Pacheco Guimarães Moraes Sales Cruz Aguiar Amaral Bastos Barros Cabral Caldeira Camargo Lacerda
Magalhães Maia Matos Menezes Morais Neves Paiva Peixoto Prado Rangel Sousa Vasconcelos Viana Brandão
Bueno Carneiro Chaves Dantas Diniz Esteves Figueiredo Franco Galvão Garcia Godoy Jesus Lemos Leal Lins
Lourenço Luz Mattos Mota Novaes Porto Rios Sá Salgado Serra Simões Toledo Valente Vaz Veloso Assis
Arruda Bittencourt Borba Cordeiro Dutra Falcão Feitosa Fontes Frota Holanda Jardim Lira Lobo Marinho
Meireles Mesquita Nóbrega Paixão Pimentel Pinheiro Portela Quaresma Rabelo Ribas Sarmento Severo Sobral
Torres Vargas Vidal Aragão Ávila Bandeira Barreto Benevides Bonfim Calado Couto Damasceno Domingues
Estrela Evangelista Fagundes Goulart Gusmão Henriques Honorato Inácio Lessa Loureiro Maciel Malta
Mascarenhas Mourão Muniz Oliva Pedrosa Penha Quadros Rosário Sena Sodré Teles Trindade Uchoa Valadares
Vilela Zanetti Schmidt Müller Rossi Ferrari Nakamura Tanaka Yamamoto Saito Becker Klein Weber Wagner
Schneider Kowalski Haddad Khoury Salomão Abreu Antunes Brasil Calixto Cerqueira Coutinho Espíndola
Frazão Gouveia Jacinto Lisboa Mendonça Nantes Ornelas Padilha Quintela Rebouças Salvador Sardinha
Tenório Vilar
""".split()  # noqa: SIM905 - 150 to 230 words read better as text


def _zipf(count: int, exponent: float) -> list[float]:
    """Cumulative weights of a rank-frequency (Zipf) law: Silva and Maria are far more common than Sodré."""
    total, out = 0.0, []
    for rank in range(1, count + 1):
        total += rank**-exponent
        out.append(total)
    return out


_FEMALE_W, _MALE_W, _SURNAME_W = _zipf(len(FEMALE), 1.0), _zipf(len(MALE), 1.0), _zipf(len(SURNAMES), 0.8)
# Names that are only ever a second given name (Maria José, Ana Paula, João Pedro) stay in the lists.
_PARTICLES = {"Silva": "da", "Santos": "dos", "Souza": "de", "Conceição": "da", "Jesus": "de", "Costa": "da"}


def _surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_W)[0]


def _person_name(rng: random.Random) -> str:
    """Given name (one in five compound), then one or two surnames, the last sometimes with its particle."""
    names, weights = (FEMALE, _FEMALE_W) if rng.random() < 0.52 else (MALE, _MALE_W)
    given = [rng.choices(names, cum_weights=weights)[0]]
    if rng.random() < 0.2:
        second = rng.choices(names, cum_weights=weights)[0]
        if second != given[0]:
            given.append(second)
    last = _surname(rng)
    family = [last]
    if rng.random() < 0.85:
        mother = _surname(rng)
        if mother != last:
            family.insert(0, mother)
    particle = _PARTICLES.get(last)
    if particle and rng.random() < 0.4:
        family[-1] = f"{particle} {last}"
    return " ".join(given + family)


BUSINESS = (
    "Mercado",
    "Padaria",
    "Farmácia",
    "Oficina",
    "Restaurante",
    "Auto Posto",
    "Loja",
    "Açougue",
    "Clínica",
    "Escola",
    "Hotel",
    "Distribuidora",
)


@dataclass(frozen=True)
class Town:
    """Where a demo utility's registry lies: its streets with their postal codes (CEP), neighbourhoods,
    telephone area code and the corner of the map box its properties fall in. Every town has 25
    streets and 12 neighbourhoods, so the main stream draws the same numbers in each: accounts,
    categories, holders and meters do not depend on the town, only addresses and names do."""

    city: str
    state: str
    streets: tuple[tuple[str, str, str], ...]  # (type, name, CEP)
    neighbourhoods: tuple[str, ...]
    area_code: str
    north_west: tuple[float, float]  # latitude, longitude; properties lie up to ~6 km south-east
    names_seed: int  # offset of the names stream, so each town has its own people
    # categories beyond the four every utility is seeded with (registry/seed.py), registered as staff
    # would on the "Tabelas do cadastro" page; no demo property uses them (the main stream is shared)
    categories: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if len(self.streets) != 25 or len(self.neighbourhoods) != 12:
            raise ValueError("a demo town has 25 streets and 12 neighbourhoods (the main stream's draws)")


# Querência-MT has one CEP for the whole town (78643-000), as small towns do.
_STREETS_QUERENCIA = tuple(
    (kind, name, "78643000")
    for kind, name in (
        ("Avenida", "Brasil"),
        ("Rua", "Sete de Setembro"),
        ("Rua", "Tiradentes"),
        ("Rua", "XV de Novembro"),
        ("Avenida", "Getúlio Vargas"),
        ("Rua", "Dom Pedro II"),
        ("Rua", "das Flores"),
        ("Rua", "Santos Dumont"),
        ("Rua", "Marechal Deodoro"),
        ("Rua", "Rui Barbosa"),
        ("Avenida", "Mato Grosso"),
        ("Rua", "São Paulo"),
        ("Rua", "Goiás"),
        ("Rua", "Bahia"),
        ("Rua", "Paraná"),
        ("Travessa", "dos Ipês"),
        ("Rua", "das Palmeiras"),
        ("Rua", "Castro Alves"),
        ("Rua", "José Bonifácio"),
        ("Avenida", "dos Trabalhadores"),
        ("Rua", "Bela Vista"),
        ("Rua", "Pernambuco"),
        ("Rua", "Amazonas"),
        ("Rua", "Curitiba"),
        ("Alameda", "das Acácias"),
    )
)
QUERENCIA = Town(
    city="Querência",
    state="MT",
    streets=_STREETS_QUERENCIA,
    neighbourhoods=(
        "Centro",
        "Jardim América",
        "Vila Nova",
        "Jardim das Palmeiras",
        "Santa Rosa",
        "Boa Esperança",
        "São Cristóvão",
        "Parque Industrial",
        "Bela Vista",
        "Jardim Primavera",
        "Vila Operária",
        "Setor Sul",
    ),
    area_code="66",
    north_west=(-12.6, -52.2),
    names_seed=0,
)
# Sorocaba-SP has a CEP per street (18000-000 to 18109-999): streets and neighbourhoods of the city,
# CEPs in its range and plausible for the area, not checked against the Correios table.
SOROCABA = Town(
    city="Sorocaba",
    state="SP",
    streets=(
        ("Rua", "da Penha", "18010002"),
        ("Rua", "XV de Novembro", "18010081"),
        ("Rua", "São Bento", "18010030"),
        ("Rua", "Souza Pereira", "18010320"),
        ("Rua", "Álvaro Soares", "18010190"),
        ("Avenida", "São Paulo", "18013000"),
        ("Avenida", "Engenheiro Carlos Reinaldo Mendes", "18013280"),
        ("Avenida", "Barão de Tatuí", "18030000"),
        ("Avenida", "Washington Luiz", "18031000"),
        ("Avenida", "Dom Aguirre", "18035190"),
        ("Avenida", "Afonso Vergueiro", "18035370"),
        ("Rua", "Padre Luiz", "18035400"),
        ("Rua", "Cesário Motta", "18035200"),
        ("Rua", "Coronel Cavalheiros", "18035640"),
        ("Avenida", "General Carneiro", "18043003"),
        ("Rua", "Humberto de Campos", "18043010"),
        ("Avenida", "Antônio Carlos Comitre", "18047620"),
        ("Avenida", "General Osório", "18060501"),
        ("Avenida", "Ipanema", "18070671"),
        ("Avenida", "Itavuvu", "18078005"),
        ("Avenida", "Independência", "18087101"),
        ("Rua", "Aparecida", "18095000"),
        ("Avenida", "Pereira da Silva", "18095340"),
        ("Travessa", "dos Tropeiros", "18016120"),
        ("Alameda", "das Paineiras", "18048110"),
    ),
    neighbourhoods=(
        "Centro",
        "Jardim Vergueiro",
        "Vila Hortência",
        "Parque Campolim",
        "Jardim Santa Rosália",
        "Wanel Ville",
        "Éden",
        "Vila Trujillo",
        "Além Ponte",
        "Jardim Simus",
        "Vila Carvalho",
        "Mangal",
    ),
    area_code="15",
    north_west=(-23.47, -47.42),
    names_seed=1000,
    # seed 002 §14.1 (S14.1-03): Residencial, Comercial, Industrial, Pública and the three associações
    categories=(("ASS", "Associação"), ("ASB", "Associação Beneficente"), ("ASE", "Associação Especial")),
)
# The demo utilities (saas.demo.utilities.DEMO_UTILITIES) by schema.
TOWNS = {"querencia": QUERENCIA, "sorocaba": SOROCABA}
MANUFACTURERS = (
    ("Elster", "S220"),
    ("Itron", "Multimag"),
    ("Saga", "Unimag"),
    ("LAO", "Magnum"),
    ("FAE", "Fluxo"),
)


# Installations of the demo park spread over this many days back from today (~5 years 9 months): with
# calibration 10-60 days before installation and 5-year validity, ~13% of meters are expired and ~17%
# expired or due within the 90-day alert. Before, dates were fixed at 2015-2024 and ~80% read expired.
METER_SPREAD_DAYS = 2100


def _old_name_draws(rng: random.Random, company: bool) -> None:
    """What the old 30-name lists drew from the main stream, drawn still so nothing else moves."""
    if company:
        rng.choice(BUSINESS)
        rng.choice(range(30))
    else:
        for _ in range(3):
            rng.choice(range(30))


def _cpf(i: int) -> str:
    base = str(100_000_000 + i * 7 + 3)[-9:]
    return base + cpf_check_digits(base)


def _cnpj(i: int) -> str:
    base = f"{10_000_000 + i:08d}0001"
    return base + cnpj_check_digits(base)


def build_csvs(
    n: int, seed: int = 7, *, today: dt.date | None = None, town: Town = QUERENCIA
) -> tuple[str, str, str]:
    """customers.csv, properties.csv, meters.csv for n properties of `town` (the first k rows never
    change with n).

    Meter dates are laid relative to `today` (default: the machine's date): installations spread over
    the last ~6 years, each meter calibrated weeks before it went in, so with Inmetro's 5-year validity
    about one meter in six is expired and a few more fall due within the alert lead time, as in a real
    park. Names and dates come from streams of their own; `rng` draws exactly what it always drew, so
    a demo seeded by an older version keeps its properties, holders and meter serials on a re-seed.
    """
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, no time
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    names = random.Random(seed + 1 + town.names_seed)  # noqa: S311
    dates = random.Random(seed + 2)  # noqa: S311
    customers = ["cpf_cnpj;name;email;phone;birth_date;mail_cep"]
    properties = [
        "account_number;inscription;street_type;street;number;complement;neighbourhood;cep;latitude;longitude;"
        "categories;billing_group;route;route_sequence;holder_cpf_cnpj;holder_since;water_situation;water_since;"
        "sewer_situation;sewer_since"
    ]
    meters = [
        "number;manufacturer;model;capacity;diameter_mm;metrological_class;manufacture_year;calibrated_on;"
        "account_number;installed_on;initial_reading"
    ]
    base, last_doc = 1000, ""
    mail_to: int | None = None
    routes_per_group, per_route = 4, max(1, n // 12 + 1)
    for i in range(n):
        base = next_account_base(base)
        account = format_account_number(base)
        roll = rng.random()
        if roll < 0.86:
            cats = f"RES:{rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3))}"
        elif roll < 0.87:
            cats = f"RES:{rng.randint(8, 24)}"  # condomínio
        elif roll < 0.95:
            cats = f"COM:{rng.choice((1, 1, 1, 2))}"
        elif roll < 0.97:
            cats = f"RES:{rng.randint(1, 2)}|COM:1"
        elif roll < 0.99:
            cats = "PUB:1"
        else:
            cats = "IND:1"
        company = cats.startswith(("COM", "IND")) or cats == "PUB:1"
        if last_doc and rng.random() < 0.04:
            doc = last_doc  # one holder with several properties
        else:
            doc = _cnpj(i) if company else _cpf(i)
            _old_name_draws(rng, company)
            name = f"{names.choice(BUSINESS)} {_surname(names)} Ltda" if company else _person_name(names)
            email = f"cliente{i}@exemplo.com.br" if rng.random() < 0.6 else ""
            birth = (
                f"{rng.randint(1940, 2003)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                if not company
                else ""
            )
            # the holder's mail goes to the first property's street, known below
            customers.append(
                f"{doc};{name};{email};({town.area_code}) 9{rng.randint(8000, 9999)}-"
                f"{rng.randint(0, 9999):04d};{birth};"
            )
            mail_to = len(customers) - 1
        last_doc = doc
        streets = town.streets
        street_type, street, cep = streets[
            i % len(streets) if rng.random() < 0.5 else rng.randrange(len(streets))
        ]
        if mail_to is not None:
            customers[mail_to] += cep
            mail_to = None
        hood = town.neighbourhoods[(i // 400) % len(town.neighbourhoods)]
        sector, block, lot = i // 5000 + 1, (i // 40) % 9999 + 1, i % 40 + 1
        group = i // (per_route * routes_per_group) % 3 + 1
        route = i // per_route % routes_per_group + 1
        sequence = i + 1
        lat, lon = town.north_west[0] - rng.random() * 0.05, town.north_west[1] - rng.random() * 0.05
        since = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        sewer = "connected" if rng.random() < 0.55 else "potential"
        complement = f"Apto {rng.randint(1, 40)}" if cats.startswith("RES:") and rng.random() < 0.05 else ""
        properties.append(
            f"{account};1.{sector}.{block}.{lot}.0;{street_type};{street};{rng.randint(1, 3000)};"
            f"{complement};{hood};"
            f"{cep};{lat:.6f};{lon:.6f};{cats};{group};{route};{sequence};{doc};{since.isoformat()};connected;"
            f"{since.isoformat()};{sewer};{since.isoformat()}"
        )
        if rng.random() < 0.92:
            maker, model = rng.choice(MANUFACTURERS)
            serial_year = rng.randint(2015, 2024)  # only the serial: it must not move with today
            rng.randint(1, 12), rng.randint(1, 28)  # the old fixed install date's draws
            installed = max(since, today - dt.timedelta(days=dates.randrange(METER_SPREAD_DAYS)))
            calibrated = installed - dt.timedelta(days=dates.randint(10, 60))
            year = calibrated.year
            big = cats.startswith(("IND", "PUB")) or ("RES:1" not in cats and ":1" not in cats)
            meters.append(
                f"D{serial_year % 100:02d}{i:07d};{maker};{model};{'5,00' if big else '1,50'};"
                f"{25 if big else 20};{rng.choice('BBBC')};{year};{calibrated.isoformat()};{account};"
                f"{installed.isoformat()};0"
            )
    return "\n".join(customers) + "\n", "\n".join(properties) + "\n", "\n".join(meters) + "\n"


def seed_demo_registry(n: int, *, today: dt.date, town: Town) -> list[ImportReport]:
    """Run inside the tenant: n properties of `town` with customers, connections, categories and
    meters."""
    from django.db import transaction

    from modules.registry.models import Category
    from modules.registry.seed import seed_reference_data
    from modules.registry.services.reference import reference_create

    with transaction.atomic():  # utilities provisioned before this module existed lack its reference data
        seed_reference_data()
    actor = SystemActor("seed_demo")
    for code, name in town.categories:
        if not Category.objects.filter(code=code).exists():
            reference_create(actor=actor, table="categories", data={"code": code, "name": name})
    customers, properties, meters = build_csvs(n, today=today, town=town)
    return [
        import_customers(actor=actor, data=customers, today=today),
        import_properties(actor=actor, data=properties, today=today),
        import_meters(actor=actor, data=meters, today=today),
    ]
