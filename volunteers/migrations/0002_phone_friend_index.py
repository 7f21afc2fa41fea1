"""Phone friends can be suggested wherever they live: the least busy first. A partial index
finds them without reading every volunteer. PostgreSQL only (jsonb containment); the embedded
SQLite of `make run` holds too few volunteers to need it."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS volunteer_phone_friend_idx
    ON volunteers_volunteer (load, created_at)
    WHERE roles @> '["phone_friend"]'::jsonb AND status IN ('approved', 'active')
"""
DROP = "DROP INDEX IF EXISTS volunteer_phone_friend_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
