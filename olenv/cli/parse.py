"""One command's command line, read against that command's USAGE text.

The text is written in docopt's format (`Usage:` lines, an `Options:` section,
`[default: ...]`), and the result is the dict docopt would return, but olenv
reads it itself: docopt-ng reports a mistyped option as its own internals
(`found unmatched (duplicate?) arguments [Option(None, '--profle', 0, True)]`),
reads options after a command's own words, and answers any other slip with the
whole usage. Here every mistake is one sentence naming it and its fix.

Beyond docopt's format, an option's description may end in
`[choices: a, b, c]`, and its placeholder says what kind of value it takes
(SECONDS, MINUTES: a number; N: a whole number). Options written as
alternatives in a usage line (`[--loop=N | -x]`) exclude each other. A module
sets OPTIONS_FIRST = True when its options end at its first other word, as with
env, sudo and `olenv exec`.
"""

import difflib
import re
from dataclasses import dataclass, field

from olenv.errors import UsageError

HELP = ("-h", "--help")
# Placeholder → (check, what the value must be)
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
KINDS = {
    "SECONDS": (lambda v: bool(_NUMBER.fullmatch(v)), "a number of seconds"),
    "MINUTES": (lambda v: bool(_NUMBER.fullmatch(v)), "a number of minutes"),
    "N": (lambda v: v.isascii() and v.isdigit(), "a whole number"),
}


class CommandLineError(UsageError):
    """A mistake on the command line of one command: shown as `olenv CMD: ...`."""

    def __init__(self, command: str, message: str):
        super().__init__(message)
        self.command = command


@dataclass
class Option:
    short: str | None
    long: str | None
    placeholder: str | None  # None: a flag
    default: str | None = None
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.long or self.short

    @property
    def names(self) -> str:
        return "/".join(name for name in (self.short, self.long) if name)


@dataclass
class Spec:
    """What a USAGE text declares."""

    command: str
    lines: list[list[str]]  # each usage line's tokens after the command word(s)
    options: dict[str, Option] = field(default_factory=dict)  # by every spelling
    exclusive: list[tuple[str, str]] = field(default_factory=list)  # option keys
    options_first: bool = False

    def all_options(self) -> list[Option]:
        return list({id(o): o for o in self.options.values()}.values())


_OPTION_LINE = re.compile(r"^\s*(-\S.*?)(?:\s{2,}(.*))?$")
_TOKEN = re.compile(r"\.\.\.|[\[\]()|]|[^\s\[\]()|]+(?:\.\.\.)?")


def section(text: str, title: str) -> list[str]:
    """The lines of a `Title:` section, up to the next blank line (docopt's rule: several
    sections with the same title add up)."""
    found, inside = [], False
    for line in text.splitlines():
        if re.match(rf"^{title}:", line, re.IGNORECASE):
            inside = True
            rest = line.split(":", 1)[1].strip()
            if rest:
                found.append(rest)
            continue
        if inside and not line.strip():
            inside = False
        elif inside:
            found.append(line)
    return found


def _option(line: str) -> Option | None:
    match = _OPTION_LINE.match(line)
    if not match:
        return None
    names, description = match.group(1), match.group(2) or ""
    short = long = placeholder = None
    for part in re.split(r"[,\s]+", names.replace("=", " ")):
        if part.startswith("--"):
            long = part
        elif part.startswith("-"):
            short = part
        elif part:
            placeholder = part
    default = re.search(r"\[default:\s*([^\]]*)\]", description, re.IGNORECASE)
    choices = re.search(r"\[choices:\s*([^\]]*)\]", description, re.IGNORECASE)
    return Option(short, long, placeholder, default.group(1).strip() if default else None,
                  tuple(re.split(r"[,\s]+", choices.group(1).strip())) if choices else ())


