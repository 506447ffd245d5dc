"""The `tthc` console script."""

from __future__ import annotations

import typer

from cli import build as build_commands
from cli import catalog as catalog_commands
from cli import evaluate as evaluate_commands
from cli import events as events_commands
from cli import search as search_commands
from cli import serve as serve_commands
from cli import startup as startup_commands
from cli import suggest as suggest_commands
from cli import tune as tune_commands
from cli.options import fail
from service.settings import SettingsError, get_settings

app = typer.Typer(
    help="Hà Nội procedure recommender: catalog, search, events, suggestions, start-up plans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _check_configuration() -> None:
    # Every command reads the settings: a bad TTHC_* value is named once, before any work starts.
    try:
        get_settings()
    except SettingsError as exc:
        fail(str(exc))


app.add_typer(catalog_commands.app, name="catalog")
app.add_typer(evaluate_commands.app, name="eval")
app.command(name="search")(search_commands.search)
app.command(name="startup")(startup_commands.startup)
app.command(name="policies")(startup_commands.policies)
app.command(name="build")(build_commands.build)
app.command(name="tune-encoder")(tune_commands.tune_encoder)
app.command(name="tune-query-encoder")(tune_commands.tune_query_encoder)
app.add_typer(events_commands.app, name="events")
app.command(name="suggest")(suggest_commands.suggest)
app.command(name="serve")(serve_commands.serve)


def main() -> None:
    app()
