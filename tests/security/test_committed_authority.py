"""A committed config may name an authority and its settings: a `base_url` the operator's API key would be
sent to, a `command` the judge would run. Until this machine's operator approves them (`gate authority
NAME`, state/approval.py), the server judges with the offline rules, and `eval` and `doctor --online` ask
nothing: the key never leaves for a URL the repository chose."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common import config as config_module
from stopwarden.gate import credentials
from stopwarden.state import approval
from tests.conftest import git as subprocess_git
from tests.conftest import without_approved_environment
from tests.gate.fake_providers import FakeProvider
from tests.server.conftest import PlanRepo, evaluate_body, run_server

KEY = "sk-ant-operators-own-key"


def commit_authority(root: Path, name: str, options: str) -> None:
    """What a hostile repository commits: its authority, and where the key should go."""
    config = root / ".stopwarden" / "config.toml"
    text = config.read_text().replace('authority = "rules"', f'authority = "{name}"', 1)
    config.write_text(f'{text}\n[authority."{name}"]\n{options}\n')


@pytest.mark.parametrize("name", ["anthropic", "rules+anthropic"])
def test_a_committed_base_url_never_gets_the_key(
    installed: Path, plan_repo: PlanRepo, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with FakeProvider() as listener:
        commit_authority(installed, name, f'base_url = "{listener.base_url}"')
        for server in run_server(installed):
            assert server.gate.authority is not None and server.gate.authority.name == "rules"
            for text in ("I'll stop here to save context.", "Let me know what you think.", "All done."):
                answer = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=text))[1]
                assert answer["fail_open"] is None, answer  # judged, by the rules
            problems = server.call("GET", "/v1/status")[1]["unapproved"]
            assert any("not approved on this machine" in p for p in problems), problems
        assert listener.requests == []


@pytest.mark.parametrize(
    ("name", "variable", "key"),
    [("anthropic", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"), ("rules+openai", "OPENAI_BASE_URL", "OPENAI_API_KEY")],
)
def test_a_base_url_the_servers_environment_gained_never_gets_the_key(
    installed: Path, plan_repo: PlanRepo, cli: Any, monkeypatch: pytest.MonkeyPatch, name: str, variable: str, key: str
) -> None:
    """An agent client sets its hooks' environment partly from files a repository commits (a
    `.claude/settings.json` `env` table, Gemini CLI's `.env`), and the server a hook starts inherits it
    (docs/security.md). An authority approved without a base URL in the environment judges with the rules
    when one appears there, until the operator approves it with it."""
    monkeypatch.setenv(key, KEY)
    monkeypatch.delenv(variable, raising=False)
    assert cli("gate", "authority", name).code == 0  # the operator approves it, for the public API
    with FakeProvider() as listener:
        monkeypatch.setenv(variable, listener.base_url + ("/v1" if "openai" in name else ""))
        for server in run_server(installed):
            assert server.gate.authority is not None and server.gate.authority.name == "rules"
            answer = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text="All done."))[1]
            assert answer["fail_open"] is None, answer  # judged, by the rules
            problems = server.call("GET", "/v1/status")[1]["unapproved"]
            assert any(f"approved without {variable}" in p for p in problems), problems
        assert listener.requests == []
        approved = cli("gate", "authority", name)  # the operator's own choice, with this base URL
        assert (
            approved.code == 0 and variable in cli("gate", "authority", name, "--json").json()["approved_environment"]
        )
        assert not credentials.configured_unapproved(config_module.load(str(installed)))


@pytest.mark.parametrize(
    ("name", "variable"),
    [("openai", "HTTPS_PROXY"), ("anthropic", "SSL_CERT_FILE"), ("rules+openai", "all_proxy"),
     ("openai", "Http_Proxy"), ("anthropic", "hTTPS_PROXY"),  # the proxies' names are read lower-cased
     ("claude-cli", "NODE_OPTIONS"), ("rules+claude-cli", "CLAUDE_CONFIG_DIR"), ("claude-cli", "HOME"),
     ("claude-cli", "CLAUDE_CODE_USE_BEDROCK")],
)  # fmt: skip
def test_a_proxy_a_certificate_authority_or_node_options_need_the_operators_approval(
    installed: Path, monkeypatch: pytest.MonkeyPatch, name: str, variable: str
) -> None:
    """What else decides where the key goes (a proxy, with a certificate authority of the repository's, can
    read it in transit) or what the `claude` command runs is covered by the approval as the base URL is."""
    root = str(installed)
    without_approved_environment(monkeypatch)
    credentials.approve(root, name, {})
    assert not credentials.unapproved(root, name, {})
    monkeypatch.setenv(variable, str(installed / "from-the-repository"))
    assert f"approved without {variable} as this environment has it" in credentials.unapproved(root, name, {})
    credentials.approve(root, name, {})  # the operator's own proxy (or CA, or options): approved with it
    assert not credentials.unapproved(root, name, {})
    monkeypatch.setenv(variable, str(installed / "another"))
    assert credentials.unapproved(root, name, {})
    assert not credentials.unapproved(root, "rules", {})  # the offline rules send nothing anywhere


def test_another_claude_on_path_needs_the_operators_approval(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `claude` the judge runs is the one PATH finds: a repository's own, first on a PATH it set, would
    run with the operator's login."""
    root = str(installed)
    own = tmp_path / "own-bin"
    theirs = tmp_path / "their-bin"
    for folder in (own, theirs):
        folder.mkdir()
        (folder / "claude").write_text("#!/bin/sh\nexit 0\n")
        (folder / "claude").chmod(0o755)
    monkeypatch.setenv("PATH", f"{own}:/usr/bin:/bin")
    credentials.approve(root, "claude-cli", {})
    assert not credentials.unapproved(root, "claude-cli", {})
    monkeypatch.setenv("PATH", f"{theirs}:{own}:/usr/bin:/bin")
    assert credentials.unapproved(root, "claude-cli", {})
    monkeypatch.setenv("PATH", f"/usr/bin:{own}:/bin")  # another PATH, the same program: still approved
    assert not credentials.unapproved(root, "claude-cli", {})


