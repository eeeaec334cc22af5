"""The ``hotline`` command."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from hotline.logs import configure_logging
from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.ticket import Role

app = typer.Typer(help="12345 government service hotline on Temporal.", no_args_is_help=True)


@app.command()
def up() -> None:
    """Run everything on this machine: Temporal dev server + UI, worker, API, demo city."""
    from hotline.devstack import run_stack

    settings = Settings()
    configure_logging(settings)
    try:
        asyncio.run(run_stack(settings))
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command()
def worker() -> None:
    """Run a worker against the configured Temporal cluster (HOTLINE_TEMPORAL_ADDRESS)."""
    from worker import run_worker

    settings = Settings()
    configure_logging(settings)
    asyncio.run(run_worker(settings))


@app.command()
def api() -> None:
    """Serve the HTTP API (HOTLINE_API_HOST, HOTLINE_API_PORT)."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    configure_logging(settings)
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)


@app.command()
def token(
    role: Annotated[Role, typer.Argument(help="agent, department, supervisor, ...")],
    department: Annotated[
        str | None, typer.Option(help="department code, for role department")
    ] = None,
    sub: Annotated[str | None, typer.Option(help="who the token speaks for")] = None,
    hours: Annotated[int | None, typer.Option(help="validity in hours")] = None,
) -> None:
    """Print a bearer token for the configured secret."""
    settings = Settings()
    try:
        printed = issue_token(
            settings.resolved_jwt_secret(),
            role,
            sub=sub or f"cli-{role.value}",
            department=department,
            ttl=timedelta(hours=hours or settings.token_ttl_hours),
        )
    except ValueError as problem:
        raise typer.BadParameter(str(problem)) from problem
    typer.echo(printed)


@app.command("migrate")
def migrate() -> None:
    """Apply the read model's database migrations (SQLite or PostgreSQL)."""
    from hotline.devstack import prepare_database

    asyncio.run(prepare_database(Settings(), demo=False))


@app.command("seed-demo")
def seed_demo() -> None:
    """Migrate and load the demo city's departments and dispatch catalogue."""
    from hotline.database import create_engine, session_factory
    from hotline.demo_city import load_demo_city
    from hotline.devstack import prepare_database

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
