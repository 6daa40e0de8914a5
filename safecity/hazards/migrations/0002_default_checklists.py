from django.db import migrations


def load(apps, schema_editor):
    from safecity.hazards.checklists import load_default_checklists

    load_default_checklists(apps)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
