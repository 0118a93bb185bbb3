"""Settings: the three files, the environment and the command line → one Settings.

Files keep the names and shapes of onelogin-aws-assume-role:
  onelogin.sdk.json   client_id, client_secret, region (us|eu), ip[, subdomain]
  onelogin.aws.json   app_id, subdomain, username, profile, duration, aws_region,
                      aws_account_id, aws_role_name, profiles{name: {...}}
  accounts.yaml       accounts: {account id: friendly name}
Each is looked up in -c DIR, then the current directory, then ~/.onelogin; the
first one found is used whole. Precedence for every value: command line >
profile section > top-level keys > environment > defaults.

A file in the current directory may come from a cloned repository, and these
files choose the tenant that gets the password, the API client and the keyring
entry read as the password. So it counts only once allowed (olenv.trust, as a
.olenv); until then one notice names it and the command that allows it, and
the search goes on to ~/.onelogin. Files in the folders the user chose (-c DIR,
~/.onelogin) must be theirs (or root's) and writable by nobody else. Every file
is read bounded (trust.read).

Every value that decides where the password goes (region, tenant subdomain,
OLENV_ONELOGIN_URL) is validated here, before any request is built.
"""

import ipaddress
import json
import math
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from olenv.errors import ConfigError

SDK_FILE = "onelogin.sdk.json"
AWS_FILE = "onelogin.aws.json"
ACCOUNTS_FILE = "accounts.yaml"

DEFAULT_DURATION = 3600
DEFAULT_AWS_REGION = "us-east-1"
MIN_DURATION, MAX_DURATION = 900, 43200

# \Z, not $: "$" also matches before a final newline, which would reach the host name.
LABEL = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+\Z")
ACCOUNT_ID = re.compile(r"^[0-9]{1,12}\Z")

# Keys of onelogin.aws.json; a profile section may set only the last four.
AWS_KEYS = {"app_id", "subdomain", "username", "profile", "duration", "aws_region",
            "aws_account_id", "aws_role_name", "keychain_service", "keychain_account",
            "push_interval", "push_timeout", "profiles"}
PROFILE_KEYS = {"aws_account_id", "aws_role_name", "aws_region", "app_id"}
SDK_KEYS = {"client_id", "client_secret", "region", "ip", "subdomain"}
# The keys that choose where the password, the API secret or a keyring entry goes.
STEERING = ("client_id", "client_secret", "region", "subdomain", "ip", "keychain_service",
            "keychain_account")


@dataclass
class Settings:
    base_url: str
    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    ip: str | None = None
    app_id: str | None = None
    subdomain: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    otp: str | None = field(default=None, repr=False)
    mfa_device: str | None = None
    profile: str | None = None
    duration: int = DEFAULT_DURATION
    aws_region: str | None = None
    aws_account_id: str | None = None
    aws_role_name: str | None = None
    role_order: bool = False
    saml_api_version: int = 2
    push_interval: float = 2.0
    push_timeout: float = 90.0
    keychain_service: str | None = None
    keychain_account: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    # value name → "command line" | "profile NAME in <file>" | "<file>" | "environment" | "default"
    sources: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def client_origin(self) -> str:
        """Where the API client id and secret came from, as an error about them says it."""
        origins = []
        for name in ("client_id", "client_secret"):
            source = self.sources.get(name, "")
            variable = f"OLENV_{name.upper()}"
            origins.append(variable if source.startswith("environment") else source)
        if origins[0] == origins[1]:
            return origins[0] or "onelogin.sdk.json"
        if all(origin.startswith("OLENV_") for origin in origins):
            return " and ".join(origins)
        return f"the client id from {origins[0]} and the secret from {origins[1]}"


def normalise_account(value, origin: str) -> str:
    """Account ids are 12-digit strings; YAML and JSON may have made them ints."""
    text = str(value).strip()
    if isinstance(value, bool) or not ACCOUNT_ID.match(text):
        raise ConfigError(f"{origin}: {text!r} is not an AWS account id (12 digits)")
    return text.zfill(12)


