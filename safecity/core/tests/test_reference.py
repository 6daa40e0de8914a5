"""Reference data survives a flush: taxonomies and default checklists come back after every migrate or flush."""

import pytest
from django.core.management import call_command

from safecity.hazards.models import Checklist
from safecity.resources.models import Specialty
from safecity.training.models import Topic
from safecity.volunteers.models import Skill

MODELS = (Specialty, Skill, Topic, Checklist)


@pytest.mark.django_db
def test_a_flushed_database_gets_its_taxonomies_and_default_checklists_back():
    before = {model: model.objects.count() for model in MODELS}
    assert all(before.values())
    call_command("flush", interactive=False, verbosity=0)
    assert {model: model.objects.count() for model in MODELS} == before


@pytest.mark.django_db
def test_loading_again_adds_nothing_and_keeps_an_administrators_edit():
    specialty = Specialty.objects.get(code="fire")
    specialty.name = "消防救援（含高层建筑）"
    specialty.save()
    count = Specialty.objects.count()
    call_command("migrate", verbosity=0)
    specialty.refresh_from_db()
    assert Specialty.objects.count() == count and specialty.name == "消防救援（含高层建筑）"
