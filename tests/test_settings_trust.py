"""Settings files found in a working tree (a cloned repository) count only once allowed;
those in the folders the user chose (~/.onelogin, -c DIR) must be the user's alone.

The tests named test_as_root_* play another local user (chown, setpriv as nobody)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from conftest import require, run_olenv
from fakes.saml import role_value

NOBODY = 65534
PASSWORD = "pw"
# A repository's files that would send the password to the attacker's tenant and client,
# and read another keyring entry as "the password".
THEIR_SDK = {"client_id": "evil-client", "client_secret": "evil-secret", "region": "eu",
             "subdomain": "evilcorp"}
THEIR_AWS = {"subdomain": "evilcorp", "app_id": "999", "keychain_service": "git:https://github.com",
             "keychain_account": "victim"}


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", PASSWORD, roles=[role_value("111111111111", "Admin")])
    env["OLENV_PASSWORD"] = PASSWORD
    return env


@pytest.fixture
def clone(tmp_path):
    """A freshly cloned repository shipping settings files (git leaves them 0644)."""
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "onelogin.sdk.json").write_text(json.dumps(THEIR_SDK))
    (repo / "onelogin.aws.json").write_text(json.dumps(THEIR_AWS))
    (repo / "accounts.yaml").write_text("accounts:\n  111111111111: \"\\e]52;c;ZXZpbA==\\a\"\n")
    return repo


def used(onelogin) -> tuple[list[str], list[tuple[str, str]]]:
    """The API clients olenv authenticated as, and the (tenant, app) it signed in to."""
    clients = [r.headers.get("Authorization", "") for r in onelogin.requests
               if r.path.endswith("/token")]
    tenants = [(r.json["subdomain"], r.json["app_id"]) for r in onelogin.requests
               if r.path.endswith("/saml_assertion")]
    return clients, tenants


def test_a_cloned_repository_chooses_neither_tenant_nor_client(alice, onelogin, clone):
    result = run_olenv(["exec", "--", sys.executable, "-c",
                        "import os; print(os.environ['AWS_ACCESS_KEY_ID'])"], alice, cwd=clone)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ASIA")
    clients, tenants = used(onelogin)
    assert clients == [f"client_id:{onelogin.client_id}, client_secret:{onelogin.client_secret}"]
    assert tenants == [("acme", onelogin.app_id)]
    assert result.stderr.splitlines() == [
        f"olenv: {clone}/onelogin.sdk.json is not allowed yet, so olenv leaves it out (it "
        "would set client_id, client_secret, region, subdomain): read it, then run  "
        f"olenv allow {clone}/onelogin.sdk.json",
        f"olenv: {clone}/onelogin.aws.json is not allowed yet, so olenv leaves it out (it "
        "would set subdomain, keychain_service, keychain_account): read it, then run  "
        f"olenv allow {clone}/onelogin.aws.json",
        f"olenv: {clone}/accounts.yaml is not allowed yet, so olenv leaves it out: read it, "
        f"then run  olenv allow {clone}/accounts.yaml"]


def test_allow_shows_what_it_trusts_then_edits_and_denials_count(alice, onelogin, clone):
    file = clone / "onelogin.sdk.json"
    result = run_olenv(["allow", str(file)], alice)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"olenv: allowed {file}; run in {clone}, olenv now takes from it:",
        "  client_id         set       (the OneLogin API client)",
        "  client_secret     set       (the OneLogin API client)",
        "  region            eu        (the OneLogin region that gets your password)",
        "  subdomain         evilcorp  (the OneLogin tenant that gets your password)"]
    allowed = run_olenv(["credential-process"], alice, cwd=clone)
    assert allowed.returncode == 1  # the fake knows only alice's own client
    assert used(onelogin)[0] == ["client_id:evil-client, client_secret:evil-secret"]
    assert "evil-secret" not in allowed.stderr
    assert allowed.stderr.endswith(f"rejected the API client id/secret (HTTP 401): check {file}\n")

    onelogin.requests.clear()
    file.write_text(json.dumps({**THEIR_SDK, "subdomain": "evilcorp2"}))  # a later pull
    changed = run_olenv(["credential-process"], alice, cwd=clone)
    assert changed.returncode == 0, changed.stderr
    assert f"olenv: {file} changed since it was allowed, so olenv leaves it out" in changed.stderr
    assert used(onelogin)[0] == [f"client_id:{onelogin.client_id}, "
                                 f"client_secret:{onelogin.client_secret}"]

    assert run_olenv(["deny", str(file)], alice).returncode == 0
    denied = run_olenv(["credential-process"], alice, cwd=clone)
    assert denied.returncode == 0
    assert (f"olenv: {file} is denied, so olenv leaves it out: run  olenv allow {file}  "
            "to use it") in denied.stderr


def test_allow_shows_the_keyring_entry_and_account_names(alice, clone):
    result = run_olenv(["allow", str(clone / "onelogin.aws.json")], alice)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "  keychain_service  git:https://github.com  (the OS keyring entry read as your " \
           "password)" in lines and lines[-1] == "  and app_id"
    result = run_olenv(["allow", str(clone / "accounts.yaml")], alice)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[1] == ("  account names for 1 account(s) (shown in menus "
                                             "and profiles)")


def test_an_allowed_file_that_olenv_cannot_use_is_refused_at_allow(alice, clone):
    (clone / "onelogin.aws.json").write_text("{not json")
    result = run_olenv(["allow", str(clone / "onelogin.aws.json")], alice)
    assert (result.returncode, result.stderr) == (
        2, f"olenv: {clone}/onelogin.aws.json: not valid JSON (line 1: Expecting property name "
           "enclosed in double quotes)\n")


def test_the_users_own_folders_are_used_without_allowing(alice, onelogin, home, tmp_path):
    # ~/.onelogin as the working directory, and -c DIR naming the working directory.
    assert run_olenv(["credential-process"], alice, cwd=home / ".onelogin").stderr == ""
    mine = tmp_path / "mine"
    shutil.copytree(home / ".onelogin", mine)
    result = run_olenv(["credential-process", "-c", str(mine)], alice, cwd=mine)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666], ids=oct)
def test_a_settings_file_others_can_write_is_refused(alice, onelogin, home, mode):
    sdk = home / ".onelogin" / "onelogin.sdk.json"
    sdk.chmod(mode)
    before = sdk.read_bytes()
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"olenv: {sdk} is writable by others (mode {mode:o}): chmod go-w it "
                             "to use it\n")
    assert onelogin.requests == [] and sdk.read_bytes() == before
    assert sdk.stat().st_mode & 0o777 == mode  # refused, never changed


def test_as_root_a_settings_file_of_another_user_is_refused(alice, onelogin, home):
    aws = home / ".onelogin" / "onelogin.aws.json"
    os.chown(aws, NOBODY, NOBODY)
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stderr) == (
        2, f"olenv: {aws} belongs to uid {NOBODY} (nobody), not to you or root: olenv will "
           "not use it\n")
    assert onelogin.requests == []


def as_nobody(*argv):
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                           *argv], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})


@pytest.fixture
def shared():
    """A directory like /tmp: anyone may create files in it (tmp_path's parents are private)."""
    require("setpriv")
    if os.getuid() != 0:
        pytest.skip("playing another user needs root (setpriv)")
    base = tempfile.mkdtemp(prefix="olenv-shared-", dir="/tmp")
    os.chmod(base, 0o1777)
    yield base
    shutil.rmtree(base)


def test_as_root_another_user_plants_settings_in_a_shared_folder(alice, onelogin, shared):
    planted = as_nobody("sh", "-c", f"printf '%s' '{json.dumps(THEIR_SDK)}' "
                        f"> {shared}/onelogin.sdk.json")
    assert planted.returncode == 0, planted.stderr
    # Named with -c, it is refused outright: nobody else's file chooses the client.
    result = run_olenv(["credential-process", "-c", shared], alice)
    assert (result.returncode, result.stderr) == (
        2, f"olenv: {shared}/onelogin.sdk.json belongs to uid {NOBODY} (nobody), not to you or "
           "root: olenv will not use it\n")
    # Found in the working directory, it is left out, and not offered for allowing.
    result = run_olenv(["credential-process"], alice, cwd=shared)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"olenv: {shared}/onelogin.sdk.json belongs to uid {NOBODY} "
                             "(nobody), not to you or root: olenv will not use it; olenv leaves "
                             "it out\n")
    assert used(onelogin)[0] == [f"client_id:{onelogin.client_id}, "
                                 f"client_secret:{onelogin.client_secret}"]
    result = run_olenv(["allow", f"{shared}/onelogin.sdk.json"], alice)
    assert result.returncode == 2 and "belongs to uid 65534 (nobody)" in result.stderr


