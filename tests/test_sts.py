"""STS failures as AWS sends them, told apart by code, through the real command."""

import json
import subprocess
import sys
import time

import pytest
from conftest import run_olenv
from fakes.sts import FaultySTS
from hypothesis import given
from hypothesis import strategies as st


@pytest.fixture
def faulty(moto_sts, onelogin, env):
    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    sts = FaultySTS(moto_sts)
    env["AWS_ENDPOINT_URL_STS"] = sts.url
    yield sts
    sts.stop()


def test_an_expired_assertion_means_one_new_sign_in(faulty, onelogin, env):
    faulty.fail_next("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance")
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 0, result.stderr
    assert onelogin.count("saml_assertion") == 2 and len(faulty.requests) == 2
    assert "signing in again" in result.stderr


def test_an_assertion_expired_twice_gives_up(faulty, onelogin, env):
    faulty.fail_next("ExpiredTokenException", "Token must be redeemed", times=2)
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "olenv: AWS says the SAML assertion has expired (Token must be redeemed)")
    assert onelogin.count("saml_assertion") == 2


@pytest.mark.parametrize("code, message, status, line", [
    ("ValidationError",
     "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 2,
     "olenv: role Admin in 111111111111 does not allow sessions of 7200 s: "
     "pass a shorter -z/--duration (e.g. -z 3600)"),
    ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 1,
     "olenv: AWS denied role Admin in account 111111111111 to this SAML sign-in (AccessDenied): "
     "Not authorized to perform sts:AssumeRoleWithSAML"),
    ("InvalidIdentityToken", "Issuer not found", 1,
     "olenv: AWS rejected the SAML assertion (InvalidIdentityToken): Issuer not found"),
])
def test_sts_refusals_are_one_line(faulty, env, code, message, status, line):
    faulty.fail_next(code, message)
    result = run_olenv(["credential-process", "-z", "7200"], env)
    assert (result.returncode, result.stderr.strip(), result.stdout) == (status, line, "")


def test_sts_unreachable(env, onelogin):
    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"
    result = run_olenv(["credential-process"], env)
    assert result.returncode == 1
    assert result.stderr.strip() == "olenv: cannot reach AWS STS at http://127.0.0.1:9/"


def test_an_exit_during_the_background_import_adds_nothing_to_stderr(tmp_path):
    # An error that ends olenv while boto3 is still importing in the background: the
    # import then runs after the interpreter's shutdown began, as an atexit hook
    # reproduces every time. Only the error's own line may reach the user.
    script = ("import atexit, threading\n"
              "from olenv import sts\n"
              "def late():\n"
              "    sts.warm_up()\n"
              "    [t.join() for t in threading.enumerate() if t is not threading.main_thread()]\n"
              "atexit.register(late)\n"
              "raise SystemExit(1)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""


@pytest.fixture
def alice(onelogin, env):
    onelogin.add_user("alice@example.com", "correct horse")
    env["OLENV_PASSWORD"] = "correct horse"
    return env


@pytest.fixture
def hostile(moto_sts, alice):
    """Start a HostileSTS in front of moto and point olenv at it."""
    from fakes.hostile_sts import HostileSTS

    started = []

    def start(mode, **kwargs):
        sts = HostileSTS(moto_sts, mode, **kwargs)
        started.append(sts)
        alice["AWS_ENDPOINT_URL_STS"] = sts.url
        return sts

    yield start
    for sts in started:
        sts.stop()


@pytest.mark.parametrize("mode, status, body, line", [
    ("html", 503, None, "olenv: AWS STS answered HTTP 503 with an HTML page (a proxy?)"),
    ("html", 200, None, "olenv: AWS STS answered HTTP 200 with an HTML page (a proxy?)"),
    ("text", 502, "", "olenv: AWS STS answered HTTP 502 with an empty reply"),
    ("text", 200, '{"Credentials": {}}',
     "olenv: AWS STS answered HTTP 200 with JSON, not AWS's XML (a proxy?)"),
    ("text", 403, "Forbidden by policy",
     "olenv: AWS STS answered HTTP 403 with something that is not AWS's XML (a proxy?)"),
])
def test_a_reply_that_is_not_aws_is_one_line(hostile, alice, mode, status, body, line):
    hostile(mode, status=status, **({} if body is None else {"value": body}))
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stderr, result.stdout) == (1, line + "\n", "")


