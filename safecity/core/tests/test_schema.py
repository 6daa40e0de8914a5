"""The migrated database holds every constraint and index the models declare.

Migrations can lose one silently: on PostgreSQL, Django's ``AlterField`` that turns ``db_index`` off drops
*every* B-tree index on the column that is not a ``Meta.indexes`` entry — a partial unique constraint of
``Meta.constraints`` included — while SQLite's table rebuild recreates it. A uniqueness the code relies on
(``ON CONFLICT``, "one person per identity number") would then be missing on production only.
"""

import pytest
from django.apps import apps
from django.db import connection


def _declared():
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped:
            continue
        names = [constraint.name for constraint in meta.constraints] + [index.name for index in meta.indexes]
        if names:
            yield model, names


@pytest.mark.django_db
def test_every_declared_constraint_and_index_exists_in_the_database():
    missing = []
    with connection.cursor() as cursor:
        for model, names in _declared():
            present = connection.introspection.get_constraints(cursor, model._meta.db_table)
            missing += [f"{model._meta.label}: {name}" for name in names if name not in present]
    assert not missing, f"declared in the models but not in the database: {missing}"
