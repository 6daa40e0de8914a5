"""The Celery application: background jobs and periodic sweeps.

Configured from Django settings (``CELERY_*``): a Redis broker in production
(``CELERY_BROKER_URL=redis://…``), kombu's ``filesystem://`` transport under ``var/celery`` by default,
so the demo needs no broker server. Each app's ``tasks.py`` is discovered; periodic jobs come from
:mod:`safecity.core.jobs`. Start a worker with ``safecity worker`` (embedded beat included).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")

app = Celery("safecity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
