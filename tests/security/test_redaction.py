"""Redaction (issue 18, item 8): secrets in 50-odd realistic formats never survive `redact`, ordinary stop
texts come out unchanged, redaction is idempotent and never raises, and an evaluated stop reaches the
store, on both backends, and the server log redacted.

No secret is written out here: each is built from fragments and seeded random characters, so that push
protection and our own scanners have nothing to find in this file.
"""

from __future__ import annotations

import base64
import logging
import random
import string
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopwarden.common import config as config_module
from stopwarden.gate import settings as gate_settings
from stopwarden.gate.case import Artifact, Case
from stopwarden.gate.service import Gate, Request
from stopwarden.store import gitleaks, schema
from stopwarden.store.redact import preview, redact
from stopwarden.store.store import Store

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"


def rand(alphabet: str, n: int, seed: str) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(n: int, seed: str) -> str:
    return rand(string.digits, n, seed)


def pem(kind: str, seed: str, end: bool = True) -> str:
    body = "\n".join(rand(B64, 64, f"{seed}{i}") for i in range(6))
    block = f"-----BEGIN {kind}-----\n{body}\n"
    return block + (f"-----END {kind}-----" if end else "")


def jwt(seed: str) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    payload = base64.urlsafe_b64encode(b'{"sub":"1234567890","name":"Ada","iat":1516239022}').decode().rstrip("=")
    return f"{header}.{payload}.{rand(URLSAFE, 43, seed)}"


# (name, text as it would appear in a stop text or a log line, the secret part that must not survive)
SECRETS: list[tuple[str, str, str]] = []


def case(name: str, template: str, secret: str) -> None:
    SECRETS.append((name, template.format(secret=secret), secret))


