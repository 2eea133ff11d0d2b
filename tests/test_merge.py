"""Merge fields: kept safe from Markdown, filled in per champion inside the sandbox."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

import pytest

from toolkit import markup, merge
from toolkit.errors import Location, Problems, ToolkitError
from toolkit.merge import MergeCampaign, MergeChampion, MergeEvent

ORIGIN = PurePosixPath("content/kit/release.md")


def champion(**changes) -> MergeChampion:
    values = {
        "id": "riverside",
        "name": "Riverside Chamber",
        "kind": "chamber",
        "kind_label": "Chamber of commerce",
        "city": "Riverside",
        "region": "Iowa",
        "country": None,
        "website": None,
        "email": None,
        "phone": None,
        "url": "https://shoplocal.example.org/champions/riverside/",
        "event": MergeEvent(
            date="Saturday, November 28, 2026",
            time="9:00 AM",
            end=None,
            place="Courthouse Square",
            address=None,
        ),
    }
    return MergeChampion(**{**values, **changes})


CAMPAIGN = MergeCampaign(
    name="Shop Local Saturday",
    tagline="One Saturday, every main street.",
    description="",
    date="Saturday, November 28, 2026",
    url="https://shoplocal.example.org/",
    email=None,
)


def render(body: str, **changes) -> str:
    """Run a page body through the real pipeline: protect, Markdown, restore, sandbox."""
    converted = markup.convert(body, ORIGIN, lambda path: None)
    fill = merge.compile_html(converted.html, ORIGIN)
    return str(fill({"champion": champion(**changes), "campaign": CAMPAIGN}))


@pytest.mark.parametrize(
    "text",
    [
        "Hello {{ champion.name }}!",
        "Plain text, no fields.",
        "{{ a }}{{ b }} {% if x %}y{% endif %} {## note ##}",
        "A field {{ champion.event.date_iso }} with _underscores_ and *stars*",
        "Two\nlines {{ x }}\nand {{\n  y }}",
    ],
)
def test_protect_then_restore_gives_back_the_text(text):
    protected = merge.protect(text)

    assert protected.restore(protected.text) == text


def test_protect_hides_every_field_from_markdown():
    protected = merge.protect("**{{ champion.name }}** {% if x %}_{{ a_b_c }}_{% endif %}")

    assert "{" not in protected.text
    assert "}" not in protected.text
    assert protected.fields == ("{{ champion.name }}", "{% if x %}", "{{ a_b_c }}", "{% endif %}")


def test_markdown_inside_a_field_is_not_converted():
    no_time = MergeEvent(date=None, time=None, end=None, place=None, address=None)

    html = render('Starts at {{ champion.event.time or "__to be announced__" }}.', event=no_time)

    assert html == "<p>Starts at __to be announced__.</p>"


def test_tag_lines_are_not_wrapped_in_paragraphs():
    converted = markup.convert(
        "Intro.\n{% if champion.city %}\nIn **{{ champion.city }}**.\n{% endif %}\nEnd.\n",
        ORIGIN,
        lambda path: None,
    )

    assert converted.html == (
        "<p>Intro.</p>\n"
        "{% if champion.city %}\n"
        "<p>In <strong>{{ champion.city }}</strong>.</p>\n"
        "{% endif %}\n"
        "<p>End.</p>"
    )


def test_a_paragraph_of_only_a_field_stays_a_paragraph():
    assert render("{{ champion.name }}\n") == "<p>Riverside Chamber</p>"


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        ("Riverside", "<p>Intro.</p>\n\n<p>In Riverside.</p>\n\n<p>End.</p>"),
        (None, "<p>Intro.</p>\n\n<p>End.</p>"),
    ],
)
def test_if_blocks_choose_what_each_champion_sees(city, expected):
    body = "Intro.\n\n{% if champion.city %}\nIn {{ champion.city }}.\n{% endif %}\n\nEnd.\n"

    assert render(body, city=city) == expected


def test_html_in_a_champion_value_is_escaped():
    html = render("Welcome, {{ champion.name }}.", name="<script>alert('pwned')</script> & Sons")

    assert html == (
        "<p>Welcome, &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; Sons.</p>"
    )


def test_a_field_in_a_link_is_filled_in():
    assert render("[Our page]({{ champion.url }})") == (
        '<p><a href="https://shoplocal.example.org/champions/riverside/">Our page</a></p>'
    )


def test_plain_text_fields_are_not_escaped():
    fill = merge.compile_text("Release for {{ champion.name }}", ORIGIN)

    assert fill({"champion": champion(name="Ben & Jerry's"), "campaign": CAMPAIGN}) == (
        "Release for Ben & Jerry's"
    )


def test_attribute_lists_are_left_to_markdown():
    html = render("## Our event {#event}\n\nSee [below](#event).\n")

    assert html.startswith('<h2 id="event">Our event')
    assert '<a href="#event">below</a>' in html


def test_content_comments_are_dropped():
    assert render("Visible{## only editors see this ##} text.") == "<p>Visible text.</p>"


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ champion.__class__ }}",
        "{{ champion.name.__class__.__mro__[1].__subclasses__() }}",
        "{{ champion.__init__.__globals__ }}",
    ],
)
def test_sandbox_refuses_reaching_into_python(body):
    with pytest.raises(ToolkitError) as raised:
        render(body)

    [problem] = raised.value.problems
    assert problem.location == Location(ORIGIN)
    assert problem.message.startswith("merge field refused by the sandbox: access to attribute ")
    assert problem.message.endswith(" is unsafe.")


def test_sandbox_error_is_one_line_naming_the_file():
    with pytest.raises(ToolkitError) as raised:
        render("{{ ''.__class__.__mro__ }}")

    assert str(raised.value) == (
        "content/kit/release.md: error: merge field refused by the sandbox: access to attribute "
        "'__class__' of 'str' object is unsafe."
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 1 / 0 }}", "content/kit/release.md: error: merge field failed: division by zero"),
        ("{{ range(3) }}", "content/kit/release.md: error: merge field: 'range' is undefined"),
        (
            "{{ champion.nmae }}",
            "content/kit/release.md: error: merge field: "
            "'toolkit.merge.MergeChampion object' has no attribute 'nmae'",
        ),
    ],
)
def test_failures_while_filling_in_are_located_errors(body, message):
    with pytest.raises(ToolkitError) as raised:
        render(body)

    assert str(raised.value) == message


def test_text_without_fields_is_returned_as_is():
    fill = merge.compile_html("<p>No fields &amp; no work.</p>", ORIGIN)

    assert fill({}) == "<p>No fields &amp; no work.</p>"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("Plain text.", []),
        ("{{ champion.name }} {{ campaign.date }} {{ champion.event.place }}", []),
        ("{% set town = champion.city %}{{ town }}", []),
        (
            "{{ champion.nmae }}",
            [
                "content/kit/release.md:5: error: unknown merge field `champion.nmae` "
                "(did you mean `name`?)"
            ],
        ),
        (
            "ok\n\n{{ campain.name }}",
            [
                "content/kit/release.md:7: error: unknown merge field `campain`: use `champion.…` "
                "or `campaign.…` (did you mean `campaign`?)"
            ],
        ),
        (
            "{{ champion.event.tiem }}",
            [
                "content/kit/release.md:5: error: unknown merge field `champion.event.tiem` "
                "(did you mean `time`?)"
            ],
        ),
        (
            "ok\n{{ champion.name }",
            ["content/kit/release.md:6: error: merge field: unexpected '}'"],
        ),
    ],
)
def test_validate_reports_at_file_lines(text, messages):
    problems = Problems()

    merge.validate(text, Location(ORIGIN, 5), problems)

    assert [str(p) for p in problems.items] == messages


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2026, 11, 28), "Saturday, November 28, 2026"),
        (dt.date(2026, 1, 1), "Thursday, January 1, 2026"),
    ],
)
def test_format_date(date, text):
    assert merge.format_date(date) == text


@pytest.mark.parametrize(
    ("time", "text"),
    [
        (dt.time(0, 0), "12:00 AM"),
        (dt.time(9, 5), "9:05 AM"),
        (dt.time(12, 0), "12:00 PM"),
        (dt.time(12, 30), "12:30 PM"),
        (dt.time(23, 59), "11:59 PM"),
    ],
)
def test_format_time(time, text):
    assert merge.format_time(time) == text
