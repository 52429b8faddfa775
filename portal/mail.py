"""Documents by e-mail (VA-11, VA-14, VA-18, VA-20): a bill, a debt statement or a certificate sent as
a PDF to the e-mail registered for the property's holder, never to an address typed in the request
(so the agency cannot be used to send a stranger's documents anywhere). The sender shows the
utility's name; replies go to its contact address. At most PORTAL_MAIL_LIMIT messages per property
per hour (the schema-aware cache: one utility's counters never touch another's), so a matrícula
cannot be used to flood its holder's inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from modules.billing.models import Bill
from modules.billing.pdf import bill_pdf
from modules.collection.models import PaymentDocument
from modules.common.clock import current_tenant
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.common.ratelimit import window_hits
from modules.debt import pdf as debt_pdf
from modules.debt.models import Certificate
from modules.registry.models import Property

from .errors import ErrorCode
from .selectors import current_holder

WINDOW_SECONDS = 3600


class NoEmailOnRecord(DomainError):
    code = ErrorCode.NO_EMAIL
    status = 409


class TooManyEmails(DomainError):
    code = ErrorCode.TOO_MANY_EMAILS
    status = 429


@dataclass(frozen=True)
class Outgoing:
    subject: str
    body: str
    filename: str
    content: bytes


def mask_email(address: str) -> str:
    """m•••a@exemplo.com.br: enough for the citizen to recognise the address, not to learn it."""
    local, _, domain = address.partition("@")
    shown = local[0] + "•••" + (local[-1] if len(local) > 2 else "")
    return f"{shown}@{domain}"


def _limit() -> int:
    return int(getattr(settings, "PORTAL_MAIL_LIMIT", 10))


def email_on_record(prop: Property) -> str:
    """The holder's registered e-mail, or NoEmailOnRecord."""
    holder = current_holder(prop)
    address = holder.customer.email if holder else ""
    if not address:
        raise NoEmailOnRecord(
            "Não há e-mail cadastrado para este imóvel. Atualize o e-mail primeiro.", field="email"
        )
    return address


def send_document(prop: Property, outgoing: Outgoing) -> str:
    """Send the PDF to the holder's registered e-mail; the masked address it went to."""
    address = email_on_record(prop)
    if window_hits(f"agency-mail:{prop.pk}", WINDOW_SECONDS) > _limit():
        raise TooManyEmails(
            "Limite de envios por e-mail deste imóvel atingido. Tente de novo em uma hora ou baixe o PDF.",
            field="email",
        )
    tenant = current_tenant()
    name = getattr(tenant, "name", "") or "Concessionária"
    reply_to = [tenant.email] if tenant and tenant.email else None
    message = EmailMessage(
        subject=f"{name}: {outgoing.subject}",
        body=f"{outgoing.body}\n\n{name}",
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[address],
        reply_to=reply_to,
    )
    message.attach(outgoing.filename, outgoing.content, "application/pdf")
    message.send()
    return mask_email(address)


def bill_outgoing(bill: Bill) -> Outgoing:
    return Outgoing(
        subject=f"2ª via da conta {bill.reference:%m/%Y}",
        body=(
            f"Segue a 2ª via da conta de {bill.reference:%m/%Y} do imóvel da matrícula "
            f"{bill.property.account_number}, com vencimento em {bill.due_date:%d/%m/%Y}.\n\n"
            f"Linha digitável: {bill.typeable_line}"
        ),
        filename=f"conta-{bill.reference:%Y-%m}.pdf",
        content=bill_pdf(bill),
    )


def statement_outgoing(doc: PaymentDocument, prop: Property) -> Outgoing:
    return Outgoing(
        subject=f"extrato de débitos nº {doc.pk}",
        body=(
            f"Segue o extrato de débitos do imóvel da matrícula {prop.account_number}, "
            f"no valor de R$ {format_brl(doc.amount)}, para pagamento até {doc.valid_until:%d/%m/%Y} "
            "(não receber após essa data).\n\n"
            f"Linha digitável: {doc.typeable_line}"
        ),
        filename=f"extrato-{doc.pk}.pdf",
        content=debt_pdf.statement_pdf(doc),
    )


def certificate_outgoing(cert: Certificate, prop: Property) -> Outgoing:
    label = cert.get_kind_display()
    return Outgoing(
        subject=f"{label} {cert.code}",
        body=(
            f"Segue a {label.lower()} do imóvel da matrícula {prop.account_number}, "
            f"emitida em {cert.issued_on:%d/%m/%Y}. Código de autenticação: {cert.code}."
        ),
        filename=f"certidao-{cert.code}.pdf",
        content=debt_pdf.certificate_pdf(cert),
    )


def booklet_outgoing(booklet: Any, prop: Property) -> Outgoing:
    """VA-16: the booklet's PDF, and each slip's line in the message itself (R-04's 'line only')."""
    agreement = booklet.agreement
    lines = "\n".join(
        f"Parcela {s.installment.number}/{agreement.count} (R$ {format_brl(s.to_pay)} até "
        f"{s.pay_until:%d/%m/%Y}): {s.typeable_line or 'débito automático'}"
        for s in booklet.slips
    )
    return Outgoing(
        subject=f"2ª via do carnê do parcelamento {agreement.number}",
        body=(
            f"Segue a 2ª via do carnê do parcelamento {agreement.number} do imóvel da matrícula "
            f"{prop.account_number}, com as parcelas a pagar.\n\n{lines}"
        ),
        filename=f"carne-{agreement.pk}.pdf",
        content=debt_pdf.booklet_pdf(booklet),
    )
