"""Disease protocols shipped as data (``epidemic/data/<disease>.json``), their loader and selectors.

A protocol version is immutable once it exists: :func:`sync_protocols` creates the diseases and
versions that are missing and never touches an existing one (a changed rule is a new version, so a
management plan made under the old version keeps it). It runs after every ``migrate`` (a
``post_migrate`` hook in :mod:`safecity.epidemic.apps`) and can be run by hand.

What a version prescribes for a class of person is its :class:`~safecity.epidemic.models.ProtocolMeasure`
rows, in steps; :func:`schedule` turns them into dated steps with planned test dates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DatedStep:
    """One step of a schedule: measure from ``start`` to ``end`` (both included), tests on ``test_dates``."""

    step: int
    measure: str
    days: int
    start: date
    end: date
    test_dates: tuple[date, ...] = field(default=())


def load_files(data_dir: Path = DATA_DIR) -> list[dict]:
    """The protocol files, one per disease, in name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(data_dir.glob("*.json"))]


def sync_protocols(*, data_dir: Path = DATA_DIR, using: str = "default") -> dict[str, int]:
    """Create the diseases and protocol versions of the data files that are missing. Idempotent.

    An existing disease or version is never changed, whatever the file says now: a version in use is
    immutable, and a change to a protocol is a new version with its own ``effective_from``.
    """
    from .models import Disease, Protocol, ProtocolMeasure

    added = {"diseases": 0, "protocols": 0, "measures": 0}
    with transaction.atomic(using=using):
        for document in load_files(data_dir):
            spec = document["disease"]
            disease = Disease.objects.using(using).filter(code=spec["code"]).first()
            if disease is None:
                disease = Disease.objects.using(using).create(
                    code=spec["code"],
                    name=spec["name"],
                    notifiable_class=spec.get("notifiable_class", ""),
                    vector_borne=spec.get("vector_borne", False),
                )
                added["diseases"] += 1
            existing = set(Protocol.objects.using(using).filter(disease=disease).values_list("version", flat=True))
            for version in document["protocols"]:
                if version["version"] in existing:
                    continue
                protocol = Protocol(
                    disease=disease,
                    version=version["version"],
                    title=version["title"],
                    effective_from=date.fromisoformat(version["effective_from"]),
                    effective_until=(
                        date.fromisoformat(version["effective_until"]) if version.get("effective_until") else None
                    ),
                    look_back_days=version["look_back_days"],
                    close_proximities=version.get("close_proximities", []),
                    secondary_settings=version.get("secondary_settings", []),
                    retention_days=version.get("retention_days", 180),
                    notes=version.get("notes", ""),
                )
                protocol._change_reason = "protocol data"
                protocol.save(using=using)
                added["protocols"] += 1
                for measure in version.get("measures", []):
                    ProtocolMeasure.objects.using(using).create(
                        protocol=protocol,
                        person_class=measure["person_class"],
                        step=measure["step"],
                        measure=measure["measure"],
                        days=measure["days"],
                        test_days=measure.get("test_days", []),
                    )
                    added["measures"] += 1
    return added


def sync_protocols_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate`` receiver: load the shipped protocols once the epidemic tables exist."""
    from django.db import connections

    if "epidemic_protocolmeasure" not in connections[using].introspection.table_names():
        return  # migrated back to before the protocol tables
    sync_protocols(using=using)


def protocol_for(disease, on: date):
    """The version of ``disease``'s protocol in force ``on`` that date (the latest one that started by then).

    ``disease`` is a :class:`~safecity.epidemic.models.Disease` or its code. ``None`` when no version
    had started by then.
    """
    from .models import Protocol

    versions = Protocol.objects.filter(effective_from__lte=on, archived_at__isnull=True)
    versions = versions.filter(disease__code=disease) if isinstance(disease, str) else versions.filter(disease=disease)
    versions = versions.exclude(effective_until__lt=on)
    return versions.order_by("-effective_from", "-pk").first()


def measures_for(protocol, person_class: str) -> list:
    """The steps ``protocol`` prescribes for ``person_class`` (close, secondary, arrival_…), in order."""
    return list(protocol.measures.filter(person_class=person_class).order_by("step"))


def schedule(measures, start: date) -> list[DatedStep]:
    """Dated steps from ``start``: each step follows the previous one; day 1 of a step is its first day."""
    steps = []
    current = start
    for measure in measures:
        end = current + timedelta(days=measure.days - 1)
        tests = tuple(current + timedelta(days=d - 1) for d in sorted(set(measure.test_days)) if 1 <= d <= measure.days)
        steps.append(
            DatedStep(
                step=measure.step, measure=measure.measure, days=measure.days, start=current, end=end, test_dates=tests
            )
        )
        current = end + timedelta(days=1)
    return steps
