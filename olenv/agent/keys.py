"""The keys the agent files things under.

- session key: everything that selects credentials once settings are loaded.
- fast key: the selecting options as typed, the variables and the working
  directory settings depend on, and the identity (inode, size, mtime, mode,
  owner) of every settings file olenv could read. Equal fast keys mean equal
  settings, so the fast path can ask for a session without reading a settings
  file; an edited file changes the key and the next call takes the full path.
  A file in the working directory counts only once allowed (olenv.trust), so
  when one is there the allow lists' directories are in the key too: an allow
  or deny replaces an entry by a rename, which changes the directory's mtime.
- assertion key: who signed in to which app, for reusing a SAML assertion.
Kept stdlib-light: the fast path imports this.
"""

import os

# Options that choose the session (docopt's long names).
SELECTING = ("--profile", "--config-file-path", "--onelogin-username", "--onelogin-app-id",
             "--onelogin-subdomain", "--region", "--aws-region", "--aws-account-id",
             "--aws-role-name", "--duration")
# Variables that settings.load reads for those values.
VARIABLES = ("HOME", "OLENV_ONELOGIN_URL", "AWS_DEFAULT_REGION", "AWS_REGION")
# settings.SDK_FILE, AWS_FILE and ACCOUNTS_FILE: named here so the fast path skips settings.py.
FILES = ("onelogin.sdk.json", "onelogin.aws.json", "accounts.yaml")


def selecting(args) -> dict[str, str]:
    """The selecting options docopt parsed, in the fast path's shape."""
    return {option: args[option] for option in SELECTING if args.get(option)}


def fast_key(options: dict[str, str], env=os.environ) -> str:
    cwd = os.getcwd()
    parts = [f"{option}={options[option]}" for option in SELECTING if options.get(option)]
    parts += [f"${name}={env.get(name, '')}" for name in VARIABLES]
    parts.append(f"cwd={cwd}")
    folders = [os.path.expanduser(options["--config-file-path"])] \
        if options.get("--config-file-path") else []
    folders += [cwd, os.path.join(os.path.expanduser("~"), ".onelogin")]
    in_cwd = False
    for folder in folders:
        for name in FILES:
            identity = _identity(os.path.join(folder, name))
            parts.append(identity)
            in_cwd = in_cwd or (folder == cwd and not identity.endswith(":-"))
    if in_cwd:
        from olenv import allowdirs

        parts += [_identity(allowdirs.data_store(env)), _identity(allowdirs.session_store(env))]
    return "\n".join(parts)


def _identity(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}:-"
    return (f"{path}:{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:"
            f"{info.st_mode}:{info.st_uid}")


def session_key(settings) -> str:
    import json

    from olenv.settings import DEFAULT_AWS_REGION

    return json.dumps([settings.base_url, settings.subdomain, settings.username,
                       str(settings.app_id or ""), settings.aws_account_id,
                       settings.aws_role_name, settings.aws_region or DEFAULT_AWS_REGION,
                       settings.duration, settings.profile])


def assertion_key(settings) -> str:
    import json

    return json.dumps([settings.base_url, settings.subdomain, settings.username,
                       str(settings.app_id)])
