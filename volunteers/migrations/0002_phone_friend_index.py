"""Phone friends can be suggested wherever they live: the least busy first. A partial index
finds them without reading every volunteer (jsonb containment)."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS volunteer_phone_friend_idx
    ON volunteers_volunteer (load, created_at)
    WHERE roles @> '["phone_friend"]'::jsonb AND status IN ('approved', 'active')
"""
DROP = "DROP INDEX IF EXISTS volunteer_phone_friend_idx"


def create(apps, schema_editor):
    schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
