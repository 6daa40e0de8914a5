"""SafeCity — the command platform of a city's epidemic-prevention HQ and work-safety committee."""

__version__ = "0.1.0"

# Celery's app is loaded with Django, so ``@shared_task`` binds to it.
from .celery import app as celery_app

__all__ = ["__version__", "celery_app"]
