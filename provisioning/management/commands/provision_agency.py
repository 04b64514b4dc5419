from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from provisioning.services import AgencyRequest, provision_agency
from spotme.malaysia import State


class Command(BaseCommand):
    help = (
        "Provision a new agency (schema, domain, settings, org admin) "
        "and print its URL and temporary password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)
        parser.add_argument(
            "--state",
            required=True,
            help="State code 01-16 or name, e.g. 10 or Selangor. "
            + ", ".join(f"{v}={label}" for v, label in State.choices),
        )
        parser.add_argument("--admin-ic", required=True, help="The org admin's 12-digit MyKad number")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--ministry", default="")

    def handle(self, *args, **o):
        state = _state_code(o["state"])
        try:
            result = provision_agency(
                AgencyRequest(
                    name=o["name"],
                    subdomain=o["subdomain"],
                    state=state,
                    admin_mykad=o["admin_ic"],
                    admin_email=o["admin_email"],
                    admin_name=o["admin_name"] or o["name"],
                    ministry=o["ministry"],
                )
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Agency provisioned in {result.duration_ms} ms"))
        self.stdout.write(f"URL: {result.url}")
        self.stdout.write(f"Login ID: {result.admin_login}")
        self.stdout.write(f"Temporary password: {result.temporary_password}")


def _state_code(value: str) -> str:
    value = value.strip()
    if value in State.values:
        return value
    if value.isdigit() and value.zfill(2) in State.values:
        return value.zfill(2)
    for code, label in State.choices:
        if label.lower().replace("w.p. ", "") == value.lower().replace("w.p. ", ""):
            return code
    raise CommandError(f"Unknown state “{value}”. Use a code 01-16 or a name such as Selangor.")
