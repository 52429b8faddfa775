"""The consumption review's documents as PDF (WeasyPrint, the service documents' letterhead): the
printed form with every field of the request (seed 001 3.2.6.4) and the final report (laudo) sent at
the closing (3.2.6.9). Same rows in, same text out; nothing is fetched."""

from __future__ import annotations

from typing import Any

from modules.reading.models import Reading

from .models_review import ConsumptionReview
from .pdf import render_document
from .services.reviews import phase_label

HISTORY_MONTHS = 6


def _context(review: ConsumptionReview, *, report: bool) -> dict[str, Any]:
    events = list(review.events.all())
    for e in events:
        e.phase_label = phase_label(e.to_phase) if e.to_phase else ""  # type: ignore[attr-defined]
    history = list(
        Reading.objects.filter(property_id=review.property_id, reference__lte=review.reference)
        .select_related("occurrence")
        .order_by("-reference")[:HISTORY_MONTHS]
    )
    return {
        "review": review,
        "events": events,
        "history": history,
        "report": report,
        "title": "Laudo de revisão de consumo" if report else "Formulário de revisão de consumo",
    }


def review_form_pdf(review: ConsumptionReview) -> bytes:
    return render_document("service/reviews/pdf/review.html", _context(review, report=False))


def review_report_pdf(review: ConsumptionReview) -> bytes:
    return render_document("service/reviews/pdf/review.html", _context(review, report=True))
