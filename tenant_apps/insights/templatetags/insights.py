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
