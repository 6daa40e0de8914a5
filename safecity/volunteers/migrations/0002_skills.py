"""The volunteers' skill taxonomy (``rules.SKILLS``; kept by administrators afterwards)."""

from django.db import migrations

from safecity.volunteers.rules import SKILLS


def add(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for order, (code, name) in enumerate(SKILLS, start=1):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
