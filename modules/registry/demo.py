"""Demo registry: realistic, deterministic, idempotent (it goes through the legacy importer, so a second
run changes nothing, and `--properties N` grows the same data set)."""

from __future__ import annotations

import datetime as dt
import random

from modules.common.audit import SystemActor
from modules.common.domain.documents import cnpj_check_digits, cpf_check_digits

from .domain.account_number import format_account_number, next_account_base
from .importer import ImportReport, import_customers, import_meters, import_properties

FIRST = (
    "Maria",
    "José",
    "Ana",
    "João",
    "Antônio",
    "Francisca",
    "Carlos",
    "Paulo",
    "Adriana",
    "Lucas",
    "Juliana",
    "Marcos",
    "Luíza",
    "Pedro",
    "Fernanda",
    "Rafael",
    "Márcia",
    "Gabriel",
    "Patrícia",
    "Sebastião",
    "Aparecida",
    "Raimundo",
    "Luciana",
    "Thiago",
    "Cláudia",
    "Rodrigo",
    "Vanessa",
    "Felipe",
    "Sônia",
    "Édson",
)
LAST = (
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Araújo",
    "Melo",
    "Barbosa",
    "Cardoso",
    "Conceição",
    "Nascimento",
    "Rocha",
    "Dias",
    "Teixeira",
    "Moreira",
    "Correia",
    "Mendes",
    "Freitas",
    "Vieira",
    "Monteiro",
    "Gonçalves",
)
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
STREETS = (
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
HOODS = (
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
)
MANUFACTURERS = (
    ("Elster", "S220"),
    ("Itron", "Multimag"),
    ("Saga", "Unimag"),
    ("LAO", "Magnum"),
    ("FAE", "Fluxo"),
)


def _cpf(i: int) -> str:
    base = str(100_000_000 + i * 7 + 3)[-9:]
    return base + cpf_check_digits(base)


def _cnpj(i: int) -> str:
    base = f"{10_000_000 + i:08d}0001"
    return base + cnpj_check_digits(base)


def build_csvs(n: int, seed: int = 7) -> tuple[str, str, str]:
    """customers.csv, properties.csv, meters.csv for n properties (the first k rows never change with n)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
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
            if company:
                name = f"{rng.choice(BUSINESS)} {rng.choice(LAST)} Ltda"
            else:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
            email = f"cliente{i}@exemplo.com.br" if rng.random() < 0.6 else ""
            birth = (
                f"{rng.randint(1940, 2003)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                if not company
                else ""
            )
            customers.append(
                f"{doc};{name};{email};(66) 9{rng.randint(8000, 9999)}-{rng.randint(0, 9999):04d};"
                f"{birth};78643000"
            )
        last_doc = doc
        street_type, street = STREETS[i % len(STREETS) if rng.random() < 0.5 else rng.randrange(len(STREETS))]
        hood = HOODS[(i // 400) % len(HOODS)]
        sector, block, lot = i // 5000 + 1, (i // 40) % 9999 + 1, i % 40 + 1
        group = i // (per_route * routes_per_group) % 3 + 1
        route = i // per_route % routes_per_group + 1
        sequence = i + 1
        lat, lon = -12.6 - rng.random() * 0.05, -52.2 - rng.random() * 0.05
        since = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        sewer = "connected" if rng.random() < 0.55 else "potential"
        complement = f"Apto {rng.randint(1, 40)}" if cats.startswith("RES:") and rng.random() < 0.05 else ""
        properties.append(
            f"{account};1.{sector}.{block}.{lot}.0;{street_type};{street};{rng.randint(1, 3000)};"
            f"{complement};{hood};"
            f"78643000;{lat:.6f};{lon:.6f};{cats};{group};{route};{sequence};{doc};{since.isoformat()};connected;"
            f"{since.isoformat()};{sewer};{since.isoformat()}"
        )
        if rng.random() < 0.92:
            maker, model = rng.choice(MANUFACTURERS)
            year = rng.randint(2015, 2024)
            installed = max(since, dt.date(year, rng.randint(1, 12), rng.randint(1, 28)))
            calibrated = dt.date(year, 1, 15)
            big = cats.startswith(("IND", "PUB")) or ("RES:1" not in cats and ":1" not in cats)
            meters.append(
                f"D{year % 100:02d}{i:07d};{maker};{model};{'5,00' if big else '1,50'};{25 if big else 20};"
                f"{rng.choice('BBBC')};{year};{calibrated.isoformat()};{account};{installed.isoformat()};0"
            )
    return "\n".join(customers) + "\n", "\n".join(properties) + "\n", "\n".join(meters) + "\n"


def seed_demo_registry(n: int, *, today: dt.date) -> list[ImportReport]:
    """Run inside the tenant: n properties with customers, connections, categories and meters."""
    from django.db import transaction

    from .seed import seed_reference_data

    with transaction.atomic():  # utilities provisioned before this module existed lack its reference data
        seed_reference_data()
    actor = SystemActor("seed_demo")
    customers, properties, meters = build_csvs(n)
    return [
        import_customers(actor=actor, data=customers, today=today),
        import_properties(actor=actor, data=properties, today=today),
        import_meters(actor=actor, data=meters, today=today),
    ]
