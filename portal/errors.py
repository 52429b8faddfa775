"""The stable codes of the agency's refusals (ADR 0016): the citizen API answers them as `code`, the
mobile app switches on them, people read the pt-BR message. Every raise in portal/ names one of these
or a shared one of `modules.common.errors.ErrorCode` (`INVALID` with the field, `NOT_FOUND` for
whatever is missing or not the citizen's: one answer for both, `PERMISSION_DENIED`). No Django here:
domain code imports it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # sign-in (VA-06, VA-07)
    SIGN_IN_FAILED = "sign_in_failed"  # the same for a wrong and an unknown matrícula or document
    THROTTLED = "throttled"  # too many attempts from the address or on the account
    DOCUMENT_NOT_REGISTERED = "document_not_registered"  # nobody linked has a CPF/CNPJ on file

    # what a citizen may ask for
    SERVICE_DISABLED = "service_disabled"  # the utility does not offer the service (VA-08)
    CONSULTATION_ONLY = "consultation_only"  # signed in with the matrícula alone: nothing to ask for
    HOLDER_REQUIRED = "holder_required"  # only the holder who proved the CPF/CNPJ may change it
    ATTACHMENT_TYPE = "attachment_type"  # an attachment that is not PDF, JPG or PNG
    ATTACHMENT_SIZE = "attachment_size"  # an attachment over the utility's size limit
    NOT_RESPONSIBLE = "not_responsible"  # the CPF/CNPJ does not answer for the property's debt
    AGREEMENT_EXISTS = "agreement_exists"  # the property already has a live installment agreement

    # documents by e-mail (mail.py)
    NO_EMAIL = "no_email"  # no e-mail on record for the property
    TOO_MANY_EMAILS = "too_many_emails"  # the property's hourly limit of messages

    # the staff desk (services_desk.py)
    ILLEGAL_MOVE = "illegal_move"  # a protocol move the rules of domain_desk.py refuse
    NO_CUSTOMER = "no_customer"  # a CPF/CNPJ request that names no customer