def test_allow_in_a_tree_with_only_settings_files_says_to_name_them(alice, clone):
    result = run_olenv(["allow"], {**alice, "PWD": str(clone)}, cwd=clone)
    assert (result.returncode, result.stderr) == (
        2, f"olenv: no .olenv in {clone} or above it; to allow a settings file, name it: "
           f"olenv allow {clone}/onelogin.sdk.json\n")


def test_a_settings_file_is_read_up_to_a_mebibyte(alice, home, onelogin):
    aws = home / ".onelogin" / "onelogin.aws.json"
    data = json.loads(aws.read_text())
    # A profile per role of a large organisation, as olenv profiles generate writes them.
    data["profiles"] = {f"acct{n}-role": {"aws_account_id": f"{n:012d}", "aws_role_name": "Role"}
                        for n in range(6000)}
    aws.write_text(json.dumps(data, indent=2))
    assert 64 * 1024 < aws.stat().st_size < 1024 * 1024
    assert run_olenv(["credential-process"], alice).returncode == 0
    with open(aws, "a") as file:
        file.truncate(1024 * 1024 + 1)
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stderr) == (
        2, f"olenv: {aws} is 1048577 bytes: olenv reads such a file only up to 1024 KiB\n")
    assert onelogin.count("saml_assertion") == 1
