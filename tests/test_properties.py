"""Arbitrary text never produces a traceback: only a result or a located error."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import Problems, ToolkitError
from toolkit.frontmatter import split
from toolkit.roster import load_roster_file
from toolkit.slugs import is_slug, slugify

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
YAMLISH = st.lists(
    st.sampled_from(
        [
            "- ",
            "name: ",
            "id: ",
            "  ",
            "\n",
            ":",
            "'",
            '"',
            "[",
            "]",
            "{",
            "}",
            "&a ",
            "*a",
            "!!python/object:os.system ",
            "<<: ",
            "2026-11-28",
            "09:00",
            "#",
            "---\n",
            "..",
            "/",
            "é",
            "\t",
            "event:",
            "businesses:",
            "aliases: [",
            "colors: {primary: ",
        ]
    )
    | TEXT,
    max_size=40,
).map("".join)


@given(TEXT)
def test_slugify_always_gives_a_valid_slug_or_nothing(text):
    slug = slugify(text)
    assert slug == "" or is_slug(slug)
    assert slugify(slug) == slug  # stable: a slug is its own slug


@given(TEXT)
def test_is_slug_never_accepts_path_tricks(text):
    if is_slug(text):
        assert "/" not in text and "\\" not in text and ".." not in text and text.strip() == text


@given(st.one_of(TEXT, YAMLISH.map(lambda y: f"---\n{y}\n---\nbody\n")))
def test_front_matter_splitter_gives_a_result_or_a_located_error(text):
    path = PurePosixPath("content/page.md")
    try:
        result = split(text, path)
    except ToolkitError as error:
        assert error.problems and all(p.location.path == path for p in error.problems)
        return
    assert result.body_line >= 1
    assert isinstance(result.meta.data, dict)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(YAMLISH)
def test_roster_loader_gives_champions_or_located_problems(tmp_path: Path, text):
    file = tmp_path / "content/champions/r.yaml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    problems = Problems()
    try:
        champions = load_roster_file(tmp_path, file, ("en",), problems)
    except ToolkitError as error:
        problems.absorb(error)
        champions = []
    for problem in problems.items:
        assert str(problem.location.path) == "content/champions/r.yaml"
    for champion in champions:
        assert is_slug(champion.id)
        assert all(is_slug(alias) for alias in champion.aliases)


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "# ",
            "## ",
            "\n",
            "\n\n",
            "    ",
            "- ",
            "1. ",
            "> ",
            "*",
            "**",
            "_",
            "~~",
            "`",
            "```py\n",
            "[",
            "]",
            "(",
            ")",
            "![",
            "[^1]",
            "[^1]: ",
            ": ",
            "| a | b |\n",
            "|---|--:|\n",
            "<div>",
            "</div>",
            "<b>",
            "&amp;",
            "{#id .c}",
            "{x y}",
            "(c)",
            '"',
            "'",
            "--",
            "...",
            "about.md",
            "javascript:x",
            "{{ champion.name }}",
            "é",
            "\t",
            "  \n",
            "***\n",
            "Term\n",
        ]
    )
    | TEXT,
    max_size=40,
).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_markdown_gives_balanced_html_or_located_problems(text):
    """Whatever a writer types, conversion gives HTML whose elements close in order, and its
    only complaints are located problems."""
    from html.parser import HTMLParser

    from toolkit.markup import champion_text, convert

    converted = convert(text, PurePosixPath("content/a.md"), lambda path: "x/")
    assert all(p.location.path == PurePosixPath("content/a.md") for p in converted.problems)
    if "<" in text or "&" in text:
        return  # raw HTML is the writer's own: it passes through as written
    opened: list[str] = []

    class Balance(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ("br", "hr", "img"):
                opened.append(tag)

        def handle_endtag(self, tag):
            assert opened and opened.pop() == tag, (tag, converted.html)

    Balance().feed(converted.html)
    assert opened == [], converted.html
    champion_text(text)
