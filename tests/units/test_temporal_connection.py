"""How the Temporal client is secured: plain for the dev server, mTLS or an API key beyond."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.service import TLSConfig

from hotline.settings import Settings


def test_plain_tcp_by_default() -> None:
    assert Settings().temporal_tls() is False


def test_mutual_tls_from_certificate_files(tmp_path: Path) -> None:
    (tmp_path / "client.pem").write_bytes(b"CERT")
    (tmp_path / "client.key").write_bytes(b"KEY")
    settings = Settings(
        temporal_tls_cert=tmp_path / "client.pem", temporal_tls_key=tmp_path / "client.key"
    )
    tls = settings.temporal_tls()
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key) == (b"CERT", b"KEY")


def test_an_api_key_means_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_TEMPORAL_API_KEY", "cloud-key")
    settings = Settings()
    assert settings.temporal_api_key == "cloud-key"
    assert settings.temporal_tls() is True
