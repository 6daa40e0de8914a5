"""Test helpers for incidents: file an accident as a user, at a given time."""

from __future__ import annotations

from datetime import datetime, timedelta

from safecity.incidents.choices import Category, Subtype
from safecity.incidents.models import Incident
from safecity.incidents.services import ReportContent, incident_report


def file_accident(
    actor,
    region,
    *,
    dead: int = 0,
    occurred_at: datetime,
    learned_after: timedelta = timedelta(minutes=10),
    filed_after: timedelta = timedelta(minutes=20),
    subtype: str = Subtype.CONSTRUCTION,
    title: str = "工地坍塌事故",
    **figures,
) -> Incident:
    incident = Incident(
        title=title,
        category=Category.ACCIDENT,
        subtype=subtype,
        region=region,
        occurred_at=occurred_at,
        learned_at=occurred_at + learned_after,
    )
    content = ReportContent(summary="脚手架坍塌,多人被困。", dead=dead, **figures)
    return incident_report(actor=actor, incident=incident, content=content, now=occurred_at + filed_after)
