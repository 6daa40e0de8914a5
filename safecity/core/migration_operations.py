"""Migration operations of our own.

``DropFieldIndexes`` removes ``db_index`` from many fields of many models of one app in one operation: the
model state changes exactly as a series of ``AlterField`` (db_index=False) would, the database gets one
``DROP INDEX`` per index, and the migration state is rendered once. A series of ``AlterField`` — what
``makemigrations`` writes — made Django render the project's models twice per field and, on SQLite,
rebuild the whole table per field: for the history tables (some 400 fields, see
``core.models._EveryFieldButId``) that added minutes to every fresh database, the test databases included.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class DropFieldIndexes(Operation):
    """``fields``: model name → names of fields whose ``db_index`` is dropped."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields

    def deconstruct(self):
        return (self.__class__.__name__, [], {"fields": self.fields})

    def state_forwards(self, app_label, state):
        self._set(app_label, state, False)

    def _set(self, app_label, state, db_index: bool) -> None:
        for model_name, names in self.fields.items():
            model_state = state.models[app_label, model_name]
            for name in names:
                field = model_state.fields[name].clone()
                field.db_index = db_index
                model_state.fields[name] = field
            state.reload_model(app_label, model_name, delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for model_name, names in self.fields.items():
            model = from_state.apps.get_model(app_label, model_name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            for name in names:
                column = model._meta.get_field(name).column
                for index in schema_editor._constraint_names(model, [column], index=True, unique=False):
                    schema_editor.execute(schema_editor._delete_index_sql(model, index))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for model_name, names in self.fields.items():
            model = to_state.apps.get_model(app_label, model_name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            for name in names:
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field(name)]))

    def describe(self):
        return f"Drop the indexes of {sum(map(len, self.fields.values()))} fields of {len(self.fields)} models"

    @property
    def migration_name_fragment(self):
        return "drop_field_indexes"
