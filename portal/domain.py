"""Pure rules of the agency: no Django, no clock, no tenant lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The protocol types moved to the service module as data (ADR 0181); the agency names the seeded
# defaults from here.
from modules.service.domain.protocols import AGENCY_PROBLEM as AGENCY_PROBLEM
from modules.service.domain.protocols import ALL_TYPES as ALL_TYPES
from modules.service.domain.protocols import OMBUDSMAN_TYPES as OMBUDSMAN_TYPES
from modules.service.domain.protocols import SERVICE_REQUEST_TYPES as SERVICE_REQUEST_TYPES
from modules.service.domain.protocols import RequestType as RequestType
from modules.service.domain.protocols import format_protocol as format_protocol

# Lei 9.791/1999 (art. 7º-A of Lei 8.987/1995): at least six optional due dates within the month.
MIN_DUE_DAY_OPTIONS = 6
DEFAULT_DUE_DAY_OPTIONS = (5, 10, 15, 20, 25, 30)

# the annual debt-clearance declaration (VA-20) is offered for the last five closed years
DECLARATION_YEARS = 5


class SignInMode:
    ACCOUNT_CHECK_DIGIT = "account_check_digit"
    ACCOUNT_CHECK_DIGIT_AND_DOCUMENT = "account_check_digit_and_document"
    ACCOUNT_ONLY = "account_only"

    LABELS = {
        ACCOUNT_CHECK_DIGIT: "Matrícula com dígito verificador",
        ACCOUNT_CHECK_DIGIT_AND_DOCUMENT: "Matrícula com dígito verificador e CPF/CNPJ do titular",
        ACCOUNT_ONLY: "Somente a matrícula (apenas consulta)",
    }


def due_day_options_problem(days: list[int] | tuple[int, ...]) -> str | None:
    """A pt-BR reason why a tenant's due-day options are unacceptable, or None."""
    if any(not isinstance(d, int) or not 1 <= d <= 31 for d in days):
        return "Os dias de vencimento devem estar entre 1 e 31."
    if len(set(days)) < MIN_DUE_DAY_OPTIONS:
        return f"Ofereça ao menos {MIN_DUE_DAY_OPTIONS} dias de vencimento diferentes (Lei 9.791/1999)."
    return None


# Sectors a utility routes protocols to, until the service module brings its organisational units;
# each utility edits the list on the agency settings screen.
DEFAULT_UNITS = ("Atendimento", "Ouvidoria", "Comercial", "Cadastro", "Operação e manutenção")
COUNTER_UNIT = "Atendimento"
OMBUDSMAN_UNIT = "Ouvidoria"


def units_problem(units: list[str]) -> str | None:
    """A pt-BR reason why a list of sectors is unacceptable, or None."""
    names = [u.strip() if isinstance(u, str) else "" for u in units]
    if not names:
        return "Informe ao menos um setor."
    if any(not n or len(n) > 120 for n in names):
        return "Cada setor precisa de um nome de até 120 letras."
    if len({n.casefold() for n in names}) != len(names):
        return "Há setores repetidos na lista."
    return None


_ACCOUNT_DIGITS = re.compile(r"^\s*(\d{1,10})\s*$")


def account_input_digits(value: str) -> str:
    """The digits a citizen typed for a matrícula, punctuation dropped ("464726.2" → "4647262")."""
    return re.sub(r"[\s.\-/]", "", value or "")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on a tenant's colour (WCAG 2.1 contrast)."""
    white, dark = "#FFFFFF", "#1B1B1B"
    return white if contrast_ratio(background, white) >= contrast_ratio(background, dark) else dark


@dataclass(frozen=True)
class Brand:
    primary: str
    secondary: str
    on_primary: str
    on_secondary: str
    # the primary colour as link/text colour on white, when it reads (4.5:1), else the DS blue
    link: str


def brand_colours(primary: str, secondary: str) -> Brand:
    link = primary if contrast_ratio(primary, "#FFFFFF") >= 4.5 else "#1351B4"
    return Brand(primary, secondary, text_colour_on(primary), text_colour_on(secondary), link)


