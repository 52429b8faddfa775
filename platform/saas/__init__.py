"""The Manancial control plane: settings, URLConfs, Celery app and vendor-side apps."""

from .celery import app as celery_app

__all__ = ("celery_app",)
