"""Fixtures of the authority tests: a scripted model server in each provider's wire format."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gate.fake_providers import FakeProvider


@pytest.fixture(params=["anthropic", "openai"])
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FakeProvider]]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-test-key")
    with FakeProvider() as fake:
        yield request.param, fake
