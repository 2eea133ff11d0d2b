"""`toolkit champions import` and `toolkit champions list`: spreadsheet rosters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
import yaml

from tests.conftest import FIXTURES, snapshot, write_files
from toolkit.roster import load_roster

SHEETS = FIXTURES / "spreadsheets"


@pytest.fixture
def minimal(project, monkeypatch):
    """The minimal campaign as the current folder, with the fixture sheets in it."""
    root = project("minimal")
    for sheet in SHEETS.iterdir():
        shutil.copy(sheet, root / sheet.name)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def campaign(project, monkeypatch):
    root = project("campaign")
    monkeypatch.chdir(root)
    return root


def roster(root, name):
    """Return a roster file as plain data."""
    return yaml.safe_load((root / "content/champions" / name).read_text(encoding="utf-8"))


def test_import_reads_a_bom_file_and_guesses_the_columns(minimal, run_toolkit):
    result = run_toolkit("champions", "import", "bom.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Imported 2 champions into content/champions/bom.yaml (0 kept their ids)\n"
    )
    assert result.stderr == (
        "bom.csv:3: warning: language 'es' is not in the campaign's languages; "
        "'en' is used instead (column G \"Language\")\n"
    )
    text = (minimal / "content/champions/bom.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported from bom.csv by `toolkit champions import`.")
    assert "Panadería La Esperanza" in text  # written as it is, not escaped
    assert roster(minimal, "bom.yaml") == [
        {
            "id": "riverside-chamber-of-commerce",
            "name": "Riverside Chamber of Commerce",
            "kind": "chamber",
            "city": "Riverside",
            "region": "Iowa",
            "website": "https://riverside.example.org/",
            "email": "info@riverside.example.org",
            "language": "en",
        },
        {
            "id": "panaderia-la-esperanza",
            "name": "Panadería La Esperanza",
            "kind": "business",
            "city": "Santa Fe",
            "region": "New Mexico",
            "language": "es",
        },
    ]
    ids = [c.id for c in load_roster(minimal, ("en",))]
    assert ids == ["solo-chamber", "riverside-chamber-of-commerce", "panaderia-la-esperanza"]


def test_import_reads_semicolons_and_line_breaks_in_quoted_cells(minimal, run_toolkit):
    result = run_toolkit(
        "champions", "import", "semicolons.csv", "--into", "content/champions/fr.yaml"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lyon, villeurbanne = roster(minimal, "fr.yaml")
    assert lyon["name"] == "Chambre de Commerce de Lyon"
    assert lyon["region"] == "Auvergne-Rhône-Alpes"
    assert lyon["phone"] == "+33 4 72 40 58 58"
    assert lyon["message"] == "Samedi, **achetez local**.\n\nVenez nombreux ; 1,5 km de boutiques !"
    assert "  message: |-\n    Samedi, **achetez local**.\n" in (
        minimal / "content/champions/fr.yaml"
    ).read_text(encoding="utf-8")
    assert villeurbanne == {
        "id": "mairie-de-villeurbanne",
        "name": "Mairie de Villeurbanne",
        "kind": "mayor",
        "city": "Villeurbanne",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR",
    }


def test_odd_columns_need_a_map_for_the_name(minimal, run_toolkit):
    result = run_toolkit("champions", "import", "odd-columns.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "odd-columns.csv:1: error: no column has the champions' names "
        '(Name, Organization or Champion); name it with --map "COLUMN=name"',
        'odd-columns.csv:1: warning: column A "Org Name" is not imported: it names no roster '
        'field; use --map "Org Name=FIELD" (did you mean `name`?)',
        'odd-columns.csv:1: warning: column I "Evnt date" is not imported: it names no roster '
        'field; use --map "Evnt date=FIELD" (did you mean `event.date`?)',
        'odd-columns.csv:1: warning: column J "Notes" is not imported: it names no roster '
        'field; use --map "Notes=FIELD"',
        "1 error; nothing was written.",
    ]
    assert not (minimal / "content/champions/odd-columns.yaml").exists()


def test_map_names_the_columns_that_are_not_guessed(minimal, run_toolkit):
    result = run_toolkit(
        "champions",
        "import",
        "odd-columns.csv",
        "--map",
        "org name=name",
        "--map",
        "Evnt date=event.date",
        "--map",
        "Notes=",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    bid, friends = roster(minimal, "odd-columns.yaml")
    assert bid == {
        "id": "downtown-riverside-bid",
        "name": "Downtown Riverside BID",
        "kind": "bid",
        "city": "Riverside",
        "region": "Iowa",
        "website": "https://bid.example.org/",
        "email": "hello@bid.example.org",
        "phone": "319-555-0199",
        "event": {"date": dt.date(2026, 11, 28), "place": "Main Street"},
    }
    assert friends["kind"] == "nonprofit"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Name", "'Name' is not COLUMN=FIELD"),
        ("Org Name=nmae", "'nmae' is not a roster field (did you mean `name`?)"),
    ],
)
def test_a_bad_map_is_a_usage_error(minimal, run_toolkit, value, message):
    result = run_toolkit("champions", "import", "odd-columns.csv", "--map", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--map': {message}" in result.stderr


def test_a_map_for_a_missing_column_is_an_error(minimal, run_toolkit):
    result = run_toolkit("champions", "import", "bom.csv", "--map", "Organisatoin=name")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "bom.csv:1: error: --map names a column the sheet does not have: 'Organisatoin' "
        "(did you mean `Organization`?)"
    )


def test_bad_rows_are_reported_by_row_and_nothing_is_written(minimal, run_toolkit):
    before = snapshot(minimal)
    result = run_toolkit("champions", "import", "bad-rows.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad-rows.csv:3: error: `email` is not an e-mail address: 'bob@' (column D \"Email\")",
        "bad-rows.csv:4: error: a champion has no `name` (it is required)",
        "bad-rows.csv:5: error: unknown kind 'bookshop': use one of chamber, mayor, bid, "
        'nonprofit, business, other (column B "Kind")',
        "3 errors; nothing was written.",
    ]
    assert snapshot(minimal) == before


def test_bad_rows_leave_the_previous_roster_as_it_was(minimal, run_toolkit):
    assert (
        run_toolkit(
            "champions", "import", "bom.csv", "--into", "content/champions/x.yaml"
        ).exit_code
        == 0
    )
    before = snapshot(minimal)
    result = run_toolkit(
        "champions", "import", "bad-rows.csv", "--into", "content/champions/x.yaml"
    )
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert snapshot(minimal) == before


def test_row_numbers_count_line_breaks_in_cells_as_one_row(minimal, run_toolkit):
    write_files(
        minimal,
        {
            "sheet.csv": 'Name,Message,Email\n\nA,"one\ntwo\nthree",\n"B",,b@\n',
        },
    )
    result = run_toolkit("champions", "import", "sheet.csv")
    assert result.exit_code == 1
    # Row 2 is blank; row 3 spans three lines of the file; the spreadsheet shows B on row 4.
    assert result.stderr.splitlines()[0] == (
        "sheet.csv:4: error: `email` is not an e-mail address: 'b@' (column C \"Email\")"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Name\nCaf\xe9 Central\n", "sheet.csv:2: error: the file is not UTF-8 text (byte 0xe9);"),
        ("Name\n".encode("utf-16"), "sheet.csv: error: the file is UTF-16 text;"),
        (b"", "sheet.csv: error: the sheet is empty"),
        (b'Name,City\nA,"Riverside\nB,Ames\n', "sheet.csv:2: error: a quoted cell is never closed"),
        (b"Name,City\n", "sheet.csv:1: error: the sheet has no champions below its header"),
    ],
)
def test_unreadable_sheets_are_errors(minimal, run_toolkit, data, message):
    (minimal / "sheet.csv").write_bytes(data)
    result = run_toolkit("champions", "import", "sheet.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert not (minimal / "content/champions/sheet.yaml").exists()


def test_a_missing_file_is_named(minimal, run_toolkit):
    result = run_toolkit("champions", "import", "nowhere.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("nowhere.csv: error: cannot read: No such file")


@pytest.mark.parametrize(
    "into",
    [
        "../elsewhere.yaml",
        "content/elsewhere.yaml",
        "content/champions/sub/x.yaml",
        "content/champions/x.csv",
        "/tmp/x.yaml",
    ],
)
def test_the_roster_must_go_in_content_champions(minimal, run_toolkit, into):
    before = snapshot(minimal)
    result = run_toolkit("champions", "import", "bom.csv", "--into", into)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{into}: error: the roster must be a .yaml file in content/champions/ of the project"
    )
    assert snapshot(minimal) == before


def test_us_dates_and_times_are_written_as_the_roster_takes_them(minimal, run_toolkit):
    result = run_toolkit("champions", "import", "us-dates.csv")
    assert result.exit_code == 0, result.stderr
    events = [c["event"] for c in roster(minimal, "us-dates.yaml")]
    assert events == [
        {
            "date": dt.date(2026, 11, 28),
            "time": "09:00",
            "end": "16:30",
            "place": "Courthouse Square",
            "address": "100 Main St",
        },
        {"date": dt.date(2026, 11, 28), "time": "14:30", "end": "17:00", "place": "City Hall"},
        {"date": dt.date(2027, 1, 5), "time": "12:00", "end": "09:00"},
    ]
    text = (minimal / "content/champions/us-dates.yaml").read_text(encoding="utf-8")
    assert '    date: 2026-11-28\n    time: "09:00"\n    end: "16:30"\n' in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("Chamber of Commerce", "chamber"),
        ("Mayor's office", "mayor"),
        ("City", "mayor"),
        ("BID", "bid"),
        ("Business improvement district", "bid"),
        ("Nonprofit", "nonprofit"),
        ("Non-profit", "nonprofit"),
        ("Business", "business"),
        ("Small business", "business"),
        ("", "other"),
    ],
)
def test_kinds_in_common_words(minimal, run_toolkit, kind, expected):
    write_files(minimal, {"kinds.csv": f"Name,Type\nA Champion,{kind}\n"})
    result = run_toolkit("champions", "import", "kinds.csv")
    assert result.exit_code == 0, result.stderr
    kinds = {c.name: c.kind for c in load_roster(minimal, ("en",))}
    assert kinds["A Champion"] == expected


def test_reimport_keeps_ids_aliases_and_fields_the_sheet_lacks(campaign, run_toolkit):
    write_files(
        campaign,
        {
            "east.csv": "Name,City,Kind\n"
            "RIVERSIDE CHAMBER of commerce,Riverside Falls,chamber\n"
            "Mayor of Northfield,Northfield,Mayor's office\n"
        },
    )
    result = run_toolkit("champions", "import", "east.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Imported 2 champions into content/champions/east.yaml (2 kept their ids)\n"
    )
    assert result.stderr == (
        "content/champions/east.yaml: warning: 1 champion of this file is not in the sheet "
        "and will be removed: long-name-chamber\n"
    )
    riverside, northfield = roster(campaign, "east.yaml")
    assert riverside["id"] == "riverside-chamber"
    assert riverside["name"] == "RIVERSIDE CHAMBER of commerce"
    assert riverside["city"] == "Riverside Falls"
    assert riverside["aliases"] == ["rcc"]
    assert riverside["event"]["time"] == "09:00"
    assert [b["name"] for b in riverside["businesses"]] == ["Hawkeye Hardware", "Bean There Coffee"]
    assert riverside["message"] == "This Saturday, **walk it with us**.\n"
    assert "region" in riverside  # no Region column: kept
    assert northfield == {
        "id": "mayor-of-northfield",
        "name": "Mayor of Northfield",
        "kind": "mayor",
        "city": "Northfield",
        "region": "Minnesota",
    }
    assert run_toolkit("check").exit_code == 0


def test_an_import_imported_again_keeps_its_ids(minimal, run_toolkit):
    assert run_toolkit("champions", "import", "bom.csv").exit_code == 0
    write_files(
        minimal,
        {
            "bom.csv": "Organization,City\n"
            "riverside chamber of commerce,Riverside Heights\n"
            "New Friends,Ames\n"
        },
    )
    result = run_toolkit("champions", "import", "bom.csv")
    assert result.exit_code == 0, result.stderr
    assert (
        "Imported 2 champions into content/champions/bom.yaml (1 kept their ids)" in result.stdout
    )
    assert [(c["id"], c["city"]) for c in roster(minimal, "bom.yaml")] == [
        ("riverside-chamber-of-commerce", "Riverside Heights"),
        ("new-friends", "Ames"),
    ]


def test_a_new_id_in_the_sheet_keeps_the_old_one_as_an_alias(campaign, run_toolkit):
    write_files(campaign, {"east.csv": "ID,Name\nriverside,Riverside Chamber of Commerce\n"})
    result = run_toolkit("champions", "import", "east.csv")
    assert result.exit_code == 0, result.stderr
    assert "(0 kept their ids)" in result.stdout
    (riverside,) = roster(campaign, "east.yaml")
    assert riverside["id"] == "riverside"
    assert riverside["aliases"] == ["rcc", "riverside-chamber"]


def test_an_id_used_in_another_roster_file_is_an_error(campaign, run_toolkit):
    write_files(campaign, {"more.csv": "Name\nMayor of Northfield\nrcc\n"})
    result = run_toolkit("champions", "import", "more.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "more.csv:2: error: id `mayor-of-northfield` is already used as the id of the champion "
        "at content/champions/east.yaml:18:3",
        "more.csv:3: error: id `rcc` is already used as the alias of the champion "
        "at content/champions/east.yaml:1:3",
        "2 errors; nothing was written.",
    ]
    assert not (campaign / "content/champions/more.yaml").exists()


def test_two_columns_for_one_field_are_an_error(minimal, run_toolkit):
    write_files(minimal, {"two.csv": "Name,Organization\nA,B\n"})
    result = run_toolkit("champions", "import", "two.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'two.csv:1: error: columns A "Name" and B "Organization" both fill `name`; '
        'skip one with --map "Organization="'
    )
    assert run_toolkit("champions", "import", "two.csv", "--map", "Organization=").exit_code == 0


def test_list_prints_an_aligned_table(campaign, run_toolkit):
    result = run_toolkit("champions", "list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "id                      name" + " " * 121 + "city" + " " * 56 + "kind      language"
    )
    assert lines[2].startswith("mayor-of-northfield     Mayor of Northfield  ")
    assert lines[5].startswith("panaderia-la-esperanza  Panadería La Esperanza  ")
    assert lines[5].endswith("  Santa Fe" + " " * 52 + "business  es")
    # Every column starts at the same place on every line.
    for heading in ("name", "city", "kind", "language"):
        at = lines[0].index(heading)
        assert {line[at - 2 : at] for line in lines} == {"  "}, heading
        assert all(line[at] != " " for line in lines), heading


def test_list_as_csv(campaign, run_toolkit):
    result = run_toolkit("champions", "list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [
        "riverside-chamber",
        "mayor-of-northfield",
        "long-name-chamber",
        "hostile-sons",
        "panaderia-la-esperanza",
    ]
    assert rows[0] == {
        "id": "riverside-chamber",
        "name": "Riverside Chamber of Commerce",
        "city": "Riverside",
        "kind": "chamber",
        "language": "en",
    }


def test_list_as_csv_never_hands_a_spreadsheet_a_formula(minimal, run_toolkit):
    roster = (
        '- name: \'=HYPERLINK("https://evil.example/", "Open")\'\n  id: formula\n'
        "- name: '+1 Bakery'\n  city: '@home'\n"
        "- name: Plain Shop\n  city: '-'\n"
    )
    write_files(minimal, {"content/champions/odd.yaml": roster})
    result = run_toolkit("champions", "list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["name"], r["city"]) for r in rows][1:] == [
        ('\'=HYPERLINK("https://evil.example/", "Open")', ""),
        ("'+1 Bakery", "'@home"),
        ("Plain Shop", "'-"),
    ]
    # The table and JSON are for people and scripts: they show the names as written.
    listed = json.loads(run_toolkit("champions", "list", "--format", "json").stdout)
    assert listed[2]["name"] == "+1 Bakery"


def test_list_as_json(campaign, run_toolkit):
    result = run_toolkit("champions", "list", str(campaign), "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed[-1] == {
        "id": "panaderia-la-esperanza",
        "name": "Panadería La Esperanza",
        "city": "Santa Fe",
        "kind": "business",
        "language": "es",
    }
    assert len(listed) == 5


def test_list_of_a_broken_roster_is_an_error(minimal, run_toolkit):
    write_files(minimal, {"content/champions/bad.yaml": "- name: A\n  email: nope\n"})
    result = run_toolkit("champions", "list")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "content/champions/bad.yaml:2:10: error: `email` is not an e-mail address: 'nope'"
    )


def test_a_problem_in_a_kept_field_points_at_the_roster_file(campaign, run_toolkit):
    east = campaign / "content/champions/east.yaml"
    east.write_text(
        east.read_text(encoding="utf-8").replace(
            'url: "https://hawkeye.example.com/"', "url: hawkeye.example.com"
        ),
        encoding="utf-8",
    )
    write_files(campaign, {"east.csv": "Name,City\nRiverside Chamber of Commerce,Riverside\n"})
    before = snapshot(campaign)
    result = run_toolkit("champions", "import", "east.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2] == (
        "content/champions/east.yaml:14:79: error: `url` must be a full http or https address, "
        "not 'hawkeye.example.com'"
    )
    assert snapshot(campaign) == before
