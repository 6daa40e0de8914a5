"""The person picker: a person-number field with a search beside it (htmx, no script of our own).

Typing in the search asks ``epidemic:person_pick`` for up to 10 persons of the user's area (name,
masked identity number and phone, region); choosing one swaps the picker for one holding that
person's number. The number can still be typed (a source person in another county).

It is the generic picker of :mod:`safecity.core.pickers` in its ``typed`` mode, over the pick source
``epidemic.person`` registered here.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from safecity.core import pickers

from .filtersets import person_search_q
from .models import Person

# Current persons only (a merged record points to the one kept), as the picker always offered.
SOURCE = pickers.register(
    "epidemic.person",
    Person,
    filter=Q(merged_into__isnull=True),
    search=person_search_q,
    masked={"id_number": "id_number", "phone": "phone"},
    limit=10,
)


class PersonPickWidget(pickers.PickWidget):
    def __init__(self, attrs=None, *, user=None):
        super().__init__(attrs, source=SOURCE.key, user=user, mode="typed")

    @property
    def url(self) -> str:
        return reverse("epidemic:person_pick")


def chosen_label(value, user) -> str:
    """Name and region of the chosen person — only if ``user`` may see them (else nothing)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return ""
    if user is None:
        return ""
    labels = PersonPickWidget(user=user).chosen([pk])
    return labels[0]["label"] if labels else ""
