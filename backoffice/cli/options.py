"""Options and helpers that several commands share: the forms, the store's directory, a Google Sheet store."""
from __future__ import annotations

from pathlib import Path

import click

from backoffice import config
from backoffice.forms import schema as schemas


def form_choice() -> click.Choice:
    """The forms in forms/, as a click choice."""
    return click.Choice(schemas.form_ids())


def data_option(function):
    """--data KATALOG: the store's directory."""
    return click.option(
        "--data", "data_dir", metavar="KATALOG", type=click.Path(file_okay=False),
        help="Lagrets katalog (standard: $SIP_DATA, annars var/store). Hemligheten för länkarna "
             "ligger bredvid den, i secret.key, om SIP_SECRET_KEY inte är satt.",
    )(function)


def gsheet_option(function):
    """--gsheet NYCKEL and --credentials FIL: a Google Sheet as the store."""
    function = click.option(
        "--credentials", metavar="FIL", type=click.Path(dir_okay=False),
        help="Tjänstekontots JSON-nyckel för Google (standard: $GOOGLE_APPLICATION_CREDENTIALS).")(function)
    return click.option(
        "--gsheet", "gsheet_key", metavar="NYCKEL",
        help="Spara i ett Google-kalkylark (en flik per blankett) i stället för i katalogen.")(function)


def open_store(data_dir: Path, gsheet_key, credentials):
    """The file store, or a Google Sheet when --gsheet is given."""
    if not gsheet_key:
        from backoffice.store.files import FileStore

        return FileStore(data_dir)
    from backoffice.gsheets import open_client
    from backoffice.store.sheets import SheetStore

    return SheetStore(gsheet_key, open_client(credentials))


def data_dir_of(value) -> Path:
    """The --data directory, or the default store."""
    return Path(value) if value else config.default_data_dir()
