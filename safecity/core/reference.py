"""Reference data (taxonomies, default checklists) loaded after every ``migrate`` — and after every ``flush``.

A data migration runs once; a database flushed afterwards (a test that commits for real, a reset of a
demo) would lose the rows. Loaders registered here run on Django's ``post_migrate`` signal, which both
``migrate`` and ``flush`` send. A loader only adds what is missing and never changes a row an
administrator may have edited since.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def load_after_migrate(app_config: AppConfig, loader: Callable[..., object]) -> None:
    """Run ``loader(apps)`` after every migrate or flush (``apps``: the app registry of that moment)."""

    def load(sender, apps=global_apps, **kwargs) -> None:
        loader(apps)

    post_migrate.connect(load, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}.{loader.__name__}")
