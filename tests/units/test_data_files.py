"""The data folder and its files are their owner's alone; a token is never made from a
secret the running stack does not have."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from typer.testing import CliRunner

from hotline.database import create_engine
from hotline.payload_codec import keys_from_file
from hotline.settings import Settings
from startup.cli import app
from startup.devstack import prepare_database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_data_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    settings.resolved_jwt_secret()
    keys_from_file(data / "encryption-keys")
    engine = create_engine(settings.resolved_database_url())
    await engine.dispose()
    assert mode(data) == 0o700
    for name in ("jwt-secret", "encryption-keys", "hotline.db"):
        assert mode(data / name) == 0o600, name


def test_hotline_token_refuses_without_the_stacks_secret(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    result = CliRunner().invoke(
        app, ["token", "agent"], env={"HOTLINE_DATA_DIR": str(elsewhere), "HOTLINE_JWT_SECRET": ""}
    )
    assert result.exit_code != 0
    assert "no token secret in" in result.output and str(elsewhere) in result.output
    assert not (elsewhere / "jwt-secret").exists()  # nothing made behind the caller's back


async def test_hotline_token_refuses_a_department_the_catalogue_lacks(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", jwt_secret="s" * 40)
    await prepare_database(settings, demo=True)
    env = {"HOTLINE_DATA_DIR": str(settings.data_dir), "HOTLINE_JWT_SECRET": "s" * 40}
    runner = CliRunner()
    # The command runs its own event loop: in a thread of its own here.
    unknown = await asyncio.to_thread(
        runner.invoke, app, ["token", "department", "--department", "nosuch"], env=env
    )
    assert unknown.exit_code != 0 and "no active department 'nosuch'" in unknown.output
    known = await asyncio.to_thread(
        runner.invoke, app, ["token", "department", "--department", "housing"], env=env
    )
    assert known.exit_code == 0 and known.output.startswith("eyJ")
