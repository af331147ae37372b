"""The plan's contents version: with its latest review, its year's settings and the day, the key
of its check in the cache. Existing plans share the one value the migration gives them; with the
plan's pk, each key is still its own."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0004_archived_team_members_and_school_visits"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionplan",
            name="contents_version",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
