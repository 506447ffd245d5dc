"""The `tthc` console script."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import build as build_commands
from cli import catalog as catalog_commands
from cli import evaluate as evaluate_commands
from cli import events as events_commands
from cli import search as search_commands
from cli import startup as startup_commands
from cli import suggest as suggest_commands

app = typer.Typer(
    help="Hà Nội procedure recommender: catalog, search, events, suggestions, start-up plans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_commands.app, name="catalog")
app.add_typer(evaluate_commands.app, name="eval")
app.command(name="search")(search_commands.search)
app.command(name="startup")(startup_commands.startup)
app.command(name="policies")(startup_commands.policies)
app.command(name="build")(build_commands.build)
app.add_typer(events_commands.app, name="events")
app.command(name="suggest")(suggest_commands.suggest)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default $TTHC_HOST or 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $TTHC_PORT or 8000).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; they share state only through Redis.")
    ] = 1,
) -> None:
    """Start the HTTP service on the configured catalog."""
    import uvicorn

    from service.logs import uvicorn_log_config
    from service.settings import get_settings

    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        typer.secho(
            "warning: several workers without TTHC_REDIS_URL keep separate counters, events and caches;"
            " set TTHC_REDIS_URL to share them",
            err=True,
            fg=typer.colors.YELLOW,
        )
    uvicorn.run(
        "service.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        log_config=uvicorn_log_config(settings.log_level),
    )


def main() -> None:
    app()
