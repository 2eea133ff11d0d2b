"""The theme's Jinja environment: readable brand colours and located template mistakes."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from tests.conftest import write_files
from toolkit.errors import ToolkitError
from toolkit.templates import (
    contrast,
    contrast_text,
    get_template,
    luminance,
    make_environment,
    mix,
    render_template,
    search_key,
)
from toolkit.themes import Theme, load_theme

WHITE, INK = "#ffffff", "#000000"


@pytest.mark.parametrize(
    ("color", "value"),
    [
        ("#000000", 0.0),
        ("#ffffff", 1.0),
        ("#fff", 1.0),
        ("#FFFFFF", 1.0),
        ("#ff0000", 0.2126),
        ("#00ff00", 0.7152),
        ("#0000ff", 0.0722),
        ("#808080", 0.2159),
    ],
)
def test_luminance(color, value):
    assert luminance(color) == pytest.approx(value, abs=1e-4)


def test_contrast_of_black_on_white_is_21():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#000000", WHITE),
        ("#1f4e79", WHITE),  # Riverside blue
        ("#0000ff", WHITE),
        ("#777777", INK),
        ("#ffffff", INK),
        ("#f2a900", INK),  # Riverside gold
        ("#00ff00", INK),
        ("#ff0000", INK),
        ("#808080", INK),
        ("#ffeb3b", INK),
    ],
)
def test_contrast_text_picks_the_readable_one(background, text):
    chosen = contrast_text(background)
    other = INK if chosen == WHITE else WHITE

    assert chosen == text
    assert contrast(chosen, background) >= contrast(other, background)


@pytest.mark.parametrize(
    ("a", "b", "amount", "expected"),
    [
        ("#000000", "#ffffff", 0.5, "#808080"),
        ("#1f4e79", "#ffffff", 0, "#1f4e79"),
        ("#1f4e79", "#ffffff", 1, "#ffffff"),
        ("#fff", "#000", 0.25, "#bfbfbf"),
    ],
)
def test_mix(a, b, amount, expected):
    assert mix(a, b, amount) == expected


def theme_with(tmp_path: Path, templates: dict[str, str]) -> Theme:
    write_files(tmp_path, {f"themes/custom/templates/{k}": v for k, v in templates.items()})
    return Theme("custom", (tmp_path / "themes/custom",))


def render(tmp_path: Path, templates: dict[str, str], name: str, context: dict) -> str:
    env = make_environment(theme_with(tmp_path, templates))
    return render_template(get_template(env, name, tmp_path), context, tmp_path)


def problems(tmp_path: Path, templates: dict[str, str], name: str, context: dict) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        render(tmp_path, templates, name, context)
    return [str(p) for p in raised.value.problems]


def test_filters_are_available_in_templates(tmp_path):
    html = render(
        tmp_path,
        {"page.html": "{{ brand | contrast_text }} {{ brand | mix('#ffffff', 1) }}"},
        "page.html",
        {"brand": "#1f4e79"},
    )

    assert html == "#ffffff #ffffff"


def test_html_templates_escape_values(tmp_path):
    html = render(tmp_path, {"page.html": "<h1>{{ name }}</h1>"}, "page.html", {"name": "<b>&"})

    assert html == "<h1>&lt;b&gt;&amp;</h1>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<p>\n<p>\n{{ title }\n",
            "themes/custom/templates/page.html:3: error: template: unexpected '}'",
        ),
        (
            "a\nb\n{% if x %}\n",
            "themes/custom/templates/page.html:3: error: template: Unexpected end of template. "
            "Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The "
            "innermost block that needs to be closed is 'if'.",
        ),
        (
            "a\n{% endblock %}\n",
            "themes/custom/templates/page.html:2: error: template: Encountered unknown tag "
            "'endblock'.",
        ),
        (
            "{{ x | no_such_filter }}\n",
            "themes/custom/templates/page.html:1: error: template: No filter named "
            "'no_such_filter'.",
        ),
    ],
)
def test_syntax_error_in_a_theme_template_is_located(tmp_path, source, expected):
    assert problems(tmp_path, {"page.html": source}, "page.html", {}) == [expected]


def test_undefined_variable_is_located_at_its_line(tmp_path):
    assert problems(
        tmp_path,
        {"page.html": "<h1>{{ title }}</h1>\n\n<p>{{ subtitle }}</p>\n"},
        "page.html",
        {"title": "T"},
    ) == ["themes/custom/templates/page.html:3: error: template: 'subtitle' is undefined"]


def test_undefined_variable_in_a_child_block_names_the_child(tmp_path):
    assert problems(
        tmp_path,
        {
            "base.html": "<main>\n{% block main %}{% endblock %}\n</main>\n",
            "page.html": "{% extends 'base.html' %}\n{% block main %}\nhello\n"
            "{{ missing.attr }}\n{% endblock %}\n",
        },
        "page.html",
        {},
    ) == ["themes/custom/templates/page.html:4: error: template: 'missing' is undefined"]


def test_undefined_variable_in_an_included_template_names_the_included_file(tmp_path):
    assert problems(
        tmp_path,
        {
            "page.html": "one\n{% include 'banner.html' %}\n",
            "banner.html": "\n\n{{ profile.name }}\n",
        },
        "page.html",
        {},
    ) == ["themes/custom/templates/banner.html:3: error: template: 'profile' is undefined"]


def test_syntax_error_in_an_included_template_names_the_included_file(tmp_path):
    assert problems(
        tmp_path,
        {"page.html": "{% include 'banner.html' %}\n", "banner.html": "ok\n{% if %}\n"},
        "page.html",
        {},
    ) == [
        "themes/custom/templates/banner.html:2: error: template: Expected an expression, "
        "got 'end of statement block'"
    ]


def test_runtime_error_in_a_theme_template_is_located(tmp_path):
    # A mistake in a project's own template is bad input: a located message, not a traceback.
    assert problems(
        tmp_path, {"page.html": "ok\n{{ count // 0 }}\n"}, "page.html", {"count": 3}
    ) == [
        "themes/custom/templates/page.html:2: error: template: integer division or modulo by zero"
    ]


def test_missing_template_says_where_it_looked(tmp_path):
    env = make_environment(theme_with(tmp_path, {"page.html": "x"}))

    with pytest.raises(ToolkitError) as raised:
        get_template(env, "poster.html", tmp_path)

    assert [str(p) for p in raised.value.problems] == [
        "poster.html: error: template 'poster.html' not found in: themes/custom/templates"
    ]


def test_project_template_comes_before_the_builtin_one(tmp_path):
    write_files(tmp_path, {"themes/default/templates/page.html": "mine: {{ title }}"})
    env = make_environment(load_theme(tmp_path, "default"))

    assert render_template(get_template(env, "page.html", tmp_path), {"title": "T"}, tmp_path) == (
        "mine: T"
    )
    assert Path(get_template(env, "base.html", tmp_path).filename).parent != tmp_path / (
        "themes/default/templates"
    )


def test_text_on_any_brand_colour_stays_readable_in_greyscale():
    # Luminance contrast is what survives a greyscale printer: every colour gets an ink of 4.5:1.
    from toolkit.templates import contrast, contrast_text

    worst = min(
        contrast(contrast_text(f"#{r:02x}{g:02x}{b:02x}"), f"#{r:02x}{g:02x}{b:02x}")
        for r in range(0, 256, 15)
        for g in range(0, 256, 15)
        for b in range(0, 256, 15)
    )
    assert worst >= 4.5


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Riverside Chamber", "riverside chamber"),
        ("Panadería La Esperanza", "panaderia la esperanza"),
        ("ÉCOLE Dʒ ﬁne", "ecole dʒ fine"),
    ],
)
def test_search_key_folds_case_and_accents(text, key):
    assert search_key(text) == key


def test_a_template_compiled_by_an_earlier_build_is_not_compiled_again(tmp_path, monkeypatch):
    theme = theme_with(tmp_path, {"page.html": "<h1>{{ title }}</h1>\n\n<p>{{ subtitle }}</p>\n"})
    get_template(make_environment(theme), "page.html", tmp_path)

    def compile_again(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_again)
    template = get_template(make_environment(theme), "page.html", tmp_path)

    assert render_template(template, {"title": "T", "subtitle": "S"}, tmp_path) == (
        "<h1>T</h1>\n\n<p>S</p>"
    )
    # A mistake is still located at its line.
    with pytest.raises(ToolkitError) as raised:
        render_template(template, {"title": "T"}, tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "themes/custom/templates/page.html:3: error: template: 'subtitle' is undefined"
    ]


def test_a_template_changed_since_it_was_compiled_is_compiled_afresh(tmp_path):
    theme = theme_with(tmp_path, {"page.html": "old {{ title }}"})
    get_template(make_environment(theme), "page.html", tmp_path)
    (tmp_path / "themes/custom/templates/page.html").write_text("new {{ title }}")

    template = get_template(make_environment(theme), "page.html", tmp_path)

    assert render_template(template, {"title": "T"}, tmp_path) == "new T"


def test_templates_still_render_when_compiled_ones_cannot_be_kept(tmp_path, monkeypatch):
    env = make_environment(theme_with(tmp_path, {"page.html": "hi {{ title }}"}))
    assert env.bytecode_cache is not None
    monkeypatch.setattr(env.bytecode_cache, "directory", str(tmp_path / "no" / "such"))

    template = get_template(env, "page.html", tmp_path)

    assert render_template(template, {"title": "T"}, tmp_path) == "hi T"
