from datetime import date

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def month_name(value: str, fmt: str = "F") -> str:
    """ "2026-03-01" → "Mac" (the month's name in the active language); anything else unchanged."""
    try:
        return date_format(date.fromisoformat(str(value)), fmt)
    except ValueError:
        return value


@register.filter
def moment(value: str, fmt: str = "d/m/Y H:i") -> str:
    """An ISO date-time ("2026-12-07T14:09:25+00:00", as the JSON figures carry it) in the agency's
    time zone and the pages' format: "07/12/2026 22:09"; anything else unchanged."""
    from datetime import datetime

    from django.utils import timezone

    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return date_format(timezone.localtime(parsed), fmt)