# Cloud providers
case(
    "aws access key id",
    "export AWS_ACCESS_KEY_ID={secret}",
    "AK" + "IA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, "a"),
)
case("aws secret access key (env)", "AWS_SECRET_ACCESS_KEY={secret}", rand(B64, 40, "b"))
case("aws secret access key (ini)", "[default]\naws_secret_access_key = {secret}\n", rand(B64, 40, "c"))
case("aws secret access key (json)", '{{"AccessKeyId": "x", "SecretAccessKey": "{secret}"}}', rand(B64, 40, "d"))
case("google api key", "const maps = loadMaps({{ key: '{secret}' }});", "AI" + "za" + rand(URLSAFE, 35, "e"))
case("azure ad client secret", "AZURE_CLIENT_SECRET={secret}", rand(ALNUM, 3, "f") + "8" + "Q~" + rand(ALNUM, 34, "g"))
case(
    "azure storage connection string",
    "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={secret};EndpointSuffix=core.windows.net",
    rand(B64, 86, "h") + "==",
)
case(
    "azure sas url",
    "curl 'https://acme.blob.core.windows.net/c/f.zip?sv=2022-11-02&sp=r&sig={secret}'",
    rand(ALNUM, 40, "i") + "%3D",
)
case("digitalocean token", "DIGITALOCEAN_TOKEN={secret}", "dop_" + "v1_" + rand(HEX, 64, "j"))
case("databricks token", "host=x token={secret}", "da" + "pi" + rand(HEX, 32, "k"))
# Source forges and package registries
case("github classic pat", "git clone https://github.com/acme/app (token {secret})", "gh" + "p_" + rand(ALNUM, 36, "l"))
case("github oauth token", "GH_TOKEN={secret}", "gh" + "o_" + rand(ALNUM, 36, "m"))
case("github app token", "installation token: {secret}", "gh" + "s_" + rand(ALNUM, 36, "n"))
case(
    "github fine-grained pat", "token={secret}", "github_" + "pat_" + rand(ALNUM, 22, "o") + "_" + rand(ALNUM, 59, "p")
)
case("gitlab pat", "GITLAB_TOKEN={secret}", "gl" + "pat-" + rand(URLSAFE, 20, "q"))
case("npm token", "//registry.npmjs.org/:_authToken={secret}", "np" + "m_" + rand(ALNUM, 36, "r"))
case("pypi token", "password = {secret}", "py" + "pi-AgEIcHlwaS5vcmc" + rand(URLSAFE, 70, "s"))
case("hugging face token", "HF_TOKEN={secret}", "h" + "f_" + rand(string.ascii_letters, 34, "t"))
# Payments, messaging, mail
case("stripe secret key", "stripe.api_key = '{secret}'", "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc")
case("stripe restricted key", "STRIPE_KEY={secret}", "rk_" + "live_" + rand(ALNUM, 24, "u"))
case("sendgrid key", "SENDGRID_API_KEY={secret}", "S" + "G." + rand(URLSAFE, 22, "v") + "." + rand(URLSAFE, 43, "w"))
case(
    "slack bot token",
    "SLACK_BOT_TOKEN={secret}",
    "xo" + "xb-" + digits(12, "x1") + "-" + digits(13, "x2") + "-" + rand(ALNUM, 24, "x3"),
)
case(
    "slack user token",
    "token: {secret}",
    "xo" + "xp-" + digits(12, "y1") + "-" + digits(12, "y2") + "-" + digits(13, "y3") + "-" + rand(HEX, 32, "y4"),
)
case(
    "slack app token",
    "SLACK_APP_TOKEN={secret}",
    "xa" + "pp-1-A0" + rand(UPPER_ALNUM, 9, "z1") + "-" + digits(13, "z2") + "-" + rand(HEX, 64, "z3"),
)
case("slack refresh token", "refresh: {secret}", "xo" + "xe-1-" + rand(UPPER_ALNUM, 146, "aa"))
SLACK_HOOK = "/T" + rand(UPPER_ALNUM, 8, "ab1") + "/B" + rand(UPPER_ALNUM, 8, "ab2") + "/" + rand(ALNUM, 24, "ab3")
case("slack webhook url", "POST https://{secret} with the payload", "hooks." + "slack.com/services" + SLACK_HOOK)
case("twilio api key", "TWILIO_API_KEY={secret}", "S" + "K" + rand(HEX, 32, "ac"))
case("shopify access token", "X-Shopify-Access-Token: {secret}", "shp" + "at_" + rand(HEX, 32, "ad"))
# AI providers
case(
    "openai project key",
    "OPENAI_API_KEY={secret}",
    "sk-" + "proj-" + rand(URLSAFE, 74, "ae1") + "T3Blbk" + "FJ" + rand(URLSAFE, 74, "ae2"),
)
case("openai key glued to a name", "see OPENAI_KEY_{secret} in the log", "sk-" + rand(ALNUM, 48, "af"))
case("sk- key after an underscore", "key_{secret}", "sk-" + rand(HEX, 32, "ag"))
case("anthropic key", "ANTHROPIC_API_KEY={secret}", "sk-" + "ant-api03-" + rand(URLSAFE, 93, "ah") + "AA")
# Credentials in URLs and connection strings
case("postgres url", "DATABASE_URL=postgres://app:{secret}@db.internal:5432/prod", rand(ALNUM, 20, "ai"))
case("mysql url", "mysql://root:{secret}@127.0.0.1:3306/shop", rand(ALNUM, 16, "aj") + "!")
case("redis url", "REDIS_URL=redis://:{secret}@cache:6379/0", rand(ALNUM, 24, "ak"))
case(
    "mongodb srv url",
    "mongodb+srv://admin:{secret}@cluster0.abcde.mongodb.net/?retryWrites=true",
    rand(ALNUM, 18, "al"),
)
case("amqp url", "broker_url = 'amqp://guest:{secret}@rabbit:5672//'", rand(ALNUM, 14, "am"))
case(
    "https basic auth url", "git remote add origin https://bot:{secret}@git.example.com/acme.git", rand(ALNUM, 20, "an")
)
case("odbc connection string", "Driver={{ODBC}};Server=db;Uid=sa;Pwd={secret};", rand(ALNUM, 16, "ao"))
# Passwords
case("password= in an env file", "DB_HOST=db\nPASSWORD={secret}\n", rand(ALNUM, 12, "ap"))
case("password: in yaml", "database:\n  user: app\n  password: {secret}\n", rand(ALNUM, 14, "aq"))
case("db_password in json", '{{"db_password": "{secret}"}}', rand(ALNUM, 10, "ar") + " " + rand(ALNUM, 4, "ar2"))
case("DB_PASS= in a shell", "DB_PASS={secret} ./migrate.sh", rand(ALNUM, 11, "as"))
case("passwd: in a config", "passwd: {secret}", rand(ALNUM, 9, "at"))
case("PGPASSWORD before psql", "PGPASSWORD={secret} psql -h db -U app", rand(ALNUM, 15, "au"))
case("--password flag", "mysqldump --user root --password {secret} shop", rand(ALNUM, 13, "av"))
case("password in python", 'conn = connect(user="app", password="{secret}")', rand(ALNUM, 16, "aw"))
# Keys and tokens in blocks and headers
case("rsa private key", "here is the key:\n{secret}\n", pem("RSA " + "PRIVATE KEY", "ax"))
case("openssh private key", "{secret}", pem("OPENSSH " + "PRIVATE KEY", "ay"))
case("pgp private key", "{secret}", pem("PGP " + "PRIVATE KEY BLOCK", "az"))
case("private key cut off", "the key starts with\n{secret}", pem("EC " + "PRIVATE KEY", "ba", end=False))
case("jwt", "Cookie: session={secret}", jwt("bb"))
case("bearer header", "curl -H 'Authorization: Bearer {secret}' https://api.example.com", rand(URLSAFE, 40, "bc"))
case(
    "basic auth header",
    "Authorization: Basic {secret}",
    base64.b64encode(b"admin:" + rand(ALNUM, 12, "bd").encode()).decode(),
)
case("vault token", "VAULT_TOKEN={secret}", "hv" + "s." + rand(URLSAFE, 95, "be"))
case("age secret key", "{secret}", "AGE-" + "SECRET-KEY-1" + rand("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, "bf"))
case("generic api_key assignment", 'api_key = "{secret}"', rand(ALNUM, 32, "bg"))
case("django secret key", "SECRET_KEY = '{secret}'", rand(ALNUM + "-_", 50, "bh"))

ORDINARY = [
    "I'll stop here to preserve context: phases 1-3 of docs/plans/billing.md are done (commits 3f2a9c1 and "
    "9b8e7d6), phase 4 is next.",
    "Added password_reset_form and the password field validation in src/auth/forms.py; tests pass (42 passed).",
    "The API key lookup moved to config/secrets.py; the access token cache expires after 300 s.",
    "Request 7d9f3b2e-4c1a-4f6e-9b8d-2a1c3e5f7a9b failed with 502, retried after the token refresh.",
    "Fixed the bearer authentication middleware and the Authorization header parsing (see auth/bearer.py).",
    "Ran `git log --oneline -3`: 3f2a9c1 Add billing schema, 8c1d2e4 Wire API, 0a9b8c7 Fix UI.",
    "Files changed: /home/me/project/src/app.py, ./tests/test_app.py, C:\\Users\\me\\app\\main.py.",
    "The password must be at least 12 characters; passwords are hashed with bcrypt (cost 12).",
    "Use sk-learn-compatible estimators; the task-runner and the disk-usage report are done.",
    "See https://docs.python.org/3/library/re.html and http://localhost:8080/health for details.",
    "sha256 of the build: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 (empty input).",
    "Set DB_PASSWORD=${DB_PASSWORD} in .env.example, and password: {{ vault_password }} in the chart.",
    "The key_id column and the public_key field are now indexed; secret_name is read from the vault.",
    "Bypass mode is off; compass and passport modules compile; PWD=/home/me/project when the hook ran.",
    "Phase 2/5 (execute): 14 of 20 steps done. Next: `stopwarden build step 15`.",
]


@pytest.mark.parametrize(("name", "text", "secret"), SECRETS, ids=[name for name, _, _ in SECRETS])
def test_a_secret_is_redacted(name: str, text: str, secret: str) -> None:
    out = redact(text)
    assert "[REDACTED:" in out, out
    assert secret not in out, out
    # Nor any long piece of it: a secret cut in half has leaked half of itself.
    pieces = [secret[i : i + 12] for i in range(0, max(len(secret) - 12, 0) + 1, 6)]
    assert not [p for p in pieces if p in out and p not in text.replace(secret, "")], out


def test_there_are_at_least_40_formats() -> None:
    assert len(SECRETS) >= 40 and len({name for name, _, _ in SECRETS}) == len(SECRETS)


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_stop_text_is_kept_as_it_is(text: str) -> None:
    assert redact(text) == text


def test_the_preview_redacts_what_it_shows() -> None:
    key = pem("RSA " + "PRIVATE KEY", "preview")
    token = "gh" + "p_" + rand(ALNUM, 36, "preview")
    text = "Stopping here. " + key + "\nand " + token + " " + "x" * 70_000
    shown = preview(text)
    assert len(shown) <= 200 and "[REDACTED:" in shown
    assert token[:12] not in shown and key.splitlines()[1][:12] not in shown
    # A secret after a long one the preview skips over still comes out redacted.
    long_key = pem("RSA " + "PRIVATE KEY", "long") * 100
    assert token not in preview("a " + long_key + " b " + token)


SECRET_TEXTS = [text for _, text, _ in SECRETS]
PIECES = ["=", ":", "@", "://", "-----BEGIN ", "PRIVATE KEY-----", "password", "key", "[REDACTED:x]", "\n", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(SECRET_TEXTS), st.sampled_from(PIECES)), max_size=12))
def test_redaction_is_idempotent_and_never_raises(parts: list[str]) -> None:
    text = "".join(parts)
    once = redact(text)
    assert redact(once) == once
    assert preview(text) == preview(text)


