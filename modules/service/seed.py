"""Reference data of service: its functions in the standard profiles, the new-connection document
checklist and the "Ligação nova de água" workflow (ADR 0181, 0183). Idempotent and additive; the
workflow's service codes (VIAB, LIGN) are edited on the workflows page when the utility uses others."""

from __future__ import annotations

from modules.registry.seed import grant

from .models_connections import ConnectionDocument, WorkflowDefinition, WorkflowStep
from .services.connections import DEFAULT_DOCUMENTS, WATER_WORKFLOW

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "service.attendances": {
        "Gestor": ("view", "add", "change"),
        "Atendente": ("view", "add", "change"),
        "Consulta": ("view",),
    },
    # loss charges (perdas, ADR 0228)
    "service.losses": {"Gestor": ("view", "add", "change"), "Consulta": ("view",)},
}

FEASIBILITY_CODE = "VIAB"
EXECUTION_CODE = "LIGN"

STEPS: list[tuple[str, str, str]] = [
    ("Registro do pedido no balcão", WorkflowStep.Checkpoint.REGISTRATION, ""),
    ("OS de viabilidade", WorkflowStep.Checkpoint.FEASIBILITY, FEASIBILITY_CODE),
    ("Orçamento e pagamento da taxa", WorkflowStep.Checkpoint.BUDGET, ""),
    ("OS de execução com hidrômetro", WorkflowStep.Checkpoint.EXECUTION, EXECUTION_CODE),
    ("Ativação pela área que encerrou a OS", WorkflowStep.Checkpoint.ACTIVATION, ""),
    ("Primeira conta", WorkflowStep.Checkpoint.FIRST_BILL, ""),
]


def seed_reference_data() -> None:
    grant(GRANTS)
    for kind, names in DEFAULT_DOCUMENTS.items():
        for position, name in enumerate(names, start=1):
            ConnectionDocument.objects.get_or_create(kind=kind, name=name, defaults={"position": position})
    definition, created = WorkflowDefinition.objects.get_or_create(
        name=WATER_WORKFLOW, defaults={"kind": "water"}
    )
    if created:
        for position, (title, checkpoint, code) in enumerate(STEPS, start=1):
            WorkflowStep.objects.create(
                definition=definition,
                position=position,
                title=title,
                checkpoint=checkpoint,
                service_code=code,
            )
    seed_connections2()
    seed_rental_protocol_type()
    seed_review_defaults()


SEWER_WORKFLOW = "Ligação nova de esgoto"


def seed_connections2() -> None:
    """ADR 0188: the connection attribute lists and the sewer request type (area esgoto)."""
    from .services.connections2 import seed_values

    seed_values()
    definition, created = WorkflowDefinition.objects.get_or_create(
        name=SEWER_WORKFLOW, defaults={"kind": "sewer", "area": "sewer"}
    )
    if created:
        for position, (title, checkpoint, code) in enumerate(STEPS, start=1):
            WorkflowStep.objects.create(
                definition=definition,
                position=position,
                title=title,
                checkpoint=checkpoint,
                service_code=code,
            )


def seed_rental_protocol_type() -> None:
    """The attendance subject of a rental contract (seed 002 S10.15-01): its checklist is the one the
    registry asks before registering the contract, edited with the other types on the desk's page."""
    from modules.registry.services.rental import DEFAULT_CHECKLIST, RENTAL_PROTOCOL_TYPE

    from .models_desk import ProtocolType

    ProtocolType.objects.get_or_create(
        code=RENTAL_PROTOCOL_TYPE,
        defaults={
            "kind": "service",
            "label": "Registro de contrato de locação",
            "deadline_days": 1,
            "checklist": list(DEFAULT_CHECKLIST),
        },
    )


def seed_review_defaults() -> None:
    """Seed 001 3.2.6: the consumption review's grants. Its protocol type and visit code are made by
    the first case (or the first settings change), so a utility that never reviews has neither."""
    grant(REVIEW_GRANTS)


REVIEW_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "service.reviews": {
        "Gestor": ("view", "add", "change"),
        "Atendente": ("view", "add"),
        "Consulta": ("view",),
    },
    "service.reading_reports": {"Gestor": ("view",), "Consulta": ("view",)},
}