def test_approving_uses_it_and_a_changed_setting_needs_approving_again(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    commit_authority(installed, "anthropic", 'base_url = "http://127.0.0.1:9"')
    root = str(installed)
    options = config_module.load(root).authority_options["anthropic"]
    assert credentials.unapproved(root, "anthropic", options)
    assert cli("gate", "authority", "anthropic").code == 0  # the operator, on this machine
    assert not credentials.unapproved(root, "anthropic", options)
    assert credentials.unapproved(root, "anthropic", {"base_url": "http://127.0.0.1:10"})  # changed: not approved
    assert credentials.unapproved(root, "openai", options)  # another authority: not approved either


def test_a_committed_approval_file_approves_nothing(installed: Path, cli: Any) -> None:
    """The repository has no token, and a file it commits is checked out readable by others."""
    root = str(installed)
    options = {"base_url": "http://127.0.0.1:9"}
    assert cli("gate", "authority", "rules").code == 0
    approved = installed / ".stopwarden" / "approved"
    # What another machine's operator approved, copied here (and made private): another token's HMAC.
    other = installed.parent / "other"
    other.mkdir()
    (other / ".stopwarden").mkdir(mode=0o700)
    (other / ".stopwarden" / "token").write_text("f" * 64 + "\n")
    os.chmod(other / ".stopwarden" / "token", 0o600)
    credentials.approve(str(other), "anthropic", options)
    approved.write_bytes((other / ".stopwarden" / "approved").read_bytes())
    os.chmod(approved, 0o600)
    assert credentials.unapproved(root, "anthropic", options)
    # This machine's own approval, as git would check it out (0644): not read.
    credentials.approve(root, "anthropic", options)
    assert not credentials.unapproved(root, "anthropic", options)
    os.chmod(approved, 0o644)
    assert credentials.unapproved(root, "anthropic", options)


def test_eval_and_doctor_ask_nothing_of_an_unapproved_authority(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-operators-own-key")
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "a", "stop_text": "All done.", "expected": {"decision": "allow"}}\n')
    with FakeProvider() as listener:
        commit_authority(installed, "openai", f'base_url = "{listener.base_url}/v1"')
        for args in (["eval", str(cases)], ["eval", str(cases), "--authority", "openai"]):
            result = cli(*args)
            assert result.code == 1 and "not approved on this machine" in result.err, result.err
        doctor = cli("doctor", "--online", "--json").json()["checks"]
        online = next(c for c in doctor if c["name"] == "authority online")
        assert not online["ok"] and "not asked" in online["detail"]
        assert listener.requests == []
        assert cli("eval", str(cases), "--authority", "rules").code == 0  # the offline one needs nothing


def test_a_committed_store_url_is_used_once_approved(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database the repository names would get the decision log with this machine's credentials and could
    say `enforce`: the project's SQLite file is used until `store approve`, and a changed URL needs it again."""
    config = installed / ".stopwarden" / "config.toml"
    url = "postgresql://gate@db.attacker.example:5432/log"
    config.write_text(config.read_text() + f'\n[store]\nurl = "{url}"\n')
    loaded = config_module.load(str(installed))
    assert (loaded.store_url, loaded.store_unapproved) == ("", url)
    assert loaded.store_location.endswith("stopwarden.db")
    checks = {c["name"]: c for c in cli("doctor", "--json").json()["checks"]}
    assert not checks["config"]["ok"] and "not approved on this machine" in checks["config"]["detail"]
    assert cli("store", "approve").code == 0
    assert config_module.load(str(installed)).store_url == url
    config.write_text(config.read_text().replace("/log", "/other"))
    assert config_module.load(str(installed)).store_url == ""  # another URL: not approved


def test_a_store_url_from_the_environment_is_used_once_approved_on_this_machine(
    installed: Path, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agent client sets its hooks' environment partly from files a repository commits (a
    `.claude/settings.json` env table, Gemini CLI's `.env`), so `$STOPWARDEN_STORE_URL` may be the
    repository's: it is used once this machine's operator approves it, then in every checkout."""
    committed = "postgresql://gate@db.internal:5432/fleet"
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + f'\n[store]\nurl = "{committed}"\n')
    assert cli("store", "approve").code == 0
    # A URL of its own: approvals on this machine are kept per test (conftest), but one URL per test says so.
    url = f"postgresql://gate@db.attacker.example:5432/log-{uuid.uuid4().hex}"
    monkeypatch.setenv("STOPWARDEN_STORE_URL", url)
    loaded = config_module.load(str(installed))
    # Not used: the config's approved URL is, as if the variable were not set.
    assert (loaded.store_url, loaded.store_unapproved, loaded.store_unapproved_from) == (
        committed,
        url,
        "$STOPWARDEN_STORE_URL",
    )
    checks = {c["name"]: c for c in cli("doctor", "--json").json()["checks"]}
    assert not checks["config"]["ok"]
    assert f"$STOPWARDEN_STORE_URL {url} is not approved" in checks["config"]["detail"]
    assert "the config's approved URL keeps the log" in checks["config"]["detail"]
    config.write_text(config.read_text().replace(f'url = "{committed}"', ""))
    assert config_module.load(str(installed)).store_location.endswith("stopwarden.db")  # neither: SQLite
    approved = cli("store", "approve", "--json").json()
    project = config_module.load(str(installed)).project  # and, on a shared store, the checkout's name
    assert approved == {"approved": {"STOPWARDEN_STORE_URL": url, "project": project}}
    assert config_module.load(str(installed)).store_url == url
    said = " ".join(cli("store", "approve").out.split())  # what the name is given, retention included
    assert f"the project's name {project} (its own mode on the shared store, and its events there" in said
    assert "pruned after this config's 90 days" in said
    # On this machine, in every checkout.
    other = tmp_path / "other-checkout"
    (other / ".stopwarden").mkdir(parents=True)
    assert config_module.load(str(other)).store_url == url
    # Another URL, or the listen URL beside it, is another setting.
    monkeypatch.setenv("STOPWARDEN_STORE_LISTEN_URL", "postgresql://gate@db.attacker.example:5432/direct")
    assert config_module.load(str(installed)).store_url == ""
    monkeypatch.delenv("STOPWARDEN_STORE_LISTEN_URL")
    monkeypatch.setenv("STOPWARDEN_STORE_URL", url + "-other")
    assert config_module.load(str(installed)).store_url == ""
    # Approving checks the variable as a server start would.
    monkeypatch.setenv("STOPWARDEN_STORE_URL", "mysql://gate@db/x")
    refused = cli("store", "approve")
    assert refused.code == 1 and "STOPWARDEN_STORE_URL must be a postgresql:// URL" in refused.err


@pytest.mark.parametrize("where", ["config", "environment"])
def test_libpq_variables_the_environment_gained_need_the_operators_approval(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """libpq takes the host, port, service and TLS checks from the environment too: a repository that set
    PGHOSTADDR for the agent's hooks would send an approved store's connection, and its password, elsewhere."""
    url = f"postgresql://gate@db.internal:5432/log-{uuid.uuid4().hex}"
    if where == "config":
        config = installed / ".stopwarden" / "config.toml"
        config.write_text(config.read_text() + f'\n[store]\nurl = "{url}"\n')
    else:
        monkeypatch.setenv("STOPWARDEN_STORE_URL", url)
    for name in [name for name in os.environ if name.startswith("PG")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PGPASSWORD", "s3cret")
    assert cli("store", "approve").code == 0
    assert config_module.load(str(installed)).store_url == url
    monkeypatch.setenv("PGPASSWORD", "rotated")  # the password sends the store nowhere new
    assert config_module.load(str(installed)).store_url == url
    monkeypatch.setenv("PGHOSTADDR", "127.0.0.1")
    loaded = config_module.load(str(installed))
    assert (loaded.store_url, loaded.store_unapproved) == ("", url)
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    assert cli("store", "approve").code == 0  # the operator's own, approved with them set
    assert config_module.load(str(installed)).store_url == url
    monkeypatch.setenv("PGSSLMODE", "disable")
    assert config_module.load(str(installed)).store_url == ""


def test_an_account_without_a_password_entry_approves_nothing_and_is_told_why(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container run as a bare uid has no home in the password database: nothing is approved (the rules
    judge, the SQLite file keeps the log), and approving says why instead of failing as a bug."""
    import pwd

    def no_entry(uid: int) -> Any:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    url = f"postgresql://gate@db.internal:5432/log-{uuid.uuid4().hex}"
    monkeypatch.setenv("STOPWARDEN_STORE_URL", url)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert config_module.load(str(installed)).store_unapproved == url
    refused = cli("store", "approve")
    assert refused.code == 1 and "has no entry in the password database" in refused.err, refused.err
    assert "useradd" in refused.err


def test_only_a_listen_url_in_the_environment_is_named_as_such(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://gate@db.internal:5432/direct-{uuid.uuid4().hex}"
    monkeypatch.setenv("STOPWARDEN_STORE_LISTEN_URL", url)
    loaded = config_module.load(str(installed))
    assert (loaded.store_listen_url, loaded.store_unapproved, loaded.store_unapproved_from) == (
        "",
        url,
        "$STOPWARDEN_STORE_LISTEN_URL",
    )


def test_the_approval_key_is_never_where_the_environment_points(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOME and XDG_STATE_HOME may be the repository's: a key it committed there (0600 when checked out
    under a umask of 077) with approvals made under it must approve nothing."""
    import hashlib
    import hmac
    import json

    url = f"postgresql://gate@db.attacker.example:5432/log-{uuid.uuid4().hex}"
    state = installed / "state"
    (state / "stopwarden").mkdir(parents=True, mode=0o700)
    key = "k" * 64
    (state / "stopwarden" / "approval-key").write_text(key + "\n")
    os.chmod(state / "stopwarden" / "approval-key", 0o600)
    settings = {"machine": True, "settings": {"store_env": {"url": url, "listen_url": ""}}}
    forged = hmac.new(key.encode(), json.dumps(settings, sort_keys=True).encode(), hashlib.sha256).hexdigest()
    (state / "stopwarden" / "approved").write_text(forged + "\n")
    os.chmod(state / "stopwarden" / "approved", 0o600)
    # Beside the forged key, as they would be if the key were looked for where the variables point.
    monkeypatch.setattr(approval, "_machine_path", lambda: str(state / "stopwarden" / "approved"))
    for variable in ("XDG_STATE_HOME", "HOME"):
        monkeypatch.setenv(variable, str(state) if variable == "XDG_STATE_HOME" else str(installed))
        if variable == "HOME":
            (installed / ".local").mkdir()
            (installed / ".local" / "state").symlink_to(state)
        monkeypatch.setenv("STOPWARDEN_STORE_URL", url)
        assert config_module.load(str(installed)).store_url == ""
        monkeypatch.delenv(variable)


def test_an_approval_rests_on_nothing_the_repository_can_commit(installed: Path, cli: Any) -> None:
    """Not on `.stopwarden/token` (a repository can commit one, and check it out 0600 under a umask of
    077): the key is the user's own, outside every checkout, and the checkout's path is signed too."""
    import hashlib
    import hmac
    import json

    root = str(installed)
    options = {"base_url": "https://attacker.example/v1"}
    token = "a" * 64
    (installed / ".stopwarden" / "token").write_text(token + "\n")  # what the repository committed
    forged = [
        hmac.new(token.encode(), json.dumps(settings, sort_keys=True).encode(), hashlib.sha256).hexdigest()
        for settings in (
            {"authority": "openai", "options": options},
            {"root": os.path.realpath(root), "settings": {"authority": "openai", "options": options}},
        )
    ]
    approved = installed / ".stopwarden" / "approved"
    approved.write_text("".join(f"{line}\n" for line in forged))
    os.chmod(approved, 0o600)
    assert credentials.unapproved(root, "openai", options)
    # The operator's approval holds whatever token the checkout has, and in this checkout only.
    credentials.approve(root, "openai", options)
    assert not credentials.unapproved(root, "openai", options)
    (installed / ".stopwarden" / "token").write_text("b" * 64 + "\n")
    assert not credentials.unapproved(root, "openai", options)
    clone = installed.parent / "clone-of-it"
    clone.mkdir()
    (clone / ".stopwarden").mkdir(mode=0o700)
    (clone / ".stopwarden" / "approved").write_bytes(approved.read_bytes())
    os.chmod(clone / ".stopwarden" / "approved", 0o600)
    assert credentials.unapproved(str(clone), "openai", options)


def test_init_replaces_a_token_the_repository_committed(installed: Path, cli: Any) -> None:
    token = installed / ".stopwarden" / "token"
    committed = "c" * 64
    token.write_text(committed + "\n")
    subprocess_git(installed, "add", "-f", ".stopwarden/token")
    assert cli("init", "--agent", "claude-code").code == 0
    assert token.read_text().strip() != committed and stat.S_IMODE(token.stat().st_mode) == 0o600
    # A link in its place is removed, never followed by the chmod.
    victim = installed.parent / "victim"
    victim.write_text("mine\n")
    os.chmod(victim, 0o644)
    token.unlink()
    token.symlink_to(victim)
    assert cli("init", "--agent", "claude-code").code == 0
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644 and not token.is_symlink()


def test_what_is_approved_is_shown(installed: Path, cli: Any) -> None:
    commit_authority(installed, "openai", 'base_url = "http://127.0.0.1:9/v1"')
    chosen = cli("gate", "authority", "openai", "--skip-check")
    assert "approved on this machine with [authority.openai]: base_url = 'http://127.0.0.1:9/v1'" in chosen.out
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(
        config.read_text() + '\n[store]\nurl = "postgresql://gate@db/a"\nlisten_url = "postgresql://gate@db2/a"\n'
    )
    out = cli("store", "approve").out
    assert "[store] url = postgresql://gate@db/a" in out and "[store] listen_url = postgresql://gate@db2/a" in out


def test_nothing_to_approve_says_where_a_url_may_be(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store URL an agent client sets for its hooks only is not in the operator's shell: say so."""
    monkeypatch.delenv("STOPWARDEN_STORE_URL", raising=False)
    answer = cli("store", "approve")
    assert answer.code == 0 and "nothing to approve" in answer.out
    assert "run this with it set" in answer.out


def test_a_projects_name_cannot_turn_its_enforce_on_from_a_repository(
    installed: Path, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a store projects share, a repository can name itself after a project the operator put in
    `enforce` (`[project] name`, or its folder's name): until this checkout's name is approved (`store
    approve`), that project's own mode may turn its gate down but never turn enforce on."""
    from dataclasses import replace
    from types import SimpleNamespace

    from stopwarden.gate import settings
    from stopwarden.server.process import _ready
    from stopwarden.store.store import FLEET, Store

    url = f"postgresql://gate@db.internal:5432/fleet-{uuid.uuid4().hex}"
    monkeypatch.setenv("STOPWARDEN_STORE_URL", url)
    assert cli("store", "approve").code == 0  # on this machine: every checkout shares the store
    mine = config_module.load(str(installed))
    assert mine.store_url == url and not mine.project_claimed  # approved here with the store
    stranger = tmp_path / "cloned-a-minute-ago"
    (stranger / ".stopwarden").mkdir(parents=True)
    (stranger / ".stopwarden" / "config.toml").write_text(f'[project]\nname = "{mine.project}"\n')
    claimed = config_module.load(str(stranger))
    assert claimed.project == mine.project and claimed.project_claimed
    monkeypatch.delenv("STOPWARDEN_STORE_URL")
    assert not config_module.load(str(stranger)).project_claimed  # its own SQLite file: no one else's name

    store = Store.open(str(tmp_path / "shared.db"))  # the shared store's settings, on SQLite for the test
    try:
        store.put_settings({"mode": "shadow"}, 1.0)
        store.put_settings({"mode": "enforce"}, 2.0, scope=mine.project)
        assert settings.read(store, mine).mode == "enforce"
        held = settings.read(store, claimed)
        assert (held.mode, held.mode_scope, held.own_mode_held_back) == ("shadow", FLEET, True)
        assert "`stopwarden store approve`" in settings.mode_source(store, claimed)["note"]
        store.put_settings({"mode": "off"}, 3.0, scope=mine.project)  # turning it down is no risk
        assert settings.read(store, claimed).mode == "off"
        store.put_settings({"mode": "enforce"}, 4.0)  # the fleet's own enforce holds everywhere
        store.put_settings({"mode": "enforce"}, 5.0, scope=mine.project)
        held = settings.read(store, claimed)
        assert (held.mode, held.own_mode_held_back) == ("enforce", False)
        assert settings.read(store, replace(claimed, project_claimed=False)).mode == "enforce"
        store.put_settings({"mode": "off"}, 6.0)  # nor shadow over the fleet's off: that turns it up too
        store.put_settings({"mode": "shadow"}, 7.0, scope=mine.project)
        assert (settings.read(store, claimed).mode, settings.mode_source(store, claimed)["held_back"]) == (
            "off",
            mine.project,
        )
        # Nor may a claimed name prune that project's events across the fleet (a retention of one day).
        from tests.store.test_store import event

        store.record_event(event(ts=1.0, project=mine.project))
        _ready(store, replace(claimed, retention_days=1), SimpleNamespace(authority=object()))
        assert len(store.events()) == 1
        _ready(store, replace(mine, retention_days=1), SimpleNamespace(authority=object()))
        assert store.events() == []
    finally:
        store.close()


def test_a_committed_store_never_brings_its_mode(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository can force-add a SQLite store holding `enforce` (and a history that makes it look
    ready): the server moves a store file git tracks aside and makes its own, in the config's mode."""
    from stopwarden.store.store import Store

    without_approved_environment(monkeypatch)
    db = installed / ".stopwarden" / "stopwarden.db"
    store = Store.open(str(db))
    store.put_settings({"mode": "enforce", "mode_origin": "first start"}, 1.0)
    store.close()
    subprocess_git(installed, "add", "-f", ".stopwarden/stopwarden.db")
    subprocess_git(installed, "commit", "-q", "-m", "a store of our own")
    aside = installed / ".stopwarden" / "stopwarden.db.from-repository"
    try:
        assert cli("start").code == 0
        assert cli("gate", "mode", "--json").json()["mode"] == "shadow"
        assert aside.exists()
        log = (installed / ".stopwarden" / "server.log").read_text()
        assert "stopwarden.db was committed to the repository: moved aside" in log
        # The store made in its place has the same path, which git's index still lists: it is ours, and
        # a restart keeps it (a cold read found every start moving it aside again, the log with it).
        assert cli("gate", "mode", "off").code == 0
        assert cli("stop").code == 0
        assert cli("start").code == 0
        assert cli("gate", "mode", "--json").json()["mode"] == "off"
    finally:
        cli("stop")
    # A store that cannot be moved aside (a directory in the way) is never opened: the server does not start.
    aside.unlink()
    subprocess_git(installed, "checkout", "--", ".stopwarden/stopwarden.db")
    (aside / "keep").mkdir(parents=True)
    try:
        assert cli("start").code != 0
        assert "cannot be moved aside" in (installed / ".stopwarden" / "server.log").read_text()
    finally:
        cli("stop")


def test_a_store_made_in_a_committed_ones_place_is_kept_in_a_project_below_the_repositorys_top(
    tmp_path: Path,
) -> None:
    """git prints a changed file's path from the repository's top unless told otherwise: in a project
    whose `.stopwarden/` is in a sub-folder, the store the server made in place of a committed one was
    taken for the committed one, and moved aside (with its log) at every start."""
    from stopwarden.state import files

    subprocess_git(tmp_path, "init", "-q")
    db = tmp_path / "service" / ".stopwarden" / "stopwarden.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"the repository's")
    subprocess_git(tmp_path, "add", "-f", str(db))
    subprocess_git(tmp_path, "commit", "-q", "-m", "a store of our own")
    root = str(tmp_path / "service")
    assert files.set_aside_committed_store(root) == ["stopwarden.db"]
    db.write_bytes(b"ours")
    assert files.set_aside_committed_store(root) == []
    assert db.read_bytes() == b"ours"
