"""iCalendar files for "add to calendar": RFC 5545 lines, escaping, folding, all-day events."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.ics import event_calendar
from toolkit.roster import Champion, Event

URL = "https://shoplocal.example.org/champions/riverside/"
DATE = dt.date(2026, 11, 28)


def calendar(
    name: str = "Riverside Chamber", campaign: str = "Shop Local Saturday", **event
) -> str:
    champion = Champion(
        id="riverside", name=name, city="Riverside", event=Event(**{"date": DATE, **event})
    )
    return event_calendar(champion, campaign, URL, "shoplocal.example.org")


def unfolded(text: str) -> list[str]:
    """Undo RFC 5545 folding and split into content lines."""
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def field(text: str, name: str) -> str:
    [line] = [line for line in unfolded(text) if line.split(":")[0].split(";")[0] == name]
    return line


def test_timed_event_calendar():
    text = calendar(time=dt.time(9, 0), end=dt.time(15, 0), place="Courthouse Square")

    assert text == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//toolkit//Shop Local Saturday//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:riverside@shoplocal.example.org\r\n"
        "DTSTAMP:20261128T000000Z\r\n"
        "DTSTART:20261128T090000\r\n"
        "DTEND:20261128T150000\r\n"
        "SUMMARY:Shop Local Saturday with Riverside Chamber\r\n"
        "LOCATION:Courthouse Square\\, Riverside\r\n"
        f"URL:{URL}\r\n"
        "DESCRIPTION:Shop Local Saturday\\, hosted by Riverside Chamber. https://shop\r\n"
        " local.example.org/champions/riverside/\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_every_line_ends_in_crlf():
    text = calendar(time=dt.time(9), place="Square", address="1 Main St\nSuite 2")

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")


def test_all_day_event_has_dates_and_ends_the_next_day():
    text = calendar()

    assert "DTSTART;VALUE=DATE:20261128\r\n" in text
    assert "DTEND;VALUE=DATE:20261129\r\n" in text
    assert "T09" not in text


def test_all_day_event_on_new_years_eve_ends_next_year():
    champion = Champion(id="a", name="A", event=Event(date=dt.date(2026, 12, 31)))

    assert "DTEND;VALUE=DATE:20270101\r\n" in event_calendar(champion, "C", URL, "h")


@pytest.mark.parametrize(
    ("time", "end", "dtend"),
    [
        (dt.time(9), None, "DTEND:20261128T110000"),
        (dt.time(9), dt.time(17, 30), "DTEND:20261128T173000"),
        # An end before the start is a mistake: two hours is assumed.
        (dt.time(17), dt.time(9), "DTEND:20261128T190000"),
        (dt.time(23), None, "DTEND:20261129T010000"),
    ],
)
def test_end_time(time, end, dtend):
    assert field(calendar(time=time, end=end), "DTEND") == dtend


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("Smith, Jones & Co", "SUMMARY:Shop Local Saturday with Smith\\, Jones & Co"),
        ("Main St; Downtown", "SUMMARY:Shop Local Saturday with Main St\\; Downtown"),
        ("Back\\slash", "SUMMARY:Shop Local Saturday with Back\\\\slash"),
        ("Two\nLines", "SUMMARY:Shop Local Saturday with Two\\nLines"),
        ("A:B", "SUMMARY:Shop Local Saturday with A:B"),
    ],
)
def test_text_values_are_escaped(name, summary):
    assert field(calendar(name=name), "SUMMARY") == summary


def test_location_joins_place_address_and_city_escaped():
    text = calendar(place="Courthouse Square", address="1 Main St, Suite 2")

    assert (
        field(text, "LOCATION") == "LOCATION:Courthouse Square\\, 1 Main St\\, Suite 2\\, Riverside"
    )


def test_campaign_name_is_escaped_in_the_product_id():
    assert (
        field(calendar(campaign="Shop; Local"), "PRODID") == "PRODID:-//toolkit//Shop\\; Local//EN"
    )


@pytest.mark.parametrize("name", ["A" * 300, "Café " * 80, "北京商会" * 40, "🛍️ shop " * 40])
def test_long_lines_are_folded_at_75_octets_and_unfold_intact(name):
    text = calendar(name=name)

    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    # Folding never splits a character, so every physical line is valid UTF-8 text.
    assert field(text, "SUMMARY") == f"SUMMARY:Shop Local Saturday with {name}"


def test_folded_lines_start_with_one_space():
    lines = calendar(name="A" * 200).split("\r\n")
    summary = next(i for i, line in enumerate(lines) if line.startswith("SUMMARY:"))

    assert len(lines[summary].encode()) == 75
    assert lines[summary + 1].startswith(" A")
    assert len(lines[summary + 1].encode()) == 75


def test_no_calendar_without_an_event_date():
    assert event_calendar(Champion(id="a", name="A"), "C", URL, "h") == ""
    assert (
        event_calendar(Champion(id="a", name="A", event=Event(time=dt.time(9))), "C", URL, "h")
        == ""
    )


def test_calendar_is_the_same_on_every_build():
    assert calendar(time=dt.time(9)) == calendar(time=dt.time(9))


def test_a_line_of_exactly_75_octets_stays_whole_and_76_is_folded():
    prefix = len("SUMMARY:Shop Local Saturday with ")
    whole = calendar(name="B" * (75 - prefix)).split("\r\n")
    folded = calendar(name="B" * (76 - prefix)).split("\r\n")

    assert any(line.startswith("SUMMARY:") and len(line) == 75 for line in whole)
    summary = next(i for i, line in enumerate(folded) if line.startswith("SUMMARY:"))
    assert len(folded[summary]) == 75
    assert folded[summary + 1] == " B"