def candidates(name: str, config_dir: str | None, cwd: Path, home: Path) -> list[tuple[Path, bool]]:
    """Where `name` is looked for, in order, each with whether the user chose that folder
    (-c DIR, ~/.onelogin) rather than just being in it (the current directory)."""
    own = home / ".onelogin"
    chosen = [own]
    found = []
    if config_dir is not None:
        folder = Path(config_dir).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"-c/--config-file-path: {config_dir} is not a directory")
        chosen.append(folder)
        found.append((folder / name, True))
    found.append((cwd / name, any(_same(cwd, folder) for folder in chosen)))
    found.append((own / name, True))
    return found


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def find(name: str, config_dir: str | None, cwd: Path, home: Path,
         say=None) -> tuple[Path, bytes] | None:
    """The file olenv uses for `name`, and its content, read once and bounded.

    A file in a chosen folder is used, or refused with one line (another owner, writable
    by others, not a plain file, too big). A file merely in the current directory is used
    only once allowed; otherwise `say` gets the notice and the search goes on.
    """
    from olenv import trust

    for path, chosen in candidates(name, config_dir, cwd, home):
        if not path.exists():
            continue
        if chosen:
            content, info = trust.load(path)
            if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                raise ConfigError(f"{trust.shown(path)} is writable by others (mode "
                                  f"{stat.S_IMODE(info.st_mode):o}): chmod go-w it to use it")
            return path, content
        try:
            content = trust.read(path)
        except ConfigError as refused:
            (say or notice)(f"{refused}; olenv leaves it out")
            continue
        state = trust.standing(path, content)
        if state in trust.TRUSTED:
            return path, content
        (say or notice)(untrusted(path, state, content))
    return None


def untrusted(path: Path, state: str, content: bytes) -> str:
    """The notice for a settings file found in the working tree and not allowed as it is."""
    from olenv import trust

    command = f"olenv allow {trust.shown(path)}"
    if state == trust.DENIED:
        return f"{trust.shown(path)} is denied, so olenv leaves it out: run  {command}  to use it"
    steering = ""
    try:
        data = json.loads(content) if path.suffix == ".json" else {}
        keys = [key for key in STEERING if isinstance(data, dict) and data.get(key)]
        if keys:
            steering = f" (it would set {', '.join(keys)})"
    except (ValueError, RecursionError):
        pass
    why = "is not allowed yet" if state == trust.NEW else "changed since it was allowed"
    return (f"{trust.shown(path)} {why}, so olenv leaves it out{steering}: read it, "
            f"then run  {command}")


def find_file(name: str, config_dir: str | None, cwd: Path, home: Path) -> Path | None:
    """The path find() would use, without its notices."""
    found = find(name, config_dir, cwd, home, say=lambda _: None)
    return found and found[0]


