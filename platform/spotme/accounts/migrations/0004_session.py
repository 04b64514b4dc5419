"""Sessions with their user's id in a column of their own (spotme/sessions.py): the statement that
routes a request reads the session and, through this column, its user, in one round trip.

Django's own table (django_session) is left as it is; the live sessions are copied over (their
user id is filled in the next time each is saved, and until then the user is read as before), so
nobody is signed out by the deploy."""

from django.db import migrations, models

COPY = """
INSERT INTO accounts_session (session_key, session_data, expire_date)
SELECT session_key, session_data, expire_date FROM django_session WHERE expire_date > now()
ON CONFLICT (session_key) DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_backupcode"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
    ]