# The request types that ask for a CPF/CNPJ to be registered or corrected (VA-26), the VA-07 alert's
# destination when the utility offers one of them.
DOCUMENT_UPDATE_TYPES: tuple[str, ...] = ("document_update",)


# --- the agency's services (VA-08): each utility chooses which ones it offers ------------------------


@dataclass(frozen=True)
class AgencyService:
    code: str  # stable: stored in AgencySettings.disabled_services, read by the mobile app
    label: str
    # URL names of its pages (the "agencia" and "totem" namespaces share names) and of its citizen
    # API endpoints; a disabled service answers 404 on every one of them
    pages: tuple[str, ...]
    api: tuple[str, ...] = ()


AGENCY_SERVICES: tuple[AgencyService, ...] = (
    AgencyService(
        "bills",
        "2ª via de conta",
        ("bills_list", "bill_pdf", "bill_line", "bill_email"),
        ("citizen-api-bills", "citizen-api-bill", "citizen-api-bill-pdf", "citizen-api-bill-email"),
    ),
    AgencyService(
        "statement",
        "Extrato de débitos",
        ("statement", "statement_pdf", "statement_email"),
        (
            "citizen-api-debts",
            "citizen-api-statements",
            "citizen-api-statement",
            "citizen-api-statement-pdf",
            "citizen-api-statement-email",
        ),
    ),
    AgencyService(
        "pay_online",
        "Pagamento online (PIX, boleto e cartão)",
        ("pay", "card_pay", "card_return", "charge_detail", "charge_status"),
        ("citizen-api-charges", "citizen-api-charge"),
    ),
    AgencyService("payments", "Pagamentos", ("payments",), ("citizen-api-payments",)),
    AgencyService("consumption", "Histórico de consumo", ("consumption",), ("citizen-api-consumption",)),
    AgencyService(
        "certificate",
        "Certidão negativa de débitos",
        ("certificates",),
        ("citizen-api-certificates",),
    ),
    AgencyService(
        "annual_declaration",
        "Declaração anual de quitação de débitos",
        ("annual_declaration",),
        ("citizen-api-annual-declarations",),
    ),
    AgencyService(
        "installments",
        "Simulador de parcelamento",
        ("installments", "agreement_detail", "agreement_guia_pdf", "agreement_term_pdf"),
        ("citizen-api-installments", "citizen-api-agreements"),
    ),
    AgencyService(
        "booklets",
        "2ª via de carnê de parcelamento",
        ("booklets", "agreement_booklet", "agreement_booklet_pdf", "agreement_booklet_email"),
        ("citizen-api-booklet", "citizen-api-booklet-pdf", "citizen-api-booklet-email"),
    ),
    AgencyService("due_day", "Alterar vencimento", ("due_day",), ("citizen-api-due-day",)),
    AgencyService(
        "requests",
        "Pedidos de serviço e acompanhamento",
        (
            "requests_list",
            "request_new",
            "request_detail",
            "document_update",
            "document_update_pass",
            "review_new",
        ),
        (
            "citizen-api-property-requests",
            "citizen-api-request",
            "citizen-api-document-update",
            "citizen-api-request-types",
            "citizen-api-consumption-reviews",
        ),
    ),
    AgencyService("email_update", "Atualizar e-mail", ("email_change",), ("citizen-api-email",)),
    AgencyService("ombudsman", "Ouvidoria", ("ombudsman",), ("citizen-api-ombudsman",)),
    AgencyService("tariffs", "Tabela de tarifas", ("tariffs",), ("citizen-api-tariffs",)),
    AgencyService(
        "bill_simulator", "Simulação de conta", ("bill_simulator",), ("citizen-api-bill-simulation",)
    ),
    AgencyService("water_quality", "Qualidade da água", ("water_quality",), ("citizen-api-water-quality",)),
    AgencyService(
        "problem_report",
        "Reportar um problema na agência",
        ("problem_report",),
        ("citizen-api-problem-reports",),
    ),
)
AGENCY_SERVICE_CODES: tuple[str, ...] = tuple(s.code for s in AGENCY_SERVICES)
SERVICE_LABELS = {s.code: s.label for s in AGENCY_SERVICES}

