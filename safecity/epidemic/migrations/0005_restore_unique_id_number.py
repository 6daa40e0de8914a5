"""Restore the unique index on identity numbers where migration 0003 lost it.

On PostgreSQL, 0003's ``AlterField`` of ``person.id_number`` (``db_index`` off) made Django drop every B-tree
index on the column that is not in ``Meta.indexes`` — the partial unique constraint
``epidemic_person_unique_id_number`` of ``Meta.constraints`` with it. SQLite rebuilt the table from the model
state and kept it. ``core/tests/test_schema.py`` now checks every declared constraint exists.

Forwards: where the index is missing, create it — unless two persons not merged away already share a number,
in which case the migration stops and names them (last four digits only): merge them on the page 疑似重复
(``/epidemic/persons/duplicates/``), then migrate again. Backwards: nothing (the constraint is part of 0001's state).
"""

from django.db import migrations

NAME = "epidemic_person_unique_id_number"


def restore(apps, schema_editor):
    Person = apps.get_model("epidemic", "Person")
    connection = schema_editor.connection
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if NAME in connection.introspection.get_constraints(cursor, table):
            return
        cursor.execute(
            f"SELECT id_number, COUNT(*) FROM {table} WHERE id_number <> '' AND merged_into_id IS NULL "
            f"GROUP BY id_number HAVING COUNT(*) > 1 ORDER BY id_number LIMIT 10"
        )
        shared = cursor.fetchall()
    if shared:
        listed = ", ".join(f"…{number[-4:]} ({count} persons)" for number, count in shared)
        raise RuntimeError(
            f"Cannot restore {NAME}: persons not merged away share an identity number ({listed}). "
            "Merge the duplicates (page /epidemic/persons/duplicates/), then run migrate again."
        )
    constraint = next(c for c in Person._meta.constraints if c.name == NAME)
    schema_editor.add_constraint(Person, constraint)


class Migration(migrations.Migration):
    dependencies = [("epidemic", "0004_person_write_path")]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop, elidable=True)]
