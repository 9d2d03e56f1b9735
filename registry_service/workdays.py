"""Working days in mainland China, for the deadline of a bad rating's follow-up.

Public holidays and the weekends worked in exchange for them (调休) are set each year by the
State Council, so no rule computes them: the `chinesecalendar` package carries the published
schedules (a release each year once the next year's notice is out). For a year it does not know
yet, Monday to Friday count as working days: that can only make a deadline earlier than the
true one, never later, so a follow-up is never due after the applicant was promised an answer.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger("registry_service.workdays")
_unknown_years_logged: set[int] = set()


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year without a published schedule in the installed package
        if day.year not in _unknown_years_logged:
            _unknown_years_logged.add(day.year)
            log.warning("no holiday schedule for %d: counting Monday to Friday as working days "
                        "(update chinesecalendar)", day.year)
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts, whatever it is)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
