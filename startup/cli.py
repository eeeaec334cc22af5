"""The ``hotline`` command."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError

from hotline.logs import configure_logging
from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.reports import ReportKind
from schema.ticket import Role

T = TypeVar("T")

app = typer.Typer(help="12345 government service hotline on Temporal.", no_args_is_help=True)


@app.command()
def up() -> None:
    """Run everything on this machine: Temporal dev server + UI, worker, API, demo city."""
    from startup.devstack import run_stack

    settings = Settings()
    configure_logging(settings)
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C during shutdown
        asyncio.run(run_stack(settings))
    typer.echo("stopped")


@app.command()
def worker() -> None:
    """Run a worker against the configured Temporal cluster (HOTLINE_TEMPORAL_ADDRESS)."""
    from startup.worker_process import run_worker

    settings = Settings()
    configure_logging(settings)
    asyncio.run(run_worker(settings))


@app.command()
def api() -> None:
    """Serve the HTTP API (HOTLINE_API_HOST, HOTLINE_API_PORT; HOTLINE_API_REUSE_PORT to
    run several on one port)."""
    from startup.api_server import serve_api

    settings = Settings()
    configure_logging(settings)
    serve_api(settings)


@app.command()
def token(
    role: Annotated[Role, typer.Argument(help="agent, department, supervisor, ...")],
    department: Annotated[
        str | None, typer.Option(help="department code, for role department")
    ] = None,
    sub: Annotated[str | None, typer.Option(help="who the token speaks for")] = None,
    hours: Annotated[int | None, typer.Option(help="validity in hours")] = None,
    speaks_for: Annotated[
        list[str] | None,
        typer.Option(
            "--speaks-for",
            help="for role integrator: a partner line this integration answers for (110); "
            "only such a token accepts or hands back a ticket given to 110, or hands one over",
        ),
    ] = None,
) -> None:
    """Print a bearer token for the configured secret (HOTLINE_JWT_SECRET, or the one the
    running stack keeps in its data folder)."""
    settings = Settings()
    if department is not None:
        _require_department(settings, department)
    try:
        printed = issue_token(
            settings.resolved_jwt_secret(create=False),
            role,
            sub=sub or f"cli-{role.value}",
            department=department,
            ttl=timedelta(hours=hours or settings.token_ttl_hours),
            speaks_for=frozenset(speaks_for or ()),
        )
    except ValueError as problem:
        raise typer.BadParameter(str(problem)) from problem
    typer.echo(printed)


def _require_department(settings: Settings, code: str) -> None:
    """A department token only for a unit the running stack's catalogue has, active."""
    from sqlalchemy.engine.url import make_url

    url = settings.resolved_database_url()
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database and not Path(database).exists():
        raise typer.BadParameter(
            f"no catalogue at {database} to check '{code}' against: run this where "
            "`hotline up` runs, or set HOTLINE_DATA_DIR or DATABASE_URL as the stack has them",
            param_hint="--department",
        )
    try:
        active = asyncio.run(_department_is_active(url, code))
    except SQLAlchemyError as problem:
        raise typer.BadParameter(
            f"the catalogue at {url} cannot be read to check '{code}' "
            f"({type(problem).__name__}); is this the running stack's data folder?",
            param_hint="--department",
        ) from problem
    if not active:
        raise typer.BadParameter(
            f"no active department '{code}' in the catalogue at {url}",
            param_hint="--department",
        )


async def _department_is_active(url: str, code: str) -> bool:
    from sqlalchemy import select

    from hotline.database import create_engine, session_factory
    from schema.tables import Department

    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            active = await session.scalar(select(Department.active).where(Department.code == code))
    finally:
        await engine.dispose()
    return bool(active)


user_app = typer.Typer(help="Accounts of the people who sign in.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _run_on_accounts(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work`` with sessions on the migrated read model, where accounts live."""
    from hotline.database import create_engine, session_factory, upgrade_database
    from services.accounts import AccountError

    url = Settings().resolved_database_url()

    async def run() -> T:
        await upgrade_database(url)
        engine = create_engine(url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except AccountError as problem:
        raise typer.BadParameter(str(problem)) from problem


PasswordFromStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="read the password from the first line of standard input (for scripts); "
        "without it the password is asked for, hidden, or made with --generate. It is "
        "never an argument, which every user of the machine could read in the process list",
    ),
]


def _password(from_stdin: bool, generate: bool) -> str:
    from services.accounts import new_password

    if generate:
        made = new_password()
        typer.echo(f"password: {made}")
        return made
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    entered: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return entered


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="lowercase letters, digits, . _ -")],
    role: Annotated[Role, typer.Option(help="agent, department, supervisor, ...")],
    name: Annotated[str | None, typer.Option(help="display name; default the username")] = None,
    department: Annotated[str | None, typer.Option(help="for role department")] = None,
    password_stdin: PasswordFromStdin = False,
    generate: Annotated[bool, typer.Option(help="make a password and print it")] = False,
) -> None:
    """Add an account."""
    from services.accounts import add_user

    secret = _password(password_stdin, generate)
    made = _run_on_accounts(
        lambda sessions: add_user(
            sessions,
            username=username,
            display_name=name or username,
            role=role,
            password=secret,
            department=department,
        )
    )
    typer.echo(f"added {made.username} ({made.role.value})")


