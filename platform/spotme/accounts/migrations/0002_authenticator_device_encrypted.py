"""Two-factor secrets encrypted at rest: django-otp's TOTPDevice rows (plain hex keys) become
AuthenticatorDevice rows (Fernet, spotme.crypto), in every schema this runs in (public, the template,
each agency). The old rows keep existing until a later release drops them, but their keys are
replaced by random ones: the plain secrets are gone at once, and a web pod of the previous release,
still serving during the rollout, asks those users for a code no app can produce (it fails closed
rather than letting them in without a second factor)."""

import django.db.models.deletion
import spotme.accounts.models
from django.conf import settings
from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from django_otp.util import random_hex

    from spotme.crypto import encrypt

    old = apps.get_model("otp_totp", "TOTPDevice")
    new = apps.get_model("accounts", "AuthenticatorDevice")
    for device in old.objects.all().order_by("pk"):
        new.objects.create(
            user_id=device.user_id, name=device.name, confirmed=device.confirmed,
            throttling_failure_timestamp=device.throttling_failure_timestamp,
            throttling_failure_count=device.throttling_failure_count,
            created_at=device.created_at, last_used_at=device.last_used_at,
            encrypted_key=encrypt(device.key), step=device.step, t0=device.t0, digits=device.digits,
            tolerance=device.tolerance, drift=device.drift, last_t=device.last_t,
        )
        old.objects.filter(pk=device.pk).update(key=random_hex(20))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthenticatorDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('encrypted_key', models.TextField(default=spotme.accounts.models.new_encrypted_key)),
                ('step', models.PositiveSmallIntegerField(default=30)),
                ('t0', models.BigIntegerField(default=0)),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1)),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authenticator app',
                'verbose_name_plural': 'authenticator apps',
                'abstract': False,
            },
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
