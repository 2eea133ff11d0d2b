"""`toolkit.yaml`: defaults, every key type-checked, every problem at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import write_files
from toolkit.errors import ToolkitError
from toolkit.settings import PrintSettings, load_settings

MINIMAL = "name: Shop Local Saturday\nbase_url: https://shoplocal.example.org/\n"


def settings_of(tmp_path: Path, text: str):
    write_files(tmp_path, {"toolkit.yaml": text})
    return load_settings(tmp_path)


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ToolkitError) as raised:
        settings_of(tmp_path, text)
    return [str(p) for p in raised.value.problems]


def test_defaults_fill_in_everything_optional(tmp_path):
    settings = settings_of(tmp_path, MINIMAL)

    assert settings.name == "Shop Local Saturday"
    assert settings.base_url == "https://shoplocal.example.org/"
    assert (settings.tagline, settings.description, settings.date) == ("", "", None)
    assert settings.languages == ("en",)
    assert settings.language == "en"
    assert (settings.theme, settings.output) == ("default", "output")
    assert (settings.image, settings.email) == (None, None)
    assert settings.print == PrintSettings(sizes=("letter", "a4"), bleed_mm=0.0, crop_marks=False)
    assert settings.generic == {}


def test_the_documented_example_loads(tmp_path):
    settings = settings_of(
        tmp_path,
        "name: Shop Local Saturday\n"
        "tagline: One Saturday, every main street.\n"
        "date: 2026-11-28\n"
        "base_url: https://shoplocal.example.org/\n"
        "languages: [en, es]\n"
        "theme: default\n"
        "print:\n"
        "  sizes: [letter, a4]\n"
        "  bleed: 3mm\n"
        "  crop_marks: true\n",
    )

    assert settings.tagline == "One Saturday, every main street."
    assert settings.date == dt.date(2026, 11, 28)
    assert settings.languages == ("en", "es")
    assert settings.print == PrintSettings(sizes=("letter", "a4"), bleed_mm=3.0, crop_marks=True)


@pytest.mark.parametrize(
    ("base_url", "expected", "base_path"),
    [
        ("https://shoplocal.example.org/", "https://shoplocal.example.org/", "/"),
        ("https://shoplocal.example.org", "https://shoplocal.example.org/", "/"),
        ("https://chamber.org/shop-local", "https://chamber.org/shop-local/", "/shop-local/"),
        ("http://localhost:8000/a/b/", "http://localhost:8000/a/b/", "/a/b/"),
    ],
)
def test_base_url_always_ends_in_a_slash(tmp_path, base_url, expected, base_path):
    settings = settings_of(tmp_path, f"name: X\nbase_url: {base_url}\n")

    assert settings.base_url == expected
    assert settings.base_path == base_path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("name: [a, b]", "`name` must be text, not a list"),
        ("tagline: {a: 1}", "`tagline` must be text, not a mapping"),
        ("description: true", "`description` must be text, not `true`"),
        ("date: next saturday", "`date` must be a date written YYYY-MM-DD, not 'next saturday'"),
        ("base_url: 42", "`base_url` must be a full http or https address, not '42'"),
        ("languages: {en: 1}", "`languages` must be a list of words, such as [a, b]"),
        ("theme: [a]", "`theme` must be text, not a list"),
        ("theme: ../elsewhere", "`theme` must be a folder name under themes/, not '../elsewhere'"),
        ("output: [a]", "`output` must be text, not a list"),
        ("image: [a.png]", "`image` must be text, not a list"),
        ("email: team@", "`email` is not an e-mail address: 'team@'"),
        ("print: letter", "`print` must be a mapping of `key: value`, not 'letter'"),
        ("generic: Your org", "`generic` must be a mapping of `key: value`, not 'Your org'"),
    ],
)
def test_every_key_is_type_checked(tmp_path, line, message):
    key = line.split(":")[0]
    rest = {"name": "name: X", "base_url": "base_url: https://x.example.org/"}
    text = "\n".join([line, *(v for k, v in rest.items() if k != key)]) + "\n"
    column = len(key) + 3

    assert errors_of(tmp_path, text) == [f"toolkit.yaml:1:{column}: error: {message}"]


def test_unknown_key_is_an_error_with_a_suggestion(tmp_path):
    assert errors_of(tmp_path, "name: X\nbase_ur: https://x.example.org/\n") == [
        "toolkit.yaml:1:1: error: toolkit.yaml has no `base_url` (it is required)",
        "toolkit.yaml:2:1: error: unknown key `base_ur` in toolkit.yaml (did you mean `base_url`?)",
    ]


def test_unknown_nested_keys_are_errors_too(tmp_path):
    assert errors_of(
        tmp_path,
        MINIMAL + "print:\n  size: [a4]\ngeneric:\n  citty: '[Your town]'\n",
    ) == [
        "toolkit.yaml:4:3: error: unknown key `size` in `print` (did you mean `sizes`?)",
        "toolkit.yaml:6:3: error: unknown key `citty` in `generic` (did you mean `city`?)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "base_url: https://x.example.org/\n",
            "toolkit.yaml:1:1: error: toolkit.yaml has no `name` (it is required)",
        ),
        ("name: X\n", "toolkit.yaml:1:1: error: toolkit.yaml has no `base_url` (it is required)"),
        (
            "name: ''\nbase_url: https://x.example.org/\n",
            "toolkit.yaml:1:7: error: `name` must not be empty",
        ),
    ],
)
def test_name_and_base_url_are_required(tmp_path, text, message):
    assert errors_of(tmp_path, text) == [message]


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        (
            "ftp://x.example.org/",
            "`base_url` must be a full http or https address, not 'ftp://x.example.org/'",
        ),
        ("x.example.org", "`base_url` must be a full http or https address, not 'x.example.org'"),
        ("/shop-local/", "`base_url` must be a full http or https address, not '/shop-local/'"),
        ("https://x.example.org/?a=1", "`base_url` must not have a query or fragment"),
        ("https://x.example.org/#top", "`base_url` must not have a query or fragment"),
    ],
)
def test_bad_base_url(tmp_path, base_url, message):
    assert errors_of(tmp_path, f"name: X\nbase_url: '{base_url}'\n") == [
        f"toolkit.yaml:2:11: error: {message}"
    ]


@pytest.mark.parametrize(
    ("bleed", "mm"),
    [
        ("3mm", 3.0),
        ("3 mm", 3.0),
        ("0.125in", 3.175),
        ("0.3cm", 3.0),
        ("9pt", 3.175),
        ("0", 0.0),
        ("25mm", 25.0),
    ],
)
def test_bleed_is_read_in_millimetres(tmp_path, bleed, mm):
    settings = settings_of(tmp_path, MINIMAL + f"print:\n  bleed: {bleed}\n")

    assert settings.print.bleed_mm == mm


@pytest.mark.parametrize(
    ("bleed", "message"),
    [
        ("3", "`bleed` must be a length such as 3mm or 0.125in, not 3"),
        ("0.125", "`bleed` must be a length such as 3mm or 0.125in, not 0.125"),
        ("lots", "`bleed` must be a length such as 3mm or 0.125in, not 'lots'"),
        ("-3mm", "`bleed` must be a length such as 3mm or 0.125in, not '-3mm'"),
        ("3px", "`bleed` must be a length such as 3mm or 0.125in, not '3px'"),
        ("true", "`bleed` must be a length such as 3mm or 0.125in, not True"),
        ("30mm", "`bleed` of 30mm is more than any print shop asks for (max 25mm)"),
        ("2in", "`bleed` of 2in is more than any print shop asks for (max 25mm)"),
    ],
)
def test_bad_bleed(tmp_path, bleed, message):
    assert errors_of(tmp_path, MINIMAL + f"print:\n  bleed: {bleed}\n") == [
        f"toolkit.yaml:4:10: error: {message}"
    ]


def test_paper_sizes_are_case_insensitive(tmp_path):
    settings = settings_of(tmp_path, MINIMAL + "print:\n  sizes: [Letter, TABLOID, a4, A3]\n")

    assert settings.print.sizes == ("letter", "tabloid", "a4", "a3")


def test_bad_paper_size_names_the_choices(tmp_path):
    assert errors_of(tmp_path, MINIMAL + "print:\n  sizes: [letter, legal]\n") == [
        "toolkit.yaml:4:10: error: unknown paper size 'legal': use letter, tabloid, a4, a3"
    ]


def test_crop_marks_must_be_a_boolean(tmp_path):
    assert errors_of(tmp_path, MINIMAL + "print:\n  crop_marks: please\n") == [
        "toolkit.yaml:4:15: error: `crop_marks` must be true or false, not 'please'"
    ]


@pytest.mark.parametrize("output", ["public", "build/site", "./site", "output/"])
def test_output_inside_the_project_is_accepted(tmp_path, output):
    assert settings_of(tmp_path, MINIMAL + f"output: '{output}'\n").output == output


@pytest.mark.parametrize(
    "output",
    ["../site", "/tmp/site", ".", "./", "build/../..", "..\\site", "C:/site", "C:\\site"],
)
def test_output_escaping_the_project_is_refused(tmp_path, output):
    assert errors_of(tmp_path, MINIMAL + f"output: '{output}'\n") == [
        f"toolkit.yaml:3:9: error: `output` must be a folder inside the project, not {output!r}"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("languages: [en, es]", ("en", "es")),
        ("languages: es", ("es",)),
        ("languages: [pt-BR]", ("pt-BR",)),
    ],
)
def test_languages(tmp_path, line, expected):
    assert settings_of(tmp_path, MINIMAL + line + "\n").languages == expected


@pytest.mark.parametrize(
    ("line", "messages"),
    [
        (
            "languages: []",
            ["toolkit.yaml:3:12: error: `languages` must name at least one language, such as [en]"],
        ),
        ("languages: [en, English]", ["toolkit.yaml:3:17: error: not a language code: 'English'"]),
        (
            "languages: [en, es, en]",
            ["toolkit.yaml:3:12: error: `languages` lists a language twice"],
        ),
    ],
)
def test_bad_languages(tmp_path, line, messages):
    assert errors_of(tmp_path, MINIMAL + line + "\n") == messages


def test_generic_wording_is_kept_by_field(tmp_path):
    settings = settings_of(
        tmp_path, MINIMAL + "generic:\n  name: '[Your organization]'\n  event_date: the day\n"
    )

    assert settings.generic == {"name": "[Your organization]", "event_date": "the day"}


def test_translations_give_the_wording_in_other_languages(tmp_path):
    settings = settings_of(
        tmp_path,
        MINIMAL + "tagline: Every street.\ngeneric:\n  name: '[Org]'\n  city: '[City]'\n"
        "languages: [en, es]\n"
        "translations:\n  es:\n    tagline: Cada calle.\n    generic:\n      name: '[Org.]'\n",
    )

    spanish = settings.in_language("es")
    assert (spanish.name, spanish.tagline) == ("Shop Local Saturday", "Cada calle.")
    assert spanish.generic == {"name": "[Org.]", "city": "[City]"}
    assert settings.in_language("en") == settings


def test_translations_are_checked(tmp_path):
    assert errors_of(
        tmp_path,
        MINIMAL
        + "languages: [en, es]\n"
        + "translations:\n  fr:\n    tagline: Chaque rue.\n  es:\n    tagilne: x\n"
        + "  en:\n    tagline: y\n",
    ) == [
        "toolkit.yaml:5:3: error: `fr` is not one of the campaign's other languages (es)",
        "toolkit.yaml:8:5: error: unknown key `tagilne` in `es` (did you mean `tagline`?)",
        "toolkit.yaml:9:3: error: `en` is not one of the campaign's other languages (es)",
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    assert errors_of(
        tmp_path,
        "name: [a]\n"
        "base_url: ftp://x.example.org/\n"
        "date: someday\n"
        "colour: blue\n"
        "print:\n"
        "  sizes: [legal]\n"
        "  bleed: lots\n",
    ) == [
        "toolkit.yaml:1:7: error: `name` must be text, not a list",
        "toolkit.yaml:2:11: error: `base_url` must be a full http or https address, "
        "not 'ftp://x.example.org/'",
        "toolkit.yaml:3:7: error: `date` must be a date written YYYY-MM-DD, not 'someday'",
        "toolkit.yaml:4:1: error: unknown key `colour` in toolkit.yaml",
        "toolkit.yaml:6:10: error: unknown paper size 'legal': use letter, tabloid, a4, a3",
        "toolkit.yaml:7:10: error: `bleed` must be a length such as 3mm or 0.125in, not 'lots'",
    ]


def test_missing_settings_file_says_what_was_looked_for(tmp_path):
    with pytest.raises(ToolkitError) as raised:
        load_settings(tmp_path)

    assert [str(p) for p in raised.value.problems] == [
        f"toolkit.yaml: error: no toolkit.yaml in {tmp_path} (is this a toolkit project?)"
    ]


@pytest.mark.parametrize("text", ["", "- name: X\n", "just words\n"])
def test_settings_must_be_a_mapping(tmp_path, text):
    assert errors_of(tmp_path, text) == [
        "toolkit.yaml:1:1: error: toolkit.yaml must be a mapping of `key: value`"
    ]


def test_broken_yaml_is_located(tmp_path):
    assert errors_of(tmp_path, "name: X\nbase_url: 'https://x.example.org/\n") == [
        "toolkit.yaml:3:1: error: invalid YAML: found unexpected end of stream, while scanning "
        "a quoted scalar that starts at line 2, column 11"
    ]
