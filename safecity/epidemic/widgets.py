"""The person picker: a person-number field with a search beside it (htmx, no script of our own).

Typing in the search asks ``epidemic:person_pick`` for up to 10 persons of the user's area (name,
masked identity number and phone, region); choosing one swaps the picker for one holding that
person's number. The number can still be typed (a source person in another county).
"""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe


class PersonPickWidget(forms.NumberInput):
    template = "epidemic/person_pick.html"

    def __init__(self, attrs=None, *, user=None):
        super().__init__(attrs)
        self.user = user

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # our own template; it escapes the values
            render_to_string(
                self.template,
                {
                    "name": name,
                    "value": "" if value in (None, "") else value,
                    "attrs": attrs,
                    "id": attrs.get("id", f"id_{name}"),
                    "url": reverse("epidemic:person_pick"),
                    "chosen": chosen_label(value, self.user),
                },
            )
        )


def chosen_label(value, user) -> str:
    """Name and region of the chosen person — only if ``user`` may see them (else just the number)."""
    from .models import Person

    try:
        pk = int(value)
    except (TypeError, ValueError):
        return ""
    if user is None:
        return ""
    person = Person.objects.restrict(user).filter(pk=pk).select_related("region").first()
    return f"{person.name} · {person.region}" if person else ""
