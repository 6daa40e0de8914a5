"""The experts' specialty taxonomy (``rules.SPECIALTIES``; kept by administrators afterwards)."""

from django.db import migrations


def add(apps, schema_editor):
    from safecity.resources.rules import load_specialties

    load_specialties(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
