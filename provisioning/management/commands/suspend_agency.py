from tenants.models import AgencyStatus

from ._status_command import AgencyStatusCommand


class Command(AgencyStatusCommand):
    help = "Suspend an agency: its subdomain shows a suspension page, its API answers 403."
    target_status = AgencyStatus.SUSPENDED
