"""Wrong command lines: each gets exactly one plain line naming the mistake and its fix,
exit status 2, nothing on stdout, and no request reaches OneLogin."""

import json

import pytest
from conftest import run_olenv, write_settings

PROFILES = {"dev": {"aws_account_id": "111111111111", "aws_role_name": "Admin"},
            "prod": {"aws_account_id": "222222222222", "aws_role_name": "Admin"},
            "prod-ro": {"aws_account_id": "222222222222", "aws_role_name": "ReadOnly"}}
AWS_FILE = "{home}/.onelogin/onelogin.aws.json"

# argv → the one line on stderr ({home}: the test's HOME)
CASES = [
    (["exec", "--profle", "dev", "--", "true"],
     "olenv exec: unknown option --profle (did you mean --profile?)"),
    (["--versoin"], "olenv: unknown option --versoin (did you mean --version?)"),
    (["exce", "--", "true"], "olenv: unknown command 'exce' (did you mean exec?)"),
    (["frobnicate"], "olenv: unknown command 'frobnicate' (see olenv --help)"),
    (["help", "exce"], "olenv help: unknown command 'exce' (did you mean exec?)"),
    (["-p", "dev", "exec", "true"], "olenv: options go after the command: olenv exec -p dev true"),
    (["agent"], "olenv agent: say what to do: start, stop, status or forget"),
    (["agent", "strat"], "olenv agent: unknown word 'strat' (did you mean start?)"),
    (["password"], "olenv password: say what to do: set or forget"),
    (["profiles", "gen"], "olenv profiles: unknown word 'gen' (did you mean generate?)"),
    (["agent", "start", "--quiet"], "olenv agent: unknown option --quiet (see olenv agent --help)"),
    (["export", "--server"], "olenv export: unknown option --server (see olenv export --help)"),
    (["exec", "-qx", "true"], "olenv exec: unknown option -x in -qx (see olenv exec --help)"),
    (["exec", "-p"], "olenv exec: -p needs a value (-p NAME)"),
    (["exec", "--profile", "--quiet", "true"],
     "olenv exec: --profile needs a value (--profile NAME)"),
    (["export", "--profile=", "--shell", "bash"],
     "olenv export: --profile= needs a value after the = (--profile=NAME)"),
    (["console", "--destination"],
     "olenv console: --destination needs a value (--destination WHERE)"),
    (["exec", "--force=yes", "--", "true"], "olenv exec: --force takes no value (remove =yes)"),
    (["exec", "-p", "dev", "--profile", "prod", "true"],
     "olenv exec: --profile is given twice (dev and prod): give it once"),
    (["exec", "-z", "abc", "--", "true"],
     "olenv exec: -z/--duration 'abc' is not a number of seconds"),
    (["login", "-l", "two"], "olenv login: -l/--loop 'two' is not a whole number"),
    (["login", "--time", "soon"], "olenv login: -t/--time 'soon' is not a number of minutes"),
    (["export", "--format", "yaml"],
     "olenv export: --format 'yaml' is not one of env, dotenv, json"),
    (["roles", "--format=tabel"],
     "olenv roles: --format 'tabel' is not one of table, json (did you mean table?)"),
    (["login", "--loop", "2", "-x"],
     "olenv login: --loop and --interactive exclude each other: choose one"),
    (["hook"], "olenv hook: missing <shell> (see olenv hook --help)"),
    (["hook", "bash", "zsh"],
     "olenv hook: too many words: 'zsh' is one too many (see olenv hook --help)"),
    (["credential-process", "extra"], "olenv credential-process: takes no words: 'extra' is "
                                      "one too many (see olenv credential-process --help)"),
    (["allow", "--session=1"], "olenv allow: --session takes no value (remove =1)"),
    (["exec", "-p", "prdo", "--", "true"],
     f"olenv: no profile 'prdo' in {AWS_FILE} (did you mean prod?); "
     "known profiles: dev, prod, prod-ro"),
    (["credential-process", "--profile", "prodd"],
     f"olenv: no profile 'prodd' in {AWS_FILE} (did you mean prod?); "
     "known profiles: dev, prod, prod-ro"),
    (["exec", "dev", "--", "aws", "s3", "ls"],
     "olenv exec: dev is a profile, not a command: did you mean olenv exec -p dev -- aws s3 ls?"),
    (["exec", "--aws-account-id", "prodution", "--", "true"],
     "olenv: --aws-account-id 'prodution' is not an AWS account id (12 digits), nor a "
     "friendly name (did you mean Production?); known names: Production, Shared, dev, prod, "
     "prod-ro, shared"),
    (["exec", "--aws-account-id", "shared", "--", "true"],
     "olenv: --aws-account-id 'shared' names more than one account: 333333333333 (Shared in "
     "accounts.yaml); 444444444444 (shared in accounts.yaml); pass the 12-digit id"),
]


