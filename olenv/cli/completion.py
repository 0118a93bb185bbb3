"""olenv completion SHELL: tab completion for bash, zsh or fish.

The words come from each command's own USAGE text when the script is printed (once,
at shell start-up), so they never lag behind a command or an option: the commands,
each command's own options (with their descriptions in zsh and fish), the values an
option declares with [choices: ...], and the words of its usage lines. At a TAB,
the script runs nothing but shell code, except for profile names, which it reads
with `olenv list --names`: no sign-in, no secret, no AWS or HTTP code.
"""

import re
import sys

from olenv.cli import options
from olenv.cli.usage import COMMANDS
from olenv.errors import UsageError

USAGE = f"""\
olenv completion: print the tab completion for bash, zsh or fish.

Usage:
  olenv completion <shell> [options]

It completes the commands, each command's own options (with their descriptions in
zsh and fish), their values, and the profile names of the settings after -p/--profile.

Options:
{options.PLAIN}

Examples:
  eval "$(olenv completion bash)"        # in ~/.bashrc
  eval "$(olenv completion zsh)"         # in ~/.zshrc, after compinit
  olenv completion fish | source         # in ~/.config/fish/config.fish
"""

SHELLS = ("bash", "zsh", "fish")
# What a value or a positional word completes to: a word list, or one of these kinds.
PROFILE, DIRECTORY, FILE, COMMAND, NONE = "@profile", "@dir", "@file", "@command", "@none"
POSITIONALS = {"<shell>": "bash zsh fish", "<profile>": PROFILE, "<path>": DIRECTORY,
               "<command>": COMMAND}
PLACEHOLDERS = {"DIR": DIRECTORY, "FILE": FILE, "SHELL": "bash zsh fish sh"}
WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")  # safe in every shell unquoted


def grammar(word: str, usage: str) -> dict:
    """What a command's USAGE declares, in the shape the shell scripts need:
    options [(names, description, value)], words (its own sub-words) and positional."""
    from olenv.cli import parse

    spec = parse.spec(word, usage)
    described = descriptions(usage)
    found = []
    for option in spec.all_options():
        if option.long == "--role_order":
            continue  # an old spelling, still read but not offered
        names = [name for name in (option.long, option.short) if name]
        value = None
        if option.placeholder is not None:
            value = (" ".join(option.choices) if option.choices else
                     PROFILE if option.long == "--profile" else
                     PLACEHOLDERS.get(option.placeholder, NONE))
        found.append((names, described.get(option.key, ""), value))
    words, positional = [], None
    for tokens in spec.lines:
        plain = [t for t in tokens if WORD.match(t) and t != "options"]
        if plain and tokens[0] in ("(", plain[0]):
            words += [w for w in plain if w not in words]
        for token in tokens:
            positional = positional or POSITIONALS.get(token.rstrip("."))
    if word == "help":
        positional = COMMAND + "s"  # a command word, not a program
    return {"options": found, "words": words, "positional": positional}


def descriptions(usage: str) -> dict[str, str]:
    """Option key (its long name, else its short one) → its description on one line."""
    from olenv.cli import parse

    found: dict[str, str] = {}
    key = None
    for line in parse.section(usage, "Options"):
        match = re.match(r"^\s*(-\S.*?)(?:\s{2,}(.*))?$", line)
        if line.lstrip().startswith("-") and match:
            names = re.split(r"[,\s=]+", match.group(1))
            key = next((n for n in names if n.startswith("--")), names[0])
            found[key] = (match.group(2) or "").strip()
        elif key:
            found[key] = (found[key] + " " + line.strip()).strip()
    return {k: _short(v) for k, v in found.items()}


