"""The monthly colour card (kad kehadiran berwarna): each officer's card for a month from the
previous month's counted non-compliances (SPEC.md, rules.next_colour), run by the nightly job."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from . import calendar, rules
from .issues import expire_undecided
from .models import AttendanceIssue, ColourCard, IssueStatus


def compute_colour_cards(month: date, *, today: date | None = None) -> int:
    """Each officer's card for `month` from the previous month's counted issues. Run from the 1st
    (provisional) until the day after the cut-off, when undecided reasons start counting as rejected;
    idempotent, so running it daily is safe."""
    from django.db.models import Count, Q

    from tenant_apps.people.models import Officer

    first = month.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    policy = calendar.policy_for(first)
    thresholds = policy.colour_thresholds() if policy else rules.ColourThresholds()
    cutoff = first.replace(day=policy.issue_cutoff_day if policy else 2)
    if (today or timezone.localdate()) > cutoff:
        expire_undecided(previous)
    counts = dict(
        AttendanceIssue.objects.filter(date__gte=previous, date__lt=first)
        .filter(
            Q(status=IssueStatus.REJECTED)
            | (Q(expired=True) & ~Q(status__in=[IssueStatus.ACCEPTED, IssueStatus.WITHDRAWN]))
        )
        .values_list("officer_id")
        .annotate(n=Count("id"))
    )
    last = dict(ColourCard.objects.filter(month=previous).values_list("officer_id", "colour"))
    cards = []
    for officer_id in Officer.objects.values_list("pk", flat=True):
        current = rules.Colour(last.get(officer_id, rules.Colour.KUNING))
        n = counts.get(officer_id, 0)
        cards.append(
            ColourCard(
                officer_id=officer_id,
                month=first,
                colour=next_colour(current, n, thresholds),
                non_compliances=n,
            )
        )
    ColourCard.objects.bulk_create(
        cards,
        update_conflicts=True,
        unique_fields=["officer", "month"],
        update_fields=["colour", "non_compliances", "computed_at"],
    )
    return len(cards)


def next_colour(current, n, thresholds):
    return rules.next_colour(current, n, thresholds)
