"""What may produce a task: apps register their source models (a drill problem, a meeting decision …).

The registry gives the task list its "source kind" filter and the labels shown on pages::

    from safecity.tasks.sources import register_source
    register_source("plans.drillproblem", _("drill problem"))
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: ``"app_label.model_name"`` → label, in registration order.
SOURCES: dict[str, object] = {}
#: The filter value for tasks created by hand (no source).
MANUAL = "manual"


def register_source(label: str, verbose: object) -> None:
    SOURCES[label.lower()] = verbose


def source_choices() -> list[tuple[str, object]]:
    return [(MANUAL, _("entered directly")), *SOURCES.items()]


def source_label(content_type) -> object:
    if content_type is None:
        return _("entered directly")
    key = f"{content_type.app_label}.{content_type.model}"
    return SOURCES.get(key, content_type.name)
