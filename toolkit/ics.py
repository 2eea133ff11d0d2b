"""iCalendar (RFC 5545) files for champions' events: "add to calendar"."""

from __future__ import annotations

import datetime as dt

from toolkit.roster import Champion


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # Lines longer than 75 octets are folded: CRLF and one space, never inside a character.
    size = len(line.encode("utf-8"))
    if size <= 75:
        return line
    if size == len(line):  # one octet a character: cut every 74 after the first 75
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, size, 74))])
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def event_calendar(champion: Champion, campaign: str, url: str, host: str) -> str:
    """Return a one-event calendar for `champion`'s event, or an empty string without a date."""
    event = champion.event
    if event is None or event.date is None:
        return ""
    if event.time is not None:
        start = dt.datetime.combine(event.date, event.time)
        end_time = event.end or (start + dt.timedelta(hours=2)).time()
        end = dt.datetime.combine(event.date, end_time)
        if end <= start:
            end = start + dt.timedelta(hours=2)
        when = [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
    else:
        when = [
            f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.date + dt.timedelta(days=1):%Y%m%d}",
        ]
    place = ", ".join(p for p in (event.place, event.address, champion.city) if p)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//toolkit//{_escape(campaign)}//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{champion.id}@{host}",
        # A fixed stamp keeps rebuilds byte-identical.
        f"DTSTAMP:{event.date:%Y%m%d}T000000Z",
        *when,
        f"SUMMARY:{_escape(f'{campaign} with {champion.name}')}",
        *([f"LOCATION:{_escape(place)}"] if place else []),
        f"URL:{url}",
        f"DESCRIPTION:{_escape(f'{campaign}, hosted by {champion.name}. {url}')}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
