from tenants.models import AgencyStatus

from ._status_command import AgencyStatusCommand


class Command(AgencyStatusCommand):
    help = "Archive an agency: closed for good, data kept."
    target_status = AgencyStatus.ARCHIVED
