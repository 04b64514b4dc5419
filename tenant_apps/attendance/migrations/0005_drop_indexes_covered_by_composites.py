"""Drop indexes that a composite index or unique constraint leading with the same column already
covers: the officer foreign keys of clock events, daily records and issues, and the daily record's
`primary` (always queried within dates, through the (date, primary) index). Each one was written on
every clock-in and never read. Only drops: quick, and safe while old code still runs."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0004_provisional_days_index"),
        ("people", "0003_help_texts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendanceday",
            name="officer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="days",
                to="people.officer",
            ),
        ),
        migrations.AlterField(
            model_name="attendanceday",
            name="primary",
            field=models.CharField(max_length=16),
        ),
        migrations.AlterField(
            model_name="attendanceissue",
            name="officer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendance_issues",
                to="people.officer",
            ),
        ),
        migrations.AlterField(
            model_name="clockevent",
            name="officer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clock_events",
                to="people.officer",
            ),
        ),
    ]