# Outside every service: what a citizen needs to get in, out and around whatever the utility offers
# (the property's home with the open-debt notice, VA-09/VA-10, and its registry data), the public
# legal and channel pages, the logo, and the e-mail confirmation link already sent to someone.
ALWAYS_ON_PAGES = frozenset(
    {
        "sign_in",
        "sign_out",
        "home",
        "property_home",
        "property_registry",
        "email_confirm",
        "channels",
        "privacy",
        "terms",
        "logo",
        "manifest",
        "service_worker",
        "offline",
        "app_icon",
        "notifications",
        "push_device",
        "registration_sheet",
        "unit_orders",
    }
)
ALWAYS_ON_API = frozenset(
    {
        "citizen-api-sign-in",
        "citizen-api-sign-out",
        "citizen-api-properties",
        "citizen-api-property",
        "citizen-api-schema",
        "citizen-api-news",
        "citizen-api-property-news",
        "citizen-api-notification-preferences",
        "citizen-api-notification-offered",
        "citizen-api-push-devices",
        "citizen-api-digital-bill",
        "citizen-api-mobile",
        "citizen-api-mobile-confirm",
        "citizen-api-reading-dates",
        "citizen-api-service-orders",
        "citizen-api-registration-sheet",
    }
)
# A certificate's page, PDF and e-mail serve both the certificate of debts and the annual declaration
# (the declaration is a certificate of its own kind): open while either service is on; the kind of
# the document asked for then decides (`certificate_kind_service`).
_CERTIFICATE_DOCUMENTS = ("certificate", "annual_declaration")
SHARED_PAGES: dict[str, tuple[str, ...]] = dict.fromkeys(
    ("certificate_detail", "certificate_pdf", "certificate_email"), _CERTIFICATE_DOCUMENTS
)
SHARED_API: dict[str, tuple[str, ...]] = dict.fromkeys(
    ("citizen-api-certificate", "citizen-api-certificate-pdf", "citizen-api-certificate-email"),
    _CERTIFICATE_DOCUMENTS,
)
ANNUAL_DECLARATION_KIND = "declaracao_anual"  # modules.debt Certificate.Kind.ANNUAL_DECLARATION


def certificate_kind_service(kind: str) -> str:
    """The service a certificate of this kind belongs to."""
    return "annual_declaration" if kind == ANNUAL_DECLARATION_KIND else "certificate"


def url_services(name: str, *, api: bool = False) -> tuple[str, ...] | None:
    """The services guarding the page (or API endpoint) with this URL name: open while any of them
    is on; () when it is always on; None when nobody classified it (a test refuses that)."""
    if name in (ALWAYS_ON_API if api else ALWAYS_ON_PAGES):
        return ()
    shared = SHARED_API if api else SHARED_PAGES
    if name in shared:
        return shared[name]
    owners = tuple(s.code for s in AGENCY_SERVICES if name in (s.api if api else s.pages))
    return owners or None


def enabled_services(disabled: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(AGENCY_SERVICE_CODES) - set(disabled)


def disabled_services_problem(codes: object) -> str | None:
    """A pt-BR reason why a list of disabled service codes is unacceptable, or None."""
    if not isinstance(codes, (list, tuple)) or any(not isinstance(c, str) for c in codes):
        return "Informe os serviços desligados como uma lista de códigos."
    unknown = sorted(set(codes) - set(AGENCY_SERVICE_CODES))
    if unknown:
        return (
            f"Serviços desconhecidos na agência virtual: {', '.join(unknown)}. "
            f"Use: {', '.join(AGENCY_SERVICE_CODES)}."
        )
    return None