def read_json(path: Path, content: bytes | None = None) -> dict:
    from olenv import trust

    try:
        data = json.loads((trust.read(path) if content is None else content).decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object at the top")
    return data


def read_aliases(path: Path, content: bytes | None = None) -> dict[str, str]:
    import yaml  # only when an accounts.yaml exists

    from olenv import trust

    # Account ids stay the text the user wrote: YAML would make 012345670123 an octal int.
    class Loader(yaml.SafeLoader):
        yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:int"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    try:
        text = (trust.read(path) if content is None else content).decode("utf-8")
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    if data is None:
        return {}
    accounts = data.get("accounts") if isinstance(data, dict) else None
    if accounts is None:
        accounts = {} if isinstance(data, dict) and not data else None
    if not isinstance(accounts, dict):
        raise ConfigError(f"{path}: expected 'accounts:' mapping account ids to names")
    return {normalise_account(key, str(path)): str(name) for key, name in accounts.items()}


def warn(message: str) -> None:
    from olenv.text import safe

    sys.stderr.write(f"olenv: warning: {safe(message)}\n")


def notice(message: str) -> None:
    from olenv.text import safe

    sys.stderr.write(f"olenv: {safe(message)}\n")


def warn_unknown(path: Path, data: dict, known: set[str]) -> None:
    for key in sorted(set(data) - known):
        warn(f"{path}: unknown key {key!r} ignored")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name, or a spelling such as 0x7f.1 or 127.1: refused, not resolved
    # An IPv4-mapped IPv6 form (::ffff:127.0.0.1) is refused: one spelling per address,
    # and the same answer on every Python (3.13 calls it loopback, earlier ones do not).
    return address.is_loopback and not getattr(address, "ipv4_mapped", None)


def override_url(variable: str, value: str) -> str:
    """A base URL from the environment (tests, proxies): https, or plain http only to a
    loopback address, and nothing that would travel in it besides the address."""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{variable}: {value!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(f"{variable}: plain http is allowed only to a loopback address")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(f"{variable}: credentials, query or fragment are not allowed")
    return value


def onelogin_base(override: str | None, region: str | None, tenant: str | None) -> str:
    """The OneLogin API base URL, built only from validated parts.

    A bad region or tenant is refused even when OLENV_ONELOGIN_URL overrides them:
    the file is wrong either way, and the override may be gone next time.
    """
    region = region or "us"
    if region not in ("us", "eu"):
        raise ConfigError(f"OneLogin region {region!r} is not us or eu")
    if tenant and not LABEL.match(tenant):
        raise ConfigError(f"{SDK_FILE}: subdomain {tenant!r} is not a OneLogin tenant name")
    if override:
        return override_url("OLENV_ONELOGIN_URL", override).rstrip("/")
    if tenant:
        return f"https://{tenant}.onelogin.com"
    return f"https://api.{region}.onelogin.com"


def _string(value, origin: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ConfigError(f"{origin}: expected a string, got {type(value).__name__}")
    return str(value)


def _number(value, origin: str, kind=int) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = kind(value)
        if not math.isfinite(number):  # "nan" and "inf" parse as floats
            raise ValueError
        return number
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{origin}: {value!r} is not a number") from None


def _optional_string(value, origin: str) -> str | None:
    return None if value is None else _string(value, origin)


def load(cli: dict, env=None, cwd: Path | None = None, home: Path | None = None,
         need_client: bool = True) -> Settings:
    """Merge everything; `cli` maps value names to what the command line gave (None: not given).

    need_client=False (olenv status): no API client_id and client_secret is not an error.
    """
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    home = Path.home() if home is None else home
    config_dir = cli.get("config_dir")
    values: dict = {}
    sources: dict[str, str] = {}
    files: dict[str, Path] = {}

    def put(name, value, source):
        # Every layer fills only what a higher one left empty; falsy values never count
        # (onelogin-aws-assume-role's rule: "duration": 0 or "" mean "not set").
        if name not in values and value:
            values[name] = value
            sources[name] = source

    for name, value in cli.items():
        if name != "config_dir":
            put(name, value, "command line")

    sdk_path, sdk = None, {}
    found = find(SDK_FILE, config_dir, cwd, home)
    if found:
        sdk_path = files["sdk"] = found[0]
        sdk = read_json(*found)
        warn_unknown(sdk_path, sdk, SDK_KEYS)
        if sdk_path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
            warn(f"{sdk_path} holds the API client secret and is readable by others: chmod 600 it")

    found = find(AWS_FILE, config_dir, cwd, home)
    if found:
        aws_path = files["aws"] = found[0]
        aws = read_json(*found)
        warn_unknown(aws_path, aws, AWS_KEYS)
        profile = _optional_string(values.get("profile") or aws.get("profile") or None,
                                   f"{aws_path}: profile")
        profiles = aws.get("profiles")
        profiles = {} if profiles is None else profiles
        if not isinstance(profiles, dict):
            raise ConfigError(f"{aws_path}: 'profiles' must map profile names to objects")
        if profile and profile in profiles:
            section = profiles[profile]
            if not isinstance(section, dict):
                raise ConfigError(f"{aws_path}: profile {profile!r} must be an object")
            warn_unknown(aws_path, section, PROFILE_KEYS)
            for key in PROFILE_KEYS & set(section):
                put(key, section[key], f"profile {profile} in {aws_path}")
        for key in AWS_KEYS - {"profiles"}:
            put(key, aws.get(key), str(aws_path))

    put("password", env.get("OLENV_PASSWORD"), "environment (OLENV_PASSWORD)")
    put("aws_region", env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION"), "environment")
    client_id = env.get("OLENV_CLIENT_ID") or sdk.get("client_id")
    client_secret = env.get("OLENV_CLIENT_SECRET") or sdk.get("client_secret")
    for name, value in (("client_id", client_id), ("client_secret", client_secret)):
        if value:
            variable = f"OLENV_{name.upper()}"
            sources[name] = f"environment ({variable})" if env.get(variable) else str(sdk_path)
    if need_client and (not client_id or not client_secret):
        where = sdk_path or f"{SDK_FILE} (looked in -c DIR, the current directory and ~/.onelogin)"
        raise ConfigError(f"no OneLogin API client_id and client_secret: add them to {where}")

    origin = str(sdk_path or "settings")
    region = values.pop("region", None) or sdk.get("region")
    tenant = sdk.get("subdomain") or None
    settings = Settings(
        base_url=onelogin_base(env.get("OLENV_ONELOGIN_URL"),
                               _optional_string(region, f"{origin}: region"),
                               _optional_string(tenant, f"{origin}: subdomain")),
        client_id=_string(client_id or "", f"{origin}: client_id"),
        client_secret=_string(client_secret or "", f"{origin}: client_secret"),
        ip=_optional_string(values.pop("ip", None) or sdk.get("ip") or None, f"{origin}: ip"),
        files=files,
    )
    # The base URL comes from the override, the tenant, else the region (-r beats the file).
    if env.get("OLENV_ONELOGIN_URL"):
        sources["base_url"] = "environment (OLENV_ONELOGIN_URL)"
    elif tenant or (region and "region" not in sources):
        sources["base_url"] = str(sdk_path)
    else:
        sources["base_url"] = sources.get("region", "default")
    sources.pop("region", None)
    for name, value in values.items():
        where = f"{sources[name]}: {name}"
        if name == "duration":
            value = int(_number(value, where))
            if not MIN_DURATION <= value <= MAX_DURATION:
                raise ConfigError(f"{where} {value} is outside {MIN_DURATION}-{MAX_DURATION} seconds")
        elif name == "saml_api_version":
            value = int(_number(value, where))
            if value not in (1, 2):
                raise ConfigError(f"{where} must be 1 or 2")
        elif name in ("push_interval", "push_timeout"):
            value = _number(value, where, float)
            if value <= 0:
                raise ConfigError(f"{where} must be positive")
        elif name == "aws_account_id":
            value = normalise_account(value, where)
        elif name == "role_order":
            value = bool(value)
        else:
            value = _string(value, where)
            if name == "subdomain" and not LABEL.match(value):
                raise ConfigError(f"{where} {value!r} is not a OneLogin tenant name")
            if name == "aws_region" and not AWS_REGION.match(value):
                raise ConfigError(f"{where} {value!r} is not an AWS region")
        setattr(settings, name, value)
    for name in ("duration", "saml_api_version", "push_interval", "push_timeout"):
        sources.setdefault(name, "default")

    found = find(ACCOUNTS_FILE, config_dir, cwd, home)
    if found:
        files["accounts"] = found[0]
        settings.aliases = read_aliases(*found)
    settings.sources = sources
    return settings
