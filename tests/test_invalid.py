"""Every bad-input fixture fails with exactly its expected messages, and loses nothing."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, snapshot

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_with_file_and_line(case, tmp_path, run_toolkit, project):
    source = project(f"invalid/{case}")
    expected = (source / "expected.txt").read_text(encoding="utf-8").splitlines()
    # A previous good build must survive the failed one byte for byte.
    output = tmp_path / "site"
    good = project("minimal")
    assert run_toolkit("build", good, "-o", output).exit_code == 0
    before = snapshot(output)

    result = run_toolkit("build", source, "-o", output)

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].endswith("nothing was written.")
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(output) == before
    assert not any(p.name.endswith(".staging") for p in tmp_path.iterdir())


def test_every_invalid_case_has_expected_messages():
    for case in CASES:
        expected = FIXTURES / "invalid" / case / "expected.txt"
        assert expected.read_text(encoding="utf-8").strip(), case
