"""Content pages: where each file is published, its title, its front matter, its merge fields."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from tests.conftest import write_files
from toolkit import pages as pages_module
from toolkit.errors import Problems, ToolkitError
from toolkit.pages import load_pages


def pages(tmp_path: Path, files: dict[str, str]):
    write_files(tmp_path, files)
    return load_pages(tmp_path)


def page(tmp_path: Path, text: str, path: str = "content/a.md"):
    [found] = pages(tmp_path, {path: text})
    return found


def errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        pages(tmp_path, files)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize(
    ("path", "section", "name", "url"),
    [
        ("content/index.md", "site", "", ""),
        ("content/about.md", "site", "about", "about/"),
        ("content/how/take-part.md", "site", "how/take-part", "how/take-part/"),
        ("content/how/index.md", "site", "how", "how/"),
        ("content/guides/deep/faq.md", "site", "guides/deep/faq", "guides/deep/faq/"),
        ("content/Über Uns.md", "site", "uber-uns", "uber-uns/"),
        ("content/kit/press-release.md", "kit", "press-release", "kit/press-release/"),
        ("content/kit/x.md", "kit", "x", "kit/x/"),
        ("content/print/poster.md", "print", "poster", "print/poster/"),
        # Only a folder called kit/ or print/ makes a section; a page of that name does not.
        ("content/kit.md", "site", "kit", "kit/"),
    ],
)
def test_file_maps_to_section_name_and_url(tmp_path, path, section, name, url):
    found = page(tmp_path, "Text.\n", path)

    assert (found.section, found.name, found.url) == (section, name, url)
    assert str(found.source) == f"{path}:1:1"


def test_the_campaign_fixture_loads_with_every_page(project):
    found = load_pages(project("campaign"), ("en", "es"))

    assert [(p.section, p.name, p.draft) for p in found if p.lang == "es"] == [
        ("kit", "press-release", False),
        ("site", "about", False),
    ]
    assert [(p.section, p.name, p.draft) for p in found if p.lang == "en"] == [
        ("kit", "press-release", False),
        ("kit", "social-posts", False),
        ("kit", "proclamation", False),
        ("print", "poster", False),
        ("print", "window-sign", False),
        ("site", "secret", True),
        ("site", "", False),
        ("site", "about", False),
        ("site", "guides/faq", False),
    ]


def test_drafts_are_loaded_and_marked(tmp_path):
    found = page(tmp_path, "---\ndraft: true\n---\nUnfinished.\n")

    assert found.draft is True


def test_hidden_and_underscored_files_are_not_pages(tmp_path):
    found = pages(
        tmp_path,
        {
            "content/a.md": "x",
            "content/_partial.md": "x",
            "content/.hidden.md": "x",
            "content/_drafts/b.md": "x",
            "content/notes.txt": "x",
        },
    )

    assert [p.path.as_posix() for p in found] == ["content/a.md"]


@pytest.mark.parametrize(
    ("text", "path", "title"),
    [
        ("---\ntitle: About us\n---\n# Heading\n", "content/about.md", "About us"),
        ("Intro.\n\n# The heading\n\n# Another\n", "content/about.md", "The heading"),
        ("# Closed heading #\n", "content/about.md", "Closed heading"),
        ("## Only a subheading\n", "content/about.md", "About"),
        ("Text.\n", "content/take-part.md", "Take part"),
        ("Text.\n", "content/how/get-involved.md", "Get involved"),
        ("Text.\n", "content/index.md", "Home"),
        ("# {{ champion.name }} day\n", "content/kit/day.md", "{{ champion.name }} day"),
    ],
)
def test_title_falls_back_to_the_first_heading_then_the_file_name(tmp_path, text, path, title):
    assert page(tmp_path, text, path).title == title


def test_a_hash_line_in_a_code_block_is_not_the_title(tmp_path):
    found = page(tmp_path, "```sh\n# install it\n```\n\n# Real heading\n", "content/setup.md")

    assert found.title == "Real heading"


def test_front_matter_fields_are_read(tmp_path):
    found = page(
        tmp_path,
        "---\n"
        "title: Release\n"
        "description: For the paper.\n"
        "layout: wide\n"
        "order: 10\n"
        "nav: false\n"
        "nav_title: News\n"
        "kinds: [chamber, mayor]\n"
        "image: images/share.png\n"
        "extra: {colour: blue}\n"
        "---\n"
        "Body.\n",
        "content/kit/release.md",
    )

    assert (found.title, found.description, found.layout, found.order) == (
        "Release",
        "For the paper.",
        "wide",
        10,
    )
    assert (found.nav, found.nav_title, found.kinds) == (False, "News", ("chamber", "mayor"))
    assert (found.image, dict(found.extra)) == ("images/share.png", {"colour": "blue"})
    assert (found.body, found.body_line) == ("Body.\n", 12)


def test_print_piece_reads_kinds_and_paper_sizes(tmp_path):
    found = page(
        tmp_path, "---\nkinds: [mayor]\nsizes: [A4, tabloid]\n---\n", "content/print/poster.md"
    )

    assert (found.kinds, found.sizes) == (("mayor",), ("a4", "tabloid"))


@pytest.mark.parametrize(
    ("kinds", "kind", "applies"),
    [((), "mayor", True), (("mayor",), "mayor", True), (("mayor",), "chamber", False)],
)
def test_kit_piece_is_for_the_kinds_it_names(tmp_path, kinds, kind, applies):
    line = f"kinds: [{', '.join(kinds)}]\n" if kinds else ""
    found = page(tmp_path, f"---\ntitle: X\n{line}---\n", "content/kit/x.md")

    assert found.is_for(kind) is applies


def test_pages_are_ordered_by_section_order_then_title(tmp_path):
    found = pages(
        tmp_path,
        {
            "content/b.md": "---\ntitle: Beta\norder: 1\n---\n",
            "content/a.md": "---\ntitle: alpha\norder: 1\n---\n",
            "content/z.md": "---\ntitle: Zed\n---\n",
            "content/kit/k.md": "---\ntitle: Kit\norder: 5\n---\n",
        },
    )

    assert [p.title for p in found] == ["Kit", "Zed", "alpha", "Beta"]


def test_unknown_front_matter_key_is_an_error_with_a_suggestion(tmp_path):
    assert errors(tmp_path, {"content/a.md": "---\ntitel: Hello\n---\nBody\n"}) == [
        "content/a.md:2:1: error: unknown key `titel` in front matter (did you mean `title`?)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("order: first", "content/a.md:2:8: error: `order` must be a whole number, not 'first'"),
        ("draft: maybe", "content/a.md:2:8: error: `draft` must be true or false, not 'maybe'"),
        ("nav: 1", "content/a.md:2:6: error: `nav` must be true or false, not 1"),
        ("title: [a]", "content/a.md:2:8: error: `title` must be text, not a list"),
        (
            "layout: Page.html",
            "content/a.md:2:9: error: `layout` must be a template name such as `page`, "
            "not 'Page.html'",
        ),
        ("extra: 5", "content/a.md:2:8: error: `extra` must be a mapping of `key: value`"),
    ],
)
def test_front_matter_types_are_checked(tmp_path, line, message):
    assert errors(tmp_path, {"content/a.md": f"---\n{line}\n---\nBody\n"}) == [message]


def test_kinds_only_in_kit_and_print(tmp_path):
    assert errors(tmp_path, {"content/a.md": "---\ntitle: A\nkinds: [mayor]\n---\n"}) == [
        "content/a.md:3:8: error: `kinds` is only for toolkit and print pieces "
        "(content/kit/, content/print/)"
    ]


def test_sizes_only_in_print(tmp_path):
    assert errors(tmp_path, {"content/kit/a.md": "---\ntitle: A\nsizes: [a4]\n---\n"}) == [
        "content/kit/a.md:3:8: error: `sizes` is only for print pieces under content/print/"
    ]


def test_unknown_paper_size_in_a_print_piece(tmp_path):
    assert errors(tmp_path, {"content/print/poster.md": "---\nsizes: [a4, legal]\n---\n"}) == [
        "content/print/poster.md:2:8: error: unknown paper size 'legal': use letter, tabloid, "
        "a4, a3"
    ]


def test_unknown_kind_in_kinds(tmp_path):
    assert errors(tmp_path, {"content/kit/a.md": "---\nkinds: [chamber, mayorr]\n---\n"}) == [
        "content/kit/a.md:2:8: error: unknown kind 'mayorr': use chamber, mayor, bid, "
        "nonprofit, business, other"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: Release\n---\nIntro.\n\n{{ champion.nmae }} says hello.\n", 6),
        ("No front matter.\n{{ champion.nmae }}\n", 2),
        ("---\r\ntitle: Release\r\n---\r\n\r\n{{ champion.nmae }}\r\n", 5),
        ("\ufeff---\ntitle: Release\n---\n{{ champion.nmae }}\n", 4),
        (
            "---\ntitle: Release\n---\n{% if champion.city %}\nIn {{ champion.city }}\n"
            "{{ champion.nmae }}\n{% endif %}\n",
            6,
        ),
    ],
)
def test_misspelt_merge_field_is_reported_at_its_line(tmp_path, text, line):
    assert errors(tmp_path, {"content/kit/release.md": text}) == [
        f"content/kit/release.md:{line}: error: unknown merge field `champion.nmae` "
        "(did you mean `name`?)"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{{ campain.name }}",
            "unknown merge field `campain`: use `champion.…` or `campaign.…` "
            "(did you mean `campaign`?)",
        ),
        ("{{ campaign.dat }}", "unknown merge field `campaign.dat` (did you mean `date`?)"),
        (
            "{{ champion.event.tiem }}",
            "unknown merge field `champion.event.tiem` (did you mean `time`?)",
        ),
        ("{{ champion.businesses }}", "unknown merge field `champion.businesses`"),
    ],
)
def test_unknown_merge_fields(tmp_path, body, message):
    assert errors(tmp_path, {"content/kit/a.md": f"---\ntitle: A\n---\n{body}\n"}) == [
        f"content/kit/a.md:4: error: {message}"
    ]


@pytest.mark.parametrize(
    "body",
    [
        "{{ champion.name }} in {{ champion.city }} on {{ campaign.date }}",
        "{{ champion.event.place }} {{ champion.url }} {{ campaign.date_iso }}",
        "{% if champion.generic %}[Your name]{% else %}{{ champion.name | upper }}{% endif %}",
        "{% set town = champion.city %}{{ town }}",
        "{% for word in ['a', 'b'] %}{{ word }}{% endfor %}",
        "{## a note for editors ##}",
    ],
)
def test_valid_merge_fields_pass(tmp_path, body):
    assert page(tmp_path, f"{body}\n", "content/kit/a.md").body == f"{body}\n"


def test_merge_fields_in_title_and_description_are_checked(tmp_path):
    assert errors(
        tmp_path,
        {
            "content/kit/a.md": "---\n"
            "title: '{{ champion.naem }}'\n"
            "description: 'For {{ campain.name }}'\n"
            "---\n"
        },
    ) == [
        "content/kit/a.md:2: error: unknown merge field `champion.naem` (did you mean `name`?)",
        "content/kit/a.md:3: error: unknown merge field `campain`: use `champion.…` or "
        "`campaign.…` (did you mean `campaign`?)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: A\n---\nFine.\n{{ champion.name }\n",
            "content/a.md:5: error: merge field: unexpected '}'",
        ),
        (
            "---\ntitle: A\n---\n\n{% if champion.city %}\nIn town.\n",
            "content/a.md:5: error: merge field: Unexpected end of template. Jinja was looking "
            "for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs "
            "to be closed is 'if'.",
        ),
        (
            "Line one.\n\n{{ champion.city\n",
            "content/a.md:3: error: merge field: unexpected end of template, expected "
            "'end of print statement'.",
        ),
    ],
)
def test_template_syntax_error_in_a_body_is_located(tmp_path, text, expected):
    assert errors(tmp_path, {"content/a.md": text}) == [expected]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    assert errors(
        tmp_path,
        {
            "content/a.md": "---\ntitle: [x\n---\n",
            "content/b.md": "---\ntitel: y\ndraft: maybe\n---\n{{ champion.nmae }}\n",
            "content/kit/c.md": "no front matter\n{% if %}\n",
        },
    ) == [
        "content/a.md:3:1: error: invalid YAML: did not find expected ',' or ']', while parsing "
        "a flow sequence that starts at line 2, column 8",
        "content/b.md:2:1: error: unknown key `titel` in front matter (did you mean `title`?)",
        "content/b.md:3:8: error: `draft` must be true or false, not 'maybe'",
        "content/b.md:5: error: unknown merge field `champion.nmae` (did you mean `name`?)",
        "content/kit/c.md:2: error: merge field: Expected an expression, got 'end of statement "
        "block'",
    ]


def test_no_content_folder_means_no_pages(tmp_path):
    assert load_pages(tmp_path) == ()


def test_pages_with_an_order_are_in_the_navigation_by_default(tmp_path):
    ordered = page(tmp_path / "a", "---\norder: 3\n---\nHi\n")
    plain = page(tmp_path / "b", "---\ntitle: B\n---\nHi\n")
    chosen = page(tmp_path / "c", "---\nnav: true\n---\nHi\n")
    assert (ordered.nav, plain.nav, chosen.nav) == (True, False, True)


def test_a_page_may_carry_its_date(tmp_path):
    import datetime as dt

    dated = page(tmp_path, "---\ndate: 2026-01-05\n---\nHi\n", "content/news.md")
    assert dated.date == dt.date(2026, 1, 5)


def test_pages_read_by_several_processes_equal_pages_read_by_one(tmp_path, monkeypatch):
    files = {
        f"content/p{i}.md": f"---\ntitle: P{i}\nextra: {{n: {i}}}\n---\nBody {i}.\n"
        for i in range(9)
    }
    files["content/hello.fr.md"] = "Bonjour.\n"
    files["content/bad.md"] = "---\ntitle: [unclosed\n---\n"
    write_files(tmp_path, files)
    serial = Problems()
    one = load_pages(tmp_path, ("en",), serial)
    monkeypatch.setattr(pages_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pages_module.os, "cpu_count", lambda: 2)
    parallel = Problems()
    several = load_pages(tmp_path, ("en",), parallel)

    assert several == one
    assert [p.body for p in several] == [p.body for p in one]
    assert [str(p) for p in parallel.items] == [str(p) for p in serial.items]
    assert len(serial.items) == 2  # the warning and the broken front matter


def test_a_page_that_grows_while_it_is_read_is_read_whole(tmp_path, monkeypatch):
    # The size is asked first and read in one call; a file longer by then is read to its end.
    text = "---\ntitle: Long\n---\n" + "Words. " * 20_000
    write_files(tmp_path, {"content/long.md": text})
    real_fstat = pages_module.os.fstat

    class Smaller:
        def __init__(self, info):
            self.st_size = info.st_size // 3

    monkeypatch.setattr(pages_module.os, "fstat", lambda fd: Smaller(real_fstat(fd)))
    [page] = load_pages(tmp_path)

    assert page.body == text.split("---\n", 2)[2]


def test_a_page_that_cannot_be_read_is_an_error_at_its_file(tmp_path):
    (tmp_path / "content/folder.md").mkdir(parents=True)
    write_files(tmp_path, {"content/about.md": "# About\n"})
    # A folder named like a page is no page; a page whose file cannot be read is an error.
    with pytest.raises(ToolkitError, match="cannot read"):
        pages_module._read(tmp_path / "content/folder.md", PurePosixPath("content/folder.md"))


def test_page_files_are_in_the_order_of_their_paths_parts(tmp_path):
    from toolkit.pages import page_files
    from toolkit.scan import scan

    names = ["a-b.md", "a/b.md", "a.md", "a/a/z.md", "a0.md", "a/b-c.md", "A.md", "é.md"]
    for name in names:
        (tmp_path / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / name).write_text("# Hi\n", "utf-8")
    found = [path for path, _ in page_files(scan(tmp_path))]
    assert found == sorted(found, key=lambda path: path.split("/"))
    assert sorted(found) == sorted(f"content/{name}" for name in names)