@pytest.mark.parametrize("field, value", [
    ("SecretAccessKey", None), ("SessionToken", "tok\nen"), ("AccessKeyId", "ASIA\tAAAAAAAAAAAAAAA"),
    ("SecretAccessKey", "with a space"), ("AccessKeyId", "short"),
])
def test_keys_rewritten_on_the_way_are_refused_whole(hostile, alice, field, value):
    hostile("inject", field=field, **({} if value is None else {"value": value}))
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stdout) == (1, "")
    line = result.stderr.strip()
    assert line.startswith("olenv: AWS STS at 127.0.0.1:") and "\n" not in line
    assert f"({field} not as AWS writes it): was the reply changed on the way?" in line


def test_xml_broken_on_the_way_is_one_line(hostile, alice):
    hostile("inject", field="AccessKeyId", value="ASIA\x1b]52;c;x\x07")  # no XML may hold ESC
    result = run_olenv(["credential-process"], alice)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.endswith(" sent XML olenv cannot read (not well-formed): "
                                  "was the reply changed on the way?\n")


def test_an_injected_profile_never_reaches_the_credentials_file(hostile, alice, home):
    hostile("inject")  # SecretAccessKey "x\n[prod]\ncredential_process = sh -c '...'"
    credentials = home / ".aws" / "credentials"
    original = b"[prod]\r\naws_access_key_id = AKIAPROD\r\naws_secret_access_key = s\r\n"
    credentials.write_bytes(original)
    result = run_olenv(["login", "--profile", "dev"], alice)
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    # Refused by the STS reply's check, else by the credentials file writer's own.
    assert "SecretAccessKey" in result.stderr or "aws_secret_access_key" in result.stderr
    assert credentials.read_bytes() == original
    assert sorted(p.name for p in credentials.parent.iterdir()) == ["credentials"]


def test_a_silent_sts_is_given_up_on_after_the_deadline(hostile, alice):
    sts = hostile("silent")
    started = time.monotonic()
    result = run_olenv(["credential-process"], alice, timeout=120)
    took = time.monotonic() - started
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"olenv: AWS STS at {sts.host} did not answer within 30 s\n"
    assert 25 < took < 60, took  # not botocore's 4 attempts of 30 s each (121 s)


BROKEN = {
    "a BOM": ("\ufeff[default]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = s\n", ""),
    "a duplicate section": ("[default]\na = 1\n[default]\nb = 2\n", "[default]\n[default]\n"),
    "both key spellings": ("[default]\nAWS_ACCESS_KEY_ID = A\naws_access_key_id = B\n",
                           "[profile x]\nregion = eu-west-1\nREGION = eu-west-2\n"),
    "not INI at all": ("just some text\n", "= nonsense [\n"),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_broken_shared_aws_files_do_not_fail_the_sign_in(alice, home, broken):
    credentials, config = BROKEN[broken]
    (home / ".aws" / "credentials").write_text(credentials, encoding="utf-8")
    (home / ".aws" / "config").write_text(config or credentials, encoding="utf-8")
    alice["AWS_PROFILE"] = "default"
    result = run_olenv(["credential-process"], alice)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AccessKeyId"].startswith("ASIA")

def test_the_client_is_built_in_the_background_before_it_is_needed(tmp_path):
    # While OneLogin answers, botocore is imported and the client built, for the region
    # settings name; the main thread then takes that very client.
    script = ("import sys, threading\n"
              "from olenv import sts\n"
              "sts.warm_up('eu-central-1')\n"
              "sts._warm.join()\n"
              "built = sts._clients['eu-central-1']\n"
              "assert 'botocore.client' in sys.modules and 'boto3' not in sys.modules\n"
              "assert built.meta.region_name == 'eu-central-1'\n"
              "assert sts.client('eu-central-1') is built\n"
              "assert sts.client('us-east-1') is not built\n"
              "assert sts.client('us-east-1').meta.region_name == 'us-east-1'\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


@given(st.dictionaries(st.text(min_size=1), st.text() | st.text("ABCXYZabcxyz0129+/=", min_size=1)
                       | st.integers(), max_size=6))
def test_the_form_body_is_the_one_botocore_writes(data):
    from urllib.parse import urlencode

    from olenv import sts as olenv_sts

    class Request:
        pass

    request = Request()
    request.data = dict(data)
    olenv_sts._form_body(request)
    expected = urlencode([tuple(v.encode() if isinstance(v, str) else v for v in item)
                          for item in data.items()], doseq=True)
    assert request.data == expected
