"""The school's records version: the key of its background in the cache. Existing schools share
the one value the migration gives them; with the school's pk, each key is still its own."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0005_national_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="records_version",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
