"""Today's date where the förbund works: dates on forms are Swedish calendar dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(STOCKHOLM).date()
