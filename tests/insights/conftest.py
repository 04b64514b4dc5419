"""A hand-checked month for the dashboards: three officers of one unit (Bahagian Statistik) under
one supervisor, every working day of November 2025 (Selangor: no public holiday; 20 working days,
3–7, 10–14, 17–21 and 24–28 Nov), clocked through the real attendance engine.

    Aminah   in 08:00, out 17:30 every day; on the 27th from ~3 km away (outside the office area)
    Badrul   in 09:30, out 18:00 on 3, 4, 5 Nov (late; reasons rejected); 08:00–17:30 otherwise;
             a meeting (Pergerakan) on the 27th
    Chandran 08:00–17:30, except out 16:00 on 10 Nov (early out; reason accepted) and absent on
             27 and 28 Nov (no punch; the nightly close marks the days)

Expected by hand:
    owed 60, attended 58, absent 2, late 3, early out 1 → rate 58/60 = 96.7 %
    per officer: Aminah 20/20 = 100.0, Badrul 20/20 = 100.0, Chandran 18/20 = 90.0
    clock-ins 58, outside the office 1 → 1.7 %
    issues raised 7 (Badrul 3 late, Chandran early out + 2 absent, Aminah outside), accepted 1,
    rejected 3, open 3
    colour cards of December 2025 (from November, after the cut-off on 2 Dec, undecided = rejected):
    Aminah 1 counted → Kuning; Badrul 3 rejected → Hijau; Chandran 2 (absences) → Kuning
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceIssue, IssueStatus, OfficerPattern, WorkingPattern
from tenant_apps.organisation.models import OrgUnit, Role
from tenant_apps.people import actions
from tests.fixtures.attendance import INSIDE, OUTSIDE, at
from tests.fixtures.people import activate

NOVEMBER = date(2025, 11, 1)
DECEMBER = date(2025, 12, 1)
WORKING_DAYS = [
    NOVEMBER + timedelta(days=n) for n in range(30) if (NOVEMBER + timedelta(days=n)).weekday() < 5
]
LATE_DAYS = [date(2025, 11, 3), date(2025, 11, 4), date(2025, 11, 5)]
EARLY_DAY = date(2025, 11, 10)
ABSENT_DAYS = [date(2025, 11, 27), date(2025, 11, 28)]
OUTSIDE_DAY = date(2025, 11, 27)
STATS_SUPERVISOR = "850303105017"


@dataclass
class Month:
    agency: object
    unit: OrgUnit
    supervisor: object
    aminah: object
    badrul: object
    chandran: object

    @property
    def officers(self):
        return [self.aminah, self.badrul, self.chandran]


def _person(mykad, name, unit, roles=(), supervisor=None):
    return activate(
        actions.create_officer(
            mykad=mykad,
            full_name=name,
            email=f"{mykad}@a.gov.my",
            roles=list(roles),
            supervisor=supervisor,
            org_unit=unit,
            notify=False,
        ).officer
    )


@pytest.fixture
def month(cast, office) -> Month:
    assert len(WORKING_DAYS) == 20
    with schema_context(cast.agency.schema_name):
        unit = actions.save_org_unit(OrgUnit(name="Bahagian Statistik", code="BST"))
        # The supervisor sits in the cast's unit: the figures of Bahagian Statistik are the three alone.
        boss = _person(STATS_SUPERVISOR, "Ketua Statistik", cast.unit, [Role.SUPERVISOR])
        aminah = _person("900909105114", "Aminah binti Yusof", unit, supervisor=boss)
        badrul = _person("910101105115", "Badrul bin Hashim", unit, supervisor=boss)
        chandran = _person("920202105116", "Chandran a/l Muthu", unit, supervisor=boss)
        # Aminah works WP2 in December (the pattern grid), the agency default otherwise.
        OfficerPattern.objects.create(
            officer=aminah, month=DECEMBER, pattern=WorkingPattern.objects.get(code="WP2")
        )
        from tenant_apps.movements.models import Movement

        Movement.objects.create(
            officer=badrul,
            date=OUTSIDE_DAY,
            start_time=at(OUTSIDE_DAY, "10:00").time(),
            end_time=at(OUTSIDE_DAY, "12:00").time(),
            kind=Movement.Kind.MEETING,
            place="Menara MKN",
            purpose="Mesyuarat data",
        )
        for day in WORKING_DAYS:
            where = OUTSIDE if day == OUTSIDE_DAY else INSIDE
            services.clock(aminah, "in", position=where, now=at(day, "08:00"))
            services.clock(aminah, "out", position=where, now=at(day, "17:30"))
            late = day in LATE_DAYS
            services.clock(badrul, "in", position=INSIDE, now=at(day, "09:30" if late else "08:00"))
            services.clock(badrul, "out", position=INSIDE, now=at(day, "18:00" if late else "17:30"))
            if day not in ABSENT_DAYS:
                services.clock(chandran, "in", position=INSIDE, now=at(day, "08:00"))
                services.clock(
                    chandran, "out", position=INSIDE, now=at(day, "16:00" if day == EARLY_DAY else "17:30")
                )
        for day in ABSENT_DAYS:
            services.close_day(day)
        for issue in AttendanceIssue.objects.filter(officer=badrul):
            services.answer_issue(issue, reason="Jalan sesak teruk")
            services.decide_issue(issue, supervisor=boss, accept=False, comment="Tiada bukti")
        early = AttendanceIssue.objects.get(officer=chandran, date=EARLY_DAY)
        services.answer_issue(early, reason="Temujanji klinik")
        services.decide_issue(early, supervisor=boss, accept=True)
        services.compute_colour_cards(DECEMBER, today=date(2025, 12, 10))
        assert AttendanceIssue.objects.filter(officer__org_unit=unit, status=IssueStatus.OPEN).count() == 3
    return Month(cast.agency, unit, boss, aminah, badrul, chandran)
