"""olenv's command line: parse, dispatch to one module per command, report.

Each command's module (olenv/cli/<name>.py) declares its USAGE text and
run(args); olenv/cli/usage.py lists them. Every failure ends here as one line on
stderr and an exit code; a traceback only with --debug.
"""

import sys

from olenv.cli.usage import COMMANDS, USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Answered without importing a command or settings: these must stay instant.
    if not argv or argv[0] in ("-h", "--help"):
        (sys.stdout if argv else sys.stderr).write(USAGE)
        return 0 if argv else 2
    if argv[0] == "--version":
        from olenv import __version__

        print(f"olenv {__version__}")
        return 0
    debug = "--debug" in argv
    try:
        from olenv.cli import fast  # the agent's answer, before any settings load

        answered = fast.run(argv)
        return answered if answered is not None else _dispatch(argv)
    except KeyboardInterrupt:
        sys.stderr.write("\nolenv: interrupted\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        from olenv.errors import OlenvError

        if debug:
            import traceback

            traceback.print_exc()
        if isinstance(exc, OlenvError):
            from olenv.text import safe  # a message may quote a file, a path or a reply

            where = getattr(exc, "command", None)
            sys.stderr.write(f"olenv{' ' + where if where else ''}: {safe(exc)}\n")
            return exc.exit_code
        sys.stderr.write(f"olenv: unexpected {exc.__class__.__name__}; "
                         "run again with --debug for details\n")
        return 1


def command(word: str, asked_by: str | None = None):
    """The module of a command word; a UsageError naming the closest command if none."""
    import importlib

    if word in COMMANDS:
        return importlib.import_module(COMMANDS[word][0])
    import difflib

    from olenv.cli.parse import CommandLineError
    from olenv.errors import UsageError

    what = "option" if word.startswith("-") else "command"
    choices = ["--help", "--version", "--debug"] if what == "option" else list(COMMANDS)
    close = difflib.get_close_matches(word, choices, 1, 0.6)
    hint = f"did you mean {close[0]}?" if close else "see olenv --help"
    if asked_by:
        raise CommandLineError(asked_by, f"unknown command {word!r} ({hint})")
    raise UsageError(f"unknown {what} {word if what == 'option' else repr(word)} ({hint})")


def _options_first(words: list[str]) -> None:
    """`olenv -p dev exec`: options belong after the command word."""
    from olenv.errors import UsageError

    after = next((at for at, word in enumerate(words) if word in COMMANDS), None)
    if after is not None:
        import shlex

        order = shlex.join([words[after], *words[:after], *words[after + 1:]])
        raise UsageError(f"options go after the command: olenv {order}")
    if words == ["--debug"]:
        raise UsageError("--debug needs a command after it (see olenv --help)")


def command_usage(module) -> str:
    return module.USAGE


def parse_args(module, argv: list[str]) -> dict | None:
    """The args dict of one command's words (after the command word); None for -h/--help."""
    from olenv.cli import parse

    name = next(word for word, (path, _) in COMMANDS.items() if path == module.__name__)
    spec = parse.spec(name, module.USAGE, getattr(module, "OPTIONS_FIRST", False))
    try:
        return parse.parse(spec, argv)
    except parse.Help:
        return None


def _dispatch(argv: list[str]) -> int:
    # `olenv --debug exec ...`: --debug before the command is every command's.
    words = argv[1:] if argv[0] == "--debug" and len(argv) > 1 else argv
    if words[0].startswith("-"):
        _options_first(words)
    module = command(words[0])
    args = parse_args(module, words[1:])
    if args is None:
        sys.stdout.write(command_usage(module))
        return 0
    if words is not argv:
        args["--debug"] = True
    return module.run(args)