def test_the_server_log_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    secret = "gh" + "p_" + rand(ALNUM, 36, "log")
    with caplog.at_level(logging.INFO, logger="stopwarden.server"):
        logging.getLogger("stopwarden.server").warning("the authority failed: %s", f"bad token {secret}")
        try:
            raise ValueError(f"refused {secret}")
        except ValueError:
            logging.getLogger("stopwarden.server").exception("allow (internal_error)")
    assert caplog.records and secret not in caplog.text
    assert "[REDACTED:github-pat]" in caplog.text


# --- through the real store ---------------------------------------------------------------------------


def raw_dump(store: Store, store_url: str) -> bytes:
    """Everything the backend holds, as bytes: the SQLite files, or every table's rows as text."""
    if store.backend == "sqlite":
        return b"".join(p.read_bytes() for p in Path(store_url).parent.glob(Path(store_url).name + "*"))
    with store.engine.connect() as conn:
        return "".join(
            str(row) for table in schema.TABLES for row in conn.exec_driver_sql(f"SELECT * FROM {table.name}")
        ).encode()


def test_an_evaluated_stop_is_stored_redacted(installed: Path, store_url: str) -> None:
    password, stripe, webhook = rand(ALNUM, 20, "st1"), "sk_" + "live_" + rand(ALNUM, 24, "st2"), SECRETS[25][2]
    stop_text = (
        f"I'll stop here to preserve context. DATABASE_URL=postgres://app:{password}@db/prod, "
        f"key {stripe}, alerts to https://{webhook}. Phase 3 is next."
    )
    config = config_module.load(str(installed))
    store = Store.open(store_url)
    gate_settings.first_start(store, config, healthy=True)
    gate = Gate(config, store)
    plan = Artifact(f"docs/plans/{stripe}.md", "a" * 40, "a" * 40, False, False)
    try:
        case_ = Case(stop_text=stop_text, artifacts=(plan,), signals=("wants_to_stop",))
        gate.evaluate(Request("s-redact", "claude-code", case_, time.time() - 3600))
        stored: list[dict[str, Any]] = store.events()
        raw = raw_dump(store, store_url)
    finally:
        gate.close()
        store.close()
    assert len(stored) == 1 and stored[0]["stop_text_preview"].startswith("I'll stop here to preserve context.")
    assert "[REDACTED:url-credentials]" in stored[0]["stop_text_preview"]
    for secret in (password, stripe, webhook):
        assert secret not in str(stored[0]) and secret.encode() not in raw


def test_the_vendored_rule_set_names_its_version() -> None:
    notice = (Path(gitleaks.__file__).parent / "rules" / "NOTICE").read_text()
    assert f"tag {gitleaks.VERSION}" in notice and len(gitleaks.load()) > 200