@user_app.command("passwd")
def user_passwd(
    username: str,
    password_stdin: PasswordFromStdin = False,
    generate: Annotated[bool, typer.Option(help="make a password and print it")] = False,
) -> None:
    """Set a new password; the user's sessions and tokens end."""
    from services.accounts import set_password

    secret = _password(password_stdin, generate)
    _run_on_accounts(lambda sessions: set_password(sessions, username, secret))
    typer.echo(f"new password set for {username}; their sessions have ended")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable an account; its sessions end now and its tokens within a minute."""
    from services.accounts import disable_user

    _run_on_accounts(lambda sessions: disable_user(sessions, username))
    typer.echo(f"{username} disabled")


@user_app.command("list")
def user_list() -> None:
    """Every account: username, role, department, active, last sign-in."""
    from services.accounts import list_users

    for account in _run_on_accounts(list_users):
        last = account.last_sign_in_at.isoformat() if account.last_sign_in_at else "never"
        state = "active" if account.active else "disabled"
        typer.echo(
            f"{account.username:<24} {account.role.value:<11} {account.department or '-':<24} "
            f"{state:<9} last sign-in {last}  {account.display_name}"
        )


report_app = typer.Typer(help="Periodic reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("run")
def run_report(
    kind: Annotated[ReportKind, typer.Argument(help="which report")],
    as_of: Annotated[str | None, typer.Option(help="ISO instant it is as of; default now")] = None,
) -> None:
    """Compile a report now, as its schedule would, and print it."""
    from datetime import datetime

    from hotline.database import create_engine, session_factory
    from hotline.temporal import connect
    from schema.reports import ReportRequest
    from schema.tables import Report
    from workflows.reports import ReportWorkflow

    settings = Settings()

    async def run() -> str:
        client = await connect(settings)
        request = ReportRequest(kind=kind, as_of=datetime.fromisoformat(as_of) if as_of else None)
        summary = await client.execute_workflow(
            ReportWorkflow.run,
            request,
            id=f"report-{kind.value}-by-hand-{uuid.uuid4().hex[:8]}",
            task_queue=settings.task_queue,
        )
        return summary.id

    async def run_and_read() -> str:
        report_id = await run()
        engine = create_engine(settings.resolved_database_url())
        try:
            async with session_factory(engine)() as session:
                report = await session.get(Report, report_id)
        finally:
            await engine.dispose()
        if report is None:
            return f"report {report_id} compiled; read it at GET /v1/reports/{report_id}"
        return f"{report.markdown}\n\n(report {report_id}: GET /v1/reports/{report_id})"

    typer.echo(asyncio.run(run_and_read()))
    exit_without_teardown()


def exit_without_teardown(code: int = 0) -> None:
    """End a command that used a Temporal client at once, its output flushed. Finalising
    the interpreter while the client's native runtime still has threads aborted the
    process now and then (``PyGILState_Release``, exit 134) after the work was done."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@app.command()
def doctor() -> None:
    """What is stuck: failing workflow tasks, retrying activities, read-model rows behind
    their ticket, schedules that missed a run; each with its Temporal UI link and what to
    do. Exits 1 when it finds anything (for a cron job or a monitoring check)."""
    from hotline.database import create_engine, session_factory
    from hotline.temporal import connect
    from services.doctor import checkup
    from startup.doctor_text import checkup_text

    settings = Settings()

    async def run() -> tuple[str, bool]:
        client = await connect(settings)
        engine = create_engine(settings.resolved_database_url())
        try:
            result = await checkup(client, session_factory(engine), settings)
        finally:
            await engine.dispose()
        return checkup_text(result), bool(result.findings)

    text, found = asyncio.run(run())
    typer.echo(text)
    exit_without_teardown(1 if found else 0)


@app.command()
def reseal() -> None:
    """Seal every stored citizen and free text again with the first encryption key and
    recompute the phone look-ups, and seal again every attachment still under an older
    key: after changing HOTLINE_ENCRYPTION_KEYS."""
    from hotline import sealing
    from hotline.blob_store import build_blob_store
    from hotline.database import create_engine, session_factory
    from hotline.reseal import reseal as reseal_all

    settings = Settings()
    keys = settings.resolved_encryption_keys()
    sealing.use_keys(keys)

    async def run() -> dict[str, int]:
        engine = create_engine(settings.resolved_database_url())
        try:
            counts = await reseal_all(session_factory(engine))
        finally:
            await engine.dispose()
        files = await build_blob_store(settings, keys).reseal_all()
        return {**counts, "attachment files": files.resealed}

    counts = ", ".join(f"{table} {count}" for table, count in asyncio.run(run()).items())
    typer.echo(f"resealed with key {settings.resolved_encryption_keys().active_id}: {counts}")


@app.command("migrate")
def migrate() -> None:
    """Apply the read model's database migrations (SQLite or PostgreSQL)."""
    from startup.devstack import prepare_database

    asyncio.run(prepare_database(Settings(), demo=False))


@app.command("seed-demo")
def seed_demo() -> None:
    """Migrate and load the demo city's departments and dispatch catalogue."""
    from hotline.database import create_engine, session_factory
    from startup.demo_city import load_demo_city
    from startup.devstack import prepare_database

    settings = Settings()

    async def seed() -> None:
        await prepare_database(settings, demo=False)
        engine = create_engine(settings.resolved_database_url())
        try:
            await load_demo_city(session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(seed())
    typer.echo("demo city loaded")