def _short(text: str) -> str:
    text = re.sub(r"\s*\[(choices|default):[^\]]*\]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 72 else text[:71].rstrip() + "…"


def every_grammar() -> dict[str, dict]:
    from olenv.cli import command

    return {word: grammar(word, command(word).USAGE) for word in COMMANDS}


def run(args) -> int:
    from olenv.hooks import source

    name = args["<shell>"]
    if name not in SHELLS:
        raise UsageError(f"no completion for {name!r}: choose bash, zsh or fish")
    grammars = every_grammar()
    prelude = {"bash": _bash, "zsh": _zsh, "fish": _fish}[name](grammars)
    sys.stdout.write(source(f"completions/olenv.{name}") + "\n" + prelude)
    return 0


# --- the words, in each shell's syntax ------------------------------------------------

def _quote(text: str) -> str:
    """Single-quoted for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _case(function: str, entries: dict[str, str], fallback: str = "") -> str:
    """A shell function printing the text for its arguments (bash and zsh alike)."""
    lines = [f"{function}() {{", '    case "$*" in']
    for pattern, text in entries.items():
        lines.append(f"        {_quote(pattern)}) printf '%s\\n' {_quote(text)} ;;")
    if fallback:
        lines.append(f"        *) printf '%s\\n' {_quote(fallback)} ;;")
    lines += ["    esac", "}"]
    return "\n".join(lines) + "\n"


def _tables(grammars: dict, describe: bool) -> dict[str, dict[str, str]]:
    options, values, words, positional = {}, {}, {}, {}
    for word, g in grammars.items():
        entries = []
        for names, text, value in g["options"]:
            for name in names:
                entries.append(f"{name}:{text}" if describe else name)
                if value is not None:
                    values[f"{word} {name}"] = value
        options[word] = "\n".join(entries) if describe else " ".join(entries)
        if g["words"]:
            words[word] = " ".join(g["words"])
        if g["positional"]:
            positional[word] = g["positional"]
    return {"options": options, "values": values, "words": words, "positional": positional}


def _bash(grammars: dict) -> str:
    t = _tables(grammars, describe=False)
    return (f"_olenv_commands={_quote(' '.join(COMMANDS))}\n"
            + _case("_olenv_options", t["options"]) + _case("_olenv_value", t["values"])
            + _case("_olenv_words", t["words"]) + _case("_olenv_positional", t["positional"])
            + "complete -o default -F _olenv_complete olenv\n")


def _zsh(grammars: dict) -> str:
    t = _tables(grammars, describe=True)
    commands = "\n".join(f"{word}:{summary}" for word, (_, summary) in COMMANDS.items())
    return (f"_olenv_commands={_quote(commands)}\n"
            + _case("_olenv_options", t["options"]) + _case("_olenv_value", t["values"])
            + _case("_olenv_words", t["words"]) + _case("_olenv_positional", t["positional"])
            + "compdef _olenv olenv\n")


def _fish(grammars: dict) -> str:
    lines = ["complete -c olenv -n __fish_use_subcommand -f -l help -d 'Show the help'",
             "complete -c olenv -n __fish_use_subcommand -f -l version -d 'Show the version'"]
    for word, (_, summary) in COMMANDS.items():
        lines.append(f"complete -c olenv -n __fish_use_subcommand -f -a {word} "
                     f"-d {_fish_quote(summary)}")
    for word, g in grammars.items():
        when = f"'__olenv_is {word}'"
        if word == "exec":  # its options end at its command
            when = "'__olenv_is exec; and __olenv_at 0; and not contains -- -- (commandline -opc)'"
        for names, text, value in g["options"]:
            flags = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}"
                             for n in names)
            how = {None: "", PROFILE: " -x -a '(__olenv_profiles)'",
                   DIRECTORY: " -x -a '(__fish_complete_directories)'", FILE: " -r -F",
                   NONE: " -x"}.get(value, f" -x -a {_fish_quote(value or '')}")
            lines.append(f"complete -c olenv -n {when} {flags} -d {_fish_quote(text)}{how}")
        valued = [n for names, _, value in g["options"] if value for n in names]
        lines.append(f"set -g _olenv_valued_{word.replace('-', '_')} {' '.join(valued)}".rstrip())
        if g["words"]:
            lines.append(f"complete -c olenv -n '__olenv_is {word}; and __olenv_at 0' -f "
                         f"-a {_fish_quote(' '.join(g['words']))}")
        at = 1 if g["words"] else 0
        positional = g["positional"]
        if positional == PROFILE:
            lines.append(f"complete -c olenv -n '__olenv_is {word}; and __olenv_at {at}' -f "
                         "-a '(__olenv_profiles)'")
        elif positional == COMMAND + "s":
            lines.append(f"complete -c olenv -n '__olenv_is {word}; and __olenv_at {at}' -f "
                         f"-a {_fish_quote(' '.join(COMMANDS))}")
        elif positional and not positional.startswith("@"):
            lines.append(f"complete -c olenv -n '__olenv_is {word}; and __olenv_at {at}' -f "
                         f"-a {_fish_quote(positional)}")
    return "\n".join(lines) + "\n"
