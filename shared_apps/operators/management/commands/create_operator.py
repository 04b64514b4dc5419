from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Create (or reset the password of) a JDN operator account in the public schema."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Omit to be prompted (or set SPOTME_OPERATOR_PASSWORD).")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args, **o):
        import os

        connection.set_schema_to_public()
        password = (
            o["password"] or os.environ.get("SPOTME_OPERATOR_PASSWORD") or getpass.getpass("Password: ")
        )
        User = get_user_model()
        user = User.objects.filter(username=o["username"]).first() or User(username=o["username"])
        user.email = o["email"] or user.email
        user.full_name = o["name"] or user.full_name or o["username"]
        user.is_staff = True
        user.is_superuser = o["superuser"] or user.is_superuser
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Operator “{user.username}” ready."))
