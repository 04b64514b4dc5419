from tenants.models import AgencyStatus

from ._status_command import AgencyStatusCommand


class Command(AgencyStatusCommand):
    help = "Reactivate a suspended agency."
    target_status = AgencyStatus.ACTIVE
