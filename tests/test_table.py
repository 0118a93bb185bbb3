"""olenv.table: header rows, aligned columns, lines that fit the terminal's width."""

import pytest

from olenv import table

ROWS = [("dev", "111111111111 (Development)", "Admin"),
        ("prod-readonly", "222222222222", "ReadOnly")]


def test_header_and_aligned_columns():
    assert table.render(("PROFILE", "ACCOUNT", "ROLE"), ROWS) == [
        "PROFILE        ACCOUNT                     ROLE",
        "dev            111111111111 (Development)  Admin",
        "prod-readonly  222222222222                ReadOnly",
    ]


def test_a_narrow_terminal_cuts_the_widest_column_not_the_first():
    lines = table.render(("PROFILE", "ACCOUNT", "ROLE"), ROWS, width=44)
    assert max(map(len, lines)) == 44
    assert lines[1].startswith("dev            111111111111 (Deve…  Admin")
    assert lines[2].startswith("prod-readonly  ")
    assert [line.split()[-1] for line in lines] == ["ROLE", "Admin", "ReadOnly"]


def test_no_limit_keeps_every_character():
    assert "".join(table.render(None, ROWS, width=None)).count("…") == 0


def test_columns_never_shrink_below_their_header():
    lines = table.render(("PROFILE", "ACCOUNT", "ROLE"), ROWS, width=10)
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "ROLE"]


@pytest.mark.parametrize("raw", ["\x1b]52;c;aGk=\x07", "a\nb", "\x9b31m", "x\x7fy"])
def test_control_characters_never_reach_the_terminal(raw):
    [line] = table.render(None, [(raw, "z")])
    assert all(ch.isprintable() for ch in line)


@pytest.mark.parametrize("env, width", [({"COLUMNS": "57"}, 57), ({"COLUMNS": "wide"}, None),
                                        ({}, None)])
def test_width_from_columns_else_none_for_a_pipe(env, width, tmp_path):
    with open(tmp_path / "out", "w") as pipe_like:
        assert table.terminal_width(pipe_like, env) == width