def spec(command: str, usage: str, options_first: bool = False) -> Spec:
    result = Spec(command, [], options_first=options_first)
    # An option line's description may run on over the next lines: only lines whose
    # first character (after indentation) is a dash declare options.
    for line in section(usage, "Options"):
        option = _option(line) if line.lstrip().startswith("-") else None
        if option:
            for name in (option.short, option.long):
                if name:
                    result.options[name] = option
    if "--help" not in result.options:  # every command explains itself
        result.options["-h"] = result.options["--help"] = Option("-h", "--help", None)
    if "--role-order" in result.options:  # onelogin-aws-assume-role's spelling
        result.options["--role_order"] = result.options["--role-order"]
    words = command.split()
    for line in section(usage, "Usage"):
        tokens = _TOKEN.findall(line)
        if tokens[:1 + len(words)] != ["olenv", *words]:
            continue
        tokens = tokens[1 + len(words):]
        result.lines.append(tokens)
        for token in tokens:  # options named only in a usage line
            if token.startswith("-") and token not in ("--", "-") and \
                    token.split("=")[0] not in result.options:
                name, eq, placeholder = token.partition("=")
                option = Option(None if name.startswith("--") else name,
                                name if name.startswith("--") else None,
                                placeholder.strip("<>").upper() if eq else None)
                result.options[name] = option
        for at in range(len(tokens) - 2):
            a, bar, b = tokens[at:at + 3]
            if a.startswith("-") and bar == "|" and b.startswith("-"):
                result.exclusive.append((result.options[a.split("=")[0]].key,
                                         result.options[b.split("=")[0]].key))
    return result


class Help(Exception):
    """-h or --help among the options: the caller prints the usage."""


def parse(sp: Spec, argv: list[str]) -> dict:
    """The args dict for argv (the words after the command's own); CommandLineError on a
    mistake, Help when -h/--help is among the options."""
    values: dict[str, object] = {}
    words: list[str] = []
    dashdash = False
    first_error: CommandLineError | None = None

    def fail(message: str) -> None:
        nonlocal first_error
        first_error = first_error or CommandLineError(sp.command, message)

    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            dashdash = True
            words += rest
            break
        if not arg.startswith("-") or arg == "-":
            words.append(arg)
            if sp.options_first:
                words += rest
                break
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            option = sp.options.get(name)
            if option is None:
                fail(_unknown(sp, name))
                continue
            if option.key in HELP:
                raise Help
            if option.placeholder is None:
                if eq:
                    fail(f"{name} takes no value (remove ={value})")
                _put(sp, values, option, True, fail)
                continue
            if not eq:
                if not rest or rest[0] in sp.options or rest[0].split("=")[0] in sp.options:
                    fail(f"{name} needs a value ({name} {option.placeholder})")
                    continue
                value = rest.pop(0)
            elif not value:
                fail(f"{name}= needs a value after the = ({name}={option.placeholder})")
                continue
            _put(sp, values, option, value, fail)
            continue
        # Short options, perhaps bundled (-qx) or with the value attached (-pdev).
        for at in range(1, len(arg)):
            name = "-" + arg[at]
            option = sp.options.get(name)
            if option is None:
                fail(_unknown(sp, name) if at == 1 else
                     f"unknown option {name} in {arg} (see olenv {sp.command} --help)")
                break
            if option.key in HELP:
                raise Help
            if option.placeholder is None:
                _put(sp, values, option, True, fail)
                continue
            value = arg[at + 1:]
            if not value:
                if not rest or rest[0] in sp.options:
                    fail(f"{name} needs a value ({name} {option.placeholder})")
                    break
                value = rest.pop(0)
            _put(sp, values, option, value, fail)
            break
    if first_error:
        raise first_error
    args = _defaults(sp)
    args.update(values)
    for a, b in sp.exclusive:
        if values.get(a) and values.get(b):
            raise CommandLineError(sp.command, f"{a} and {b} exclude each other: choose one")
    args.update(_positionals(sp, words, dashdash, values))
    return args


