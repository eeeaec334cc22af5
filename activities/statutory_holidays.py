"""A year's public holidays derived from the national holiday regulation itself.

《全国年节及纪念日放假办法》 (as revised in 2024, in force since 2025) gives every citizen:
元旦 1 January; 春节 four days, New Year's Eve (除夕) to the third day of the first lunar
month; 清明节 on the Qingming solar term; 劳动节 1–2 May; 端午节 on the fifth day of the
fifth lunar month; 中秋节 on the fifteenth day of the eighth; 国庆节 1–3 October. A
holiday that falls on a Saturday or Sunday is made up on a working day (补假, article
6): here the first weekday after its festival that is not already off.

What the regulation cannot say is the State Council's yearly notice: which weekends
become working days (调休) and which bridges are closed. For a year ``chinese-calendar``
does not know yet, these derived days stand in for the notice, and the operator declares
the rest in the policy file's ``[calendar]``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from borax.calendars.festivals2 import TermFestival
from borax.calendars.lunardate import LunarDate

FIRST_YEAR = 2025  # the four-day Spring Festival and two-day Labour Day start in 2025
DAY = timedelta(days=1)


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def festivals(year: int) -> dict[str, list[date]]:
    """Each statutory festival of the year with its days off, before any make-up day."""
    eve = _lunar(year, 1, 1) - DAY
    qingming: date = TermFestival(name="清明").at(year=year)
    return {
        "元旦": [date(year, 1, 1)],
        "春节": [eve + n * DAY for n in range(4)],
        "清明节": [qingming],
        "劳动节": [date(year, 5, 1), date(year, 5, 2)],
        "端午节": [_lunar(year, 5, 5)],
        "中秋节": [_lunar(year, 8, 15)],
        "国庆节": [date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)],
    }


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """Every day off the regulation gives in ``year``, made-up days (补假) included."""
    if year < FIRST_YEAR:
        raise ValueError(f"the regulation in force since {FIRST_YEAR} does not cover {year}")
    groups = festivals(year)
    off = {day for days in groups.values() for day in days}
    for days in groups.values():
        on_weekends = sum(day.weekday() >= 5 for day in days)
        substitute = days[-1]
        for _ in range(on_weekends):  # one working day off for each
            substitute += DAY
            while substitute.weekday() >= 5 or substitute in off:
                substitute += DAY
            off.add(substitute)
    return frozenset(off)
