"""olenv's command line: parse, dispatch to one thin module per command, report.

Every failure ends here as one line on stderr and an exit code; a traceback
only with --debug.
"""

import sys

from olenv.cli.usage import COMMANDS, USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Answered without docopt or settings: these must stay instant.
    if not argv or argv[0] in ("-h", "--help"):
        (sys.stdout if argv else sys.stderr).write(USAGE)
        return 0 if argv else 2
    if argv[0] == "--version":
        from olenv import __version__

        print(f"olenv {__version__}")
        return 0
    debug = "--debug" in argv
    try:
        from olenv.cli import fast  # the agent's answer, before docopt or settings load

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

            sys.stderr.write(f"olenv: {safe(exc)}\n")
            return exc.exit_code
        sys.stderr.write(f"olenv: unexpected {exc.__class__.__name__}; "
                         "run again with --debug for details\n")
        return 1


def _dispatch(argv: list[str]) -> int:
    import importlib

    from docopt import DocoptExit, docopt

    from olenv.errors import UsageError

    # onelogin-aws-assume-role spelled this option with an underscore.
    argv = ["--role-order" if arg == "--role_order" else arg for arg in argv]
    if argv[0] not in COMMANDS and not argv[0].startswith("-"):
        raise UsageError(f"unknown command {argv[0]!r}: see olenv --help")
    try:
        args = docopt(USAGE, argv, default_help=False)
    except DocoptExit as exc:
        first = str(exc).splitlines()[0] if str(exc).strip() else ""
        detail = "" if first.startswith("Usage:") else f" ({first.removeprefix('Warning: ')})"
        raise UsageError(f"invalid command line{detail}: see olenv --help") from None
    if args["--help"]:
        sys.stdout.write(USAGE)
        return 0
    name = next(name for name in COMMANDS if args.get(name))
    return importlib.import_module(COMMANDS[name]).run(args)