def _put(sp: Spec, values: dict, option: Option, value, fail) -> None:
    key = option.key
    if isinstance(value, str):
        if option.choices and value not in option.choices:
            close = difflib.get_close_matches(value, option.choices, 1, 0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            fail(f"{option.names} {value!r} is not one of {', '.join(option.choices)}{hint}")
            return
        kind = KINDS.get(option.placeholder or "")
        if kind and not kind[0](value):
            fail(f"{option.names} {value!r} is not {kind[1]}")
            return
        if key in values and values[key] != value:
            fail(f"{key} is given twice ({values[key]} and {value}): give it once")
            return
    values[key] = value


def _unknown(sp: Spec, name: str) -> str:
    spellings = [n for n in sp.options if n.startswith("--")] if name.startswith("--") else []
    close = difflib.get_close_matches(name, spellings, 1, 0.6)
    if close:
        return f"unknown option {name} (did you mean {close[0]}?)"
    return f"unknown option {name} (see olenv {sp.command} --help)"


def _defaults(sp: Spec) -> dict:
    args: dict[str, object] = {}
    for option in sp.all_options():
        args[option.key] = option.default if option.placeholder else False
    for line in sp.lines:
        for token in line:
            word = token.removesuffix("...")
            if word.startswith("<"):
                args.setdefault(word, [] if token.endswith("...") else None)
            elif re.fullmatch(r"[a-z][a-z-]*", word) and word != "options":
                args.setdefault(word, False)
    if any("--" in line for line in sp.lines):
        args["--"] = False
    return args


# A usage line's words, after its options are set aside, as a tiny grammar:
# literal | <arg> | <arg>... | [ ... ] | ( a | b ).
def _tree(tokens: list[str]):
    def seq(at: int, end: str | None):
        items, alternatives = [], []
        while at < len(tokens) and tokens[at] != end:
            token = tokens[at]
            if token in "[(":
                node, at = seq(at + 1, "]" if token == "[" else ")")
                items.append(("optional" if token == "[" else "group", node))
                continue
            elif token == "|":
                alternatives.append(items)
                items = []
            elif token == "...":
                items[-1] = ("repeat", items[-1])
            elif token.startswith("-") or token == "options":
                pass  # options are read above
            elif token.endswith("..."):
                items.append(("repeat", ("word", token[:-3])))
            else:
                items.append(("word", token))
            at += 1
        alternatives.append(items)
        return ("either", alternatives), at + 1

    return seq(0, None)[0]


def _match(node, words: list[str], at: int, got: dict):
    """Every (position, bindings) reachable by matching node from words[at]."""
    kind = node[0]
    if kind == "word":
        name = node[1]
        if at < len(words) and (name.startswith("<") or words[at] == name):
            yield at + 1, {**got, name: words[at] if name.startswith("<") else True}
    elif kind == "repeat":  # only of an <arg>: every one of the words left, longest first
        name = node[1][1]
        for end in range(len(words), at, -1):
            yield end, {**got, name: words[at:end]}
    elif kind == "optional":
        yield from _match(node[1], words, at, got)
        yield at, got
    elif kind == "group":
        yield from _match(node[1], words, at, got)
    elif kind == "either":
        for items in node[1]:
            yield from _chain(items, words, at, got)


def _chain(items, words, at, got):
    if not items:
        yield at, got
        return
    for position, bound in _match(items[0], words, at, got):
        yield from _chain(items[1:], words, position, bound)


def _required(sp: Spec, line: list[str]) -> set[str]:
    """The options a usage line names outside any bracket or group: that line needs them
    (`olenv hook --check=FILE`)."""
    depth, needed = 0, set()
    for token in line:
        if token in ("[", "("):
            depth += 1
        elif token in ("]", ")"):
            depth -= 1
        elif depth == 0 and token.startswith("-") and token != "--":
            needed.add(sp.options[token.split("=")[0]].key)
    return needed


def _positionals(sp: Spec, words: list[str], dashdash: bool, given: dict) -> dict:
    for line in sp.lines:
        if not _required(sp, line) <= set(given):
            continue
        for end, bound in _match(_tree(line), words, 0, {}):
            if end == len(words):
                if dashdash:
                    bound["--"] = True
                return bound
    raise CommandLineError(sp.command, _mismatch(sp, words))


def _mismatch(sp: Spec, words: list[str]) -> str:
    """Why no usage line fits the words, in a sentence."""
    literal = list(dict.fromkeys(token for line in sp.lines for token in line
                                 if re.fullmatch(r"[a-z][a-z-]*", token) and token != "options"))
    takes = {token.strip("[]").removesuffix("...") for line in sp.lines for token in line
             if token.strip("[]").startswith("<")}
    if literal:
        choices = " or ".join([", ".join(literal[:-1]), literal[-1]] if len(literal) > 1
                              else literal)
        if not words:
            return f"say what to do: {choices}"
        if words[0] not in literal:
            close = [word for word in literal if word.startswith(words[0])] or \
                difflib.get_close_matches(words[0], literal, 1, 0.6)
            hint = f" (did you mean {close[0]}?)" if close else f": choose {choices}"
            return f"unknown word {words[0]!r}{hint}"
    if not words and takes:
        return f"missing {' or '.join(sorted(takes))} (see olenv {sp.command} --help)"
    extra = words[-1] if words else ""
    if not takes and not literal:
        return f"takes no words: {extra!r} is one too many (see olenv {sp.command} --help)"
    return f"too many words: {extra!r} is one too many (see olenv {sp.command} --help)"
