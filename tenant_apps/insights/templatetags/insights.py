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


def _colour_labels() -> dict:
    from django.utils.translation import gettext as _

    return {"kuning": _("Yellow"), "hijau": _("Green"), "merah": _("Red"), "future": _("Month not started")}


@register.filter
def colour_label(value: str) -> str:
    """A colour card's name in the reader's language ("kuning" → "Kuning" / "Yellow"): the card is
    never shown by its colour alone (issue 18, item 12)."""
    return str(_colour_labels().get(str(value), value or ""))


@register.filter
def colour_initial(value: str) -> str:
    """The first letter of the card's name, for cells too small for the word (the legend spells it)."""
    return colour_label(value)[:1]
