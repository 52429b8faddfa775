"""Collection's error codes (ADR 0016): stable values clients switch on; the pt-BR message is for people.

A counter receipt refused on the spot answers the review reason the payment would have gone to review
with (`wrong_amount`, `cancelled`, `unknown`, `duplicate`, `in_agreement`), as it always has.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # the value modules.common uses for a malformed, missing or out-of-range field (`field` names it)
    INVALID = "invalid"
    # return files (FEBRABAN)
    RETURN_FILE_REJECTED = "return_file_rejected"  # malformed records; `problems` lists line and field
    UNKNOWN_AGENT = "unknown_agent"  # no active agent for the header's bank, or another agreement
    DUPLICATE_FILE = "duplicate_file"  # the same bytes or the same content imported before
    DUPLICATE_NSA = "duplicate_nsa"  # the agent's sequence number (A.08) used by another file
    CONCURRENT_IMPORT = "concurrent_import"  # a payment of the file settled at the same moment elsewhere
    # counter receipts, refused instead of queued for review (the review reasons' values)
    WRONG_AMOUNT = "wrong_amount"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"
    IN_AGREEMENT = "in_agreement"
    # payments and their review
    PAYMENT_NOT_FOUND = "payment_not_found"
    PAYMENT_NOT_APPLIED = "payment_not_applied"  # only an applied payment is reversed
    PAYMENT_NOT_IN_REVIEW = "payment_not_in_review"
    REFUND_ONLY = "refund_only"  # its review reason forbids settling it: refund it
    BILL_NOT_OPEN = "bill_not_open"  # the bill left "released" (paid, cancelled) or an agreement holds it
    BILL_ALREADY_PAID = "bill_already_paid"
    # the gateway (Pagar.me)
    GATEWAY_NOT_CONFIGURED = "gateway_not_configured"  # the utility has no active Pagar.me account
    PROPERTY_NOT_FOUND = "property_not_found"
    BILLS_IN_AGREEMENT = "bills_in_agreement"
    BILLS_IN_REVIEW = "bills_in_review"  # a card checkout of theirs is pending (VA-12, VA-13)
    GATEWAY_ERROR = "gateway_error"  # the gateway did not answer, or refused the call
    GATEWAY_NOT_FOUND = "gateway_not_found"  # the gateway does not know the order or charge asked for
    WEBHOOK_UNAUTHORIZED = "webhook_unauthorized"  # wrong URL secret or basic auth (401)
    UNKNOWN_CHARGE = "unknown_charge"  # a webhook about a charge we never created
    # settings: agents, index series and rates, late-charge policy versions
    AGENT_NOT_FOUND = "agent_not_found"
    PIX_RECEIVER_NOT_FOUND = "pix_receiver_not_found"  # no PIX key registered yet
    AGENT_CODE_TAKEN = "agent_code_taken"  # another agent has this code
    AGREEMENT_TAKEN = "agreement_taken"  # the convênio is another agent's (`field` is `agreement`)
    INDEX_NOT_FOUND = "index_not_found"  # no index series with that code
    RATE_IN_USE = "rate_in_use"  # the month's rate was used by a billed late charge: record a correction
    INDEX_CSV_REJECTED = "index_csv_rejected"  # `problems` lists line and field
    POLICY_IN_FORCE = "policy_in_force"  # a version in force on a billed month is never changed
    POLICY_NOT_FOUND = "policy_not_found"
    # direct debit (ADR 0235)
    DEBIT_AGREEMENT_NOT_FOUND = "debit_agreement_not_found"
    NO_DEBIT_AGREEMENT = "no_debit_agreement"  # the agent has no active direct-debit agreement
    AUTHORIZATION_ACTIVE = "authorization_active"  # the property already has an active authorisation
    AUTHORIZATION_NOT_FOUND = "authorization_not_found"
    AUTHORIZATION_CANCELLED = "authorization_cancelled"
    BILL_NOT_FOUND = "bill_not_found"
    DEBIT_NOT_REFUSED = "debit_not_refused"  # only a bill the bank refused is resent
    NOTHING_TO_SEND = "nothing_to_send"  # no debit nor enrolment for the remittance asked for
    ENROLMENT_NOT_FOUND = "enrolment_not_found"
    ENROLMENT_DONE = "enrolment_done"  # the unidentified enrolment was already linked or discarded
    REMITTANCE_NOT_FOUND = "remittance_not_found"
    BILLS_IN_DIRECT_DEBIT = "bills_in_direct_debit"  # sent for debit, the bank has not answered
    # registered boletos, CNAB 240 (ADR 0216)
    BOLETO_AGREEMENT_NOT_FOUND = "boleto_agreement_not_found"
    BOLETO_NOT_FOUND = "boleto_not_found"
    BOLETO_NOT_REGISTERED = "boleto_not_registered"  # only a sent or registered boleto is written off
    # the monthly closing (ADR 0237)
    MONTH_OPEN = "month_open"  # the month is still open for corrections (its agents' float)
    MONTH_CLOSED = "month_closed"
    MONTH_OUT_OF_ORDER = "month_out_of_order"
    CLOSING_NOT_FOUND = "closing_not_found"
    # stand-alone slips and credits (h-docs, ADR 0228)
    DOCUMENT_NOT_FOUND = "document_not_found"
    CREDIT_NOT_FOUND = "credit_not_found"
    CREDIT_EXCEEDED = "credit_exceeded"  # a move larger than the balance or than what it can offset
