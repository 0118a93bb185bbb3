"""olenv's reader of the commands' usage texts: the dict it returns, and the fast path's
option tables agreeing with what the commands declare."""

import importlib

import pytest

from olenv.cli import fast, parse
from olenv.cli.usage import COMMANDS


def spec_of(word: str) -> parse.Spec:
    module = importlib.import_module(COMMANDS[word][0])
    return parse.spec(word, module.USAGE, getattr(module, "OPTIONS_FIRST", False))


def args(word: str, *argv: str) -> dict:
    return parse.parse(spec_of(word), list(argv))


def test_exec_reads_options_up_to_the_command():
    got = args("exec", "-qp", "dev", "--min-ttl=60", "ls", "-la", "--profile", "x")
    assert (got["--quiet"], got["--profile"], got["--min-ttl"]) == (True, "dev", "60")
    assert got["<command>"] == ["ls", "-la", "--profile", "x"] and got["--"] is False
    dashed = args("exec", "-pdev", "--", "-weird", "--")
    assert (dashed["--profile"], dashed["<command>"], dashed["--"]) == ("dev", ["-weird", "--"], True)
    assert args("exec")["<command>"] == [] and args("exec", "--")["<command>"] == []


def test_other_commands_read_options_anywhere_and_fill_defaults():
    got = args("password", "set", "-u", "bob", "--keychain-service", "svc")
    assert (got["set"], got["forget"], got["--onelogin-username"]) == (True, False, "bob")
    assert got["--keychain-account"] is None and got["--quiet"] is False
    assert args("agent", "forget", "--all")["--all"] is True
    assert args("agent", "forget", "prod")["<profile>"] == "prod"
    assert args("allow", "--session", "/tmp/x") == {"--session": True, "--debug": False,
                                                    "--help": False, "<path>": "/tmp/x"}


def test_help_wins_among_the_options_but_not_among_execs_words():
    with pytest.raises(parse.Help):
        args("login", "--loop", "2", "-h")
    assert args("exec", "ls", "--help")["<command>"] == ["ls", "--help"]


def test_the_seed_spelling_role_order_is_read():
    assert args("roles", "--role_order")["--role-order"] is True


@pytest.mark.parametrize("word", ["exec", "export", "credential-process"])
def test_the_fast_path_knows_options_as_the_commands_declare_them(word):
    spec = spec_of(word)
    for short, long in fast.SHORT.items():
        if word in fast.ONLY.get(long, fast.COMMANDS):
            assert spec.options[short] is spec.options[long], (word, short)
    for name in fast.VALUED:
        if word in fast.ONLY.get(name, fast.COMMANDS):
            assert spec.options[name].placeholder, (word, name)
    for name in fast.FLAGS:
        if word in fast.ONLY.get(name, fast.COMMANDS):
            assert spec.options[name].placeholder is None, (word, name)
    # What the fast path lets through a command, the command declares.
    for name in (*fast.VALUED, *fast.FLAGS):
        if word in fast.ONLY.get(name, fast.COMMANDS):
            assert name in spec.options, (word, name)


def test_the_fast_path_splits_execs_words_as_the_full_path_does():
    argv = ["exec", "-p", "dev", "--min-ttl", "60", "sh", "-c", "exit 3", "-p"]
    assert fast.parse(argv) == ("exec", {"--profile": "dev", "--min-ttl": "60"},
                                ["sh", "-c", "exit 3", "-p"])
    full = args(*argv)
    assert full["<command>"] == ["sh", "-c", "exit 3", "-p"] and full["--profile"] == "dev"


def test_a_usage_line_that_names_an_option_outside_brackets_needs_it():
    spec = parse.spec("hook", "Usage:\n  olenv hook <shell> [options]\n  olenv hook --check=FILE\n\n"
                              "Options:\n  --check=FILE  A file.\n")
    assert parse.parse(spec, ["--check", "x"])["--check"] == "x"
    assert parse.parse(spec, ["bash"])["<shell>"] == "bash"
    with pytest.raises(parse.CommandLineError, match="missing <shell>"):
        parse.parse(spec, [])
