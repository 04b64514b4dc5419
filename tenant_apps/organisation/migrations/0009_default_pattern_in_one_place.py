"""The agency's default working pattern is set in one place, the attendance policy (a choice among
its patterns). AgencyProfile.default_working_policy, free text that nothing applied, leaves the model.

Expand/contract: its column stays for one release, made nullable so that the code before this
release (which still writes it) and this release (which does not) both run during the deploy; a later
migration drops it. The values are not carried anywhere: the working patterns applied to officers
always came from the policy, so keeping its pattern changes nobody's hours (a text such as "WP2"
that differed from the policy had no effect and still has none)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisation", "0008_agencyprofile_no_location_mode")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="agencyprofile",
                    name="default_working_policy",
                    field=models.CharField(max_length=32, null=True, blank=True, default="WBF"),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="agencyprofile", name="default_working_policy"),
            ],
        ),
    ]
