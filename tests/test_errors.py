"""Locations, problems and the one error type: the `path:line:col: message` lines users read."""

from __future__ import annotations

import pickle
from pathlib import PurePosixPath

import pytest

from toolkit.errors import Location, Problem, Problems, ToolkitError, did_you_mean

HERE = PurePosixPath("content/champions/ohio.yaml")


@pytest.mark.parametrize(
    ("line", "col", "expected"),
    [
        (12, 5, "content/champions/ohio.yaml:12:5"),
        (12, None, "content/champions/ohio.yaml:12"),
        (None, None, "content/champions/ohio.yaml"),
        # A column without a line says nothing useful, so it is left out.
        (None, 5, "content/champions/ohio.yaml"),
    ],
)
def test_location_is_written_path_line_col(line, col, expected):
    assert str(Location(HERE, line, col)) == expected


def test_shifted_moves_the_line_and_keeps_the_column():
    assert Location(HERE, 3, 7).shifted(4) == Location(HERE, 7, 7)


def test_shifted_leaves_a_location_without_a_line_alone():
    assert Location(HERE).shifted(4) == Location(HERE)


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            Problem(Location(HERE, 12, 5), 'email is not an address: "bob@"'),
            'content/champions/ohio.yaml:12:5: error: email is not an address: "bob@"',
        ),
        (
            Problem(
                Location(PurePosixPath("toolkit.yaml"), 3, 1),
                "unknown key `base_ur` in toolkit.yaml",
                hint="did you mean `base_url`?",
            ),
            "toolkit.yaml:3:1: error: unknown key `base_ur` in toolkit.yaml "
            "(did you mean `base_url`?)",
        ),
        (
            Problem(Location(HERE, 2), "language 'fr' is not used", "warning"),
            "content/champions/ohio.yaml:2: warning: language 'fr' is not used",
        ),
    ],
)
def test_problem_is_one_readable_line(problem, expected):
    assert str(problem) == expected


@pytest.mark.parametrize(("severity", "is_error"), [("error", True), ("warning", False)])
def test_only_errors_are_errors(severity, is_error):
    assert Problem(Location(HERE), "x", severity).is_error is is_error


def test_error_lists_problems_in_file_and_line_order():
    error = ToolkitError(
        [
            Problem(Location(PurePosixPath("b.yaml"), 1, 1), "in b"),
            Problem(Location(PurePosixPath("a.yaml"), 10, 2), "a line 10"),
            Problem(Location(PurePosixPath("a.yaml"), 2, 9), "a line 2"),
            Problem(Location(PurePosixPath("a.yaml")), "a whole file"),
        ]
    )

    assert str(error).splitlines() == [
        "a.yaml: error: a whole file",
        "a.yaml:2:9: error: a line 2",
        "a.yaml:10:2: error: a line 10",
        "b.yaml:1:1: error: in b",
    ]


def test_error_at_holds_a_single_problem():
    error = ToolkitError.at(Location(HERE, 4, 2), "bad", hint="did you mean `good`?")

    assert error.problems == (
        Problem(Location(HERE, 4, 2), "bad", "error", "did you mean `good`?"),
    )


def test_error_survives_a_trip_through_pickle():
    # Parallel PDF rendering sends errors back from worker processes.
    error = ToolkitError(
        [
            Problem(Location(HERE, 1, 2), "first"),
            Problem(Location(HERE, 3), "second", "warning", "a hint"),
        ]
    )

    copy = pickle.loads(pickle.dumps(error))

    assert isinstance(copy, ToolkitError)
    assert copy.problems == error.problems
    assert str(copy) == str(error)


def test_problems_with_only_warnings_do_not_raise():
    problems = Problems()
    problems.warning(Location(HERE, 1), "just so you know")

    problems.raise_if_errors()

    assert not problems.has_errors
    assert [str(p) for p in problems.warnings] == [
        "content/champions/ohio.yaml:1: warning: just so you know"
    ]


def test_problems_raise_every_problem_at_once():
    problems = Problems()
    problems.error(Location(HERE, 5, 1), "second")
    problems.warning(Location(HERE, 3, 1), "a warning")
    problems.error(Location(HERE, 1, 1), "first", hint="fix it")

    with pytest.raises(ToolkitError) as raised:
        problems.raise_if_errors()

    assert [str(p) for p in raised.value.problems] == [
        "content/champions/ohio.yaml:1:1: error: first (fix it)",
        "content/champions/ohio.yaml:3:1: warning: a warning",
        "content/champions/ohio.yaml:5:1: error: second",
    ]


def test_problems_absorb_an_error_from_another_stage():
    problems = Problems()
    problems.absorb(ToolkitError.at(Location(HERE, 2, 2), "from elsewhere"))

    assert problems.has_errors
    assert [str(p) for p in problems.items] == [
        "content/champions/ohio.yaml:2:2: error: from elsewhere"
    ]


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("base_ur", ["name", "base_url", "tagline"], "did you mean `base_url`?"),
        ("titel", ["title", "description"], "did you mean `title`?"),
        ("nmae", ["id", "name", "kind"], "did you mean `name`?"),
        ("zzzzzz", ["name", "title"], None),
        ("name", [], None),
    ],
)
def test_did_you_mean_suggests_a_close_word(word, choices, expected):
    assert did_you_mean(word, choices) == expected
