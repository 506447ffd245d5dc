"""`tthc serve`: the HTTP service under uvicorn, one or several worker processes."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default $TTHC_HOST or 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default $TTHC_PORT or 8000).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; they share state only through Redis.")
    ] = 1,
) -> None:
    """Start the HTTP service on the configured catalog."""
    import uvicorn

    from cli.options import configured_dossier_logs, open_catalog
    from service.logs import uvicorn_log_config
    from service.settings import get_settings

    settings = get_settings()
    # Fail here with the file or line to fix, not in every worker with a traceback.
    open_catalog(None)
    configured_dossier_logs()
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
