"""An iCalendar (RFC 5545) writer for the PSCL's feed of planned visits.

Small on purpose: one VCALENDAR of all-day VEVENTs, with the text escaping (section 3.3.11),
line folding at 75 octets (section 3.1) and CRLF line endings the standard asks for, so that
calendar apps (Outlook, Google Calendar, Apple Calendar) subscribe to it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
#: The longest a content line may be, in octets, not counting the CRLF (RFC 5545, 3.1).
MAX_LINE_OCTETS = 75
PRODID = "-//PLP Admin//PSCL visits//EN"


@dataclass(frozen=True)
class AllDayEvent:
    """One all-day event. `uid` must stay the same for the same visit, so that an app updates
    the event rather than adding another; `stamp` is when its information last changed."""

    uid: str
    on: datetime.date
    summary: str
    stamp: datetime.datetime
    description: str = ""
    location: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma escaped with a
    backslash, each line break written as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` folded so that no physical line is longer than 75 octets in UTF-8: each
    continuation starts with a space (RFC 5545, 3.1). A character is never split across lines."""
    pieces = []
    current = ""
    current_octets = 0
    for character in line:
        size = len(character.encode("utf-8"))
        if current_octets + size > MAX_LINE_OCTETS:
            pieces.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, current_octets = " ", 1
        current += character
        current_octets += size
    pieces.append(current)
    return CRLF.join(pieces)


def _utc_stamp(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("An iCalendar time stamp needs an aware datetime.")
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def _event_lines(event: AllDayEvent) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{_utc_stamp(event.stamp)}",
        f"DTSTART;VALUE=DATE:{_date(event.on)}",
        f"DTEND;VALUE=DATE:{_date(event.on + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines.append("TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return lines


def calendar_text(events: Iterable[AllDayEvent], *, name: str) -> str:
    """The VCALENDAR of `events`, named `name` in the apps that show a calendar's name, as text
    with CRLF line endings (a CRLF after the last line too)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