@pytest.fixture
def profiled(env, home, onelogin):
    write_settings(home, onelogin, username="alice@example.com", aws_region="eu-west-1",
                   profiles=PROFILES)
    (home / ".onelogin" / "accounts.yaml").write_text(
        "accounts:\n  '222222222222': Production\n  '333333333333': Shared\n"
        "  '444444444444': shared\n")
    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    return env


def test_the_table_is_long_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("argv, line", CASES, ids=[" ".join(argv) for argv, _ in CASES])
def test_a_wrong_command_line_is_one_plain_line(profiled, home, onelogin, argv, line):
    before = (home / ".onelogin" / "onelogin.aws.json").read_bytes()
    result = run_olenv(argv, profiled)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == line.format(home=home) + "\n"
    assert onelogin.requests == []  # nothing was sent: not even the API token asked for
    assert (home / ".onelogin" / "onelogin.aws.json").read_bytes() == before


@pytest.mark.parametrize("argv", [["exec", "--help"], ["exec", "-h"], ["help", "exec"],
                                  ["exec", "-p", "dev", "--help"], ["exec", "--profle", "-h"]])
def test_each_command_explains_itself(profiled, argv):
    result = run_olenv(argv, profiled)
    assert (result.returncode, result.stderr) == (0, "")
    text = result.stdout
    assert text.startswith("olenv exec: ") and "\nUsage:\n  olenv exec [options]" in text
    for section in ("Options:", "Environment:", "Examples:"):
        assert f"\n{section}\n" in text
    for variable in ("OLENV_PASSWORD", "OLENV_CLIENT_ID", "OLENV_CLIENT_SECRET",
                     "OLENV_ONELOGIN_URL", "OLENV_AGENT", "OLENV_AGENT_IDLE", "NO_COLOR",
                     "AWS_DEFAULT_REGION", "SHELL"):
        assert f"\n  {variable} " in text
    assert "--server" in text and "--file" not in text and "--olenv-file" not in text


def test_options_of_one_command_stay_in_its_help(profiled):
    login = run_olenv(["login", "--help"], profiled).stdout
    export = run_olenv(["export", "--help"], profiled).stdout
    assert "--loop" in login and "--loop" not in export
    assert "--shell" in export and "--shell" not in login
    agent = run_olenv(["agent", "--help"], profiled).stdout
    assert "--profile" not in agent and "OLENV_AGENT_IDLE" in agent


def test_the_overview_lists_every_command_without_importing_one(profiled):
    from olenv.cli.usage import COMMANDS

    result = run_olenv(["--help"], {**profiled, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0
    for word, (_, summary) in COMMANDS.items():
        assert f"\n  {word:<20}{summary}\n" in result.stdout
    assert "~/.onelogin" in result.stdout and "OLENV_AGENT_IDLE" in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "olenv.cli" in imported
    assert not [name for name in imported if name.startswith("olenv.") and name != "olenv.cli"
                and name != "olenv.cli.usage"]


def test_every_command_has_usage_environment_and_examples(profiled):
    from olenv.cli.usage import COMMANDS

    for word in COMMANDS:
        result = run_olenv(["help", word], profiled)
        assert result.returncode == 0, result.stderr
        assert f"Usage:\n  olenv {word}" in result.stdout and "\nExamples:\n" in result.stdout


def test_every_usage_text_parses_and_declares_each_option_once():
    import importlib

    from olenv.cli import parse
    from olenv.cli.usage import COMMANDS

    for word, (path, _) in COMMANDS.items():
        module = importlib.import_module(path)
        spec = parse.spec(word, module.USAGE, getattr(module, "OPTIONS_FIRST", False))
        assert spec.lines, word
        lines = [line.split()[0].rstrip(",") for line in parse.section(module.USAGE, "Options")
                 if line.lstrip().startswith("-")]
        assert len(lines) == len(set(lines)), (word, lines)


def test_the_seed_spelling_of_role_order_still_works(profiled):
    result = run_olenv(["status", "--role_order", "--format", "json"], profiled)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["settings"]["values"]["role_order"]["value"] is True
