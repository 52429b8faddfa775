"""Queue tickets and telephony open attendances (S10.1-01, S10.1-06, 3.2.16.3): a ticket called at a
desk starts the caller's attendance on the counter channel, waiting since the ticket was taken; a
phone call answered by an agent starts one on the phone channel with the caller's number. Both run
after the call committed (channels_hooks); an attendant who already has one open keeps it — the
call is never undone and no second attendance opens."""

from __future__ import annotations

import datetime as dt
import logging

from modules.common.errors import Conflict

from .channels_hooks import CallAnswered, TicketCalled

log = logging.getLogger(__name__)


def ticket_taken_at(ticket_id: int) -> dt.datetime | None:
    from .models import Ticket

    return Ticket.objects.filter(pk=ticket_id).values_list("issued_at", flat=True).first()


def on_ticket_called(facts: TicketCalled) -> None:
    from modules.access.models import User

    from .services.attendance import attendance_start

    user = User.objects.filter(pk=facts.user_id).first() if facts.user_id else None
    if user is None:
        return
    try:
        attendance_start(
            user,
            "counter",
            property_id=facts.property_id,
            customer_id=facts.customer_id,
            ticket_id=facts.ticket_id,
        )
    except Conflict:
        log.info("ticket %s called by %s, who has an attendance open", facts.label, user.username)


def on_call_answered(facts: CallAnswered) -> None:
    from modules.access.models import User

    from .services.attendance import attendance_start

    user = User.objects.filter(username=facts.agent).first()
    if user is None:
        return
    try:
        attendance_start(
            user,
            "phone",
            property_id=facts.property_id,
            customer_id=facts.customer_id,
            caller_number=facts.caller,
        )
    except Conflict:
        log.info("call %s answered by %s, who has an attendance open", facts.call_id, user.username)
