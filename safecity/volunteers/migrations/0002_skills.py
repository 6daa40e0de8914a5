"""The volunteers' skill taxonomy (``rules.SKILLS``; kept by administrators afterwards)."""

from django.db import migrations


def add(apps, schema_editor):
    from safecity.volunteers.rules import load_skills

    load_skills(apps)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
