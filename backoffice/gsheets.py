"""The one place that makes a gspread client: Google credentials, backoff, and a test/proxy base URL."""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import google.auth.exceptions
import gspread
import requests
from gspread.http_client import BackOffHTTPClient

from backoffice.errors import SipError

SHEETS_URL = "https://sheets.googleapis.com"
DRIVE_URL = "https://www.googleapis.com"
# Set in tests (a fake Sheets API on 127.0.0.1) or behind a proxy; no Google auth is used then.
API_URL_ENV = "SIP_SHEETS_API_URL"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"


class GSheetError(SipError):
    """A Google Sheet that cannot be reached or used; the message is Swedish and says what to do."""


class RedirectingSession(requests.Session):
    """A requests session sending Sheets and Drive calls to another base URL.

    gspread copies its URL constants at import, so the rewrite happens here, per request.
    """

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def rewrite(self, url: str) -> str:
        for prefix in (SHEETS_URL, DRIVE_URL):
            if url.startswith(prefix + "/"):
                return self.base_url + url[len(prefix):]
        return url

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - same contract as requests
        return super().request(method, self.rewrite(url), *args, **kwargs)


def open_client(credentials: str | None = None) -> gspread.Client:
    """A gspread client with exponential backoff on 429/408 (gspread's BackOffHTTPClient).

    With $SIP_SHEETS_API_URL set, requests go to that base URL without any Google auth;
    otherwise the service-account JSON file from `credentials` or $GOOGLE_APPLICATION_CREDENTIALS.
    """
    base_url = os.environ.get(API_URL_ENV)
    if base_url:
        return gspread.Client(auth=None, session=RedirectingSession(base_url), http_client=BackOffHTTPClient)
    path = credentials or os.environ.get(CREDENTIALS_ENV)
    if not path:
        raise GSheetError(
            "Inga inloggningsuppgifter för Google. Ange tjänstekontots JSON-fil med --credentials FIL "
            f"eller miljövariabeln {CREDENTIALS_ENV}, och dela kalkylarket med tjänstekontots e-postadress."
        )
    if not Path(path).is_file():
        raise GSheetError(f"Filen med inloggningsuppgifter {path} finns inte. Kontrollera sökvägen.")
    try:
        return gspread.service_account(filename=path, http_client=BackOffHTTPClient)
    except (ValueError, KeyError, json.JSONDecodeError):
        raise GSheetError(
            f"{path} är inte en JSON-nyckel för ett Google-tjänstekonto. Skapa en nyckel för "
            "tjänstekontot i Google Cloud Console och ange den filen."
        ) from None


def parse_gsheet_source(source: str) -> tuple[str, str | None]:
    """(key, worksheet or None) from `gsheet:KEY[/WORKSHEET]`."""
    rest = source[len("gsheet:"):]
    key, _, worksheet = rest.partition("/")
    if not key.strip():
        raise GSheetError(f"”{source}” saknar kalkylarkets nyckel. Skriv gsheet:NYCKEL eller gsheet:NYCKEL/FLIK.")
    return key.strip(), (worksheet.strip() or None)


@contextlib.contextmanager
def google_errors(key: str):
    """Turn whatever gspread or Google's libraries raise into one GSheetError with a Swedish message.

    The one mapping of Google's errors: reading a source, the sheet store and publishing all use it.
    """
    try:
        yield
    except gspread.SpreadsheetNotFound:
        raise GSheetError(
            f"Google-kalkylarket {key} finns inte eller är inte delat med tjänstekontot. "
            "Kontrollera nyckeln (delen av adressen efter /d/) och dela arket med tjänstekontot "
            "så att det får redigera."
        ) from None
    except PermissionError:
        # gspread turns every 403 into this; Google also answers 403 when the Sheets API is not
        # enabled in the service account's project, the usual first-time mistake.
        raise GSheetError(f"Tjänstekontot har inte behörighet till Google-kalkylarket {key}. "
                          "Dela arket med tjänstekontots e-postadress, och kontrollera att Google Sheets "
                          "API är aktiverat i tjänstekontots projekt i Google Cloud Console.") from None
    except gspread.exceptions.APIError as error:
        raise GSheetError(f"Google svarade med ett fel ({error.code}) för kalkylarket {key}. "
                          "Försök igen om en stund.") from None
    except google.auth.exceptions.RefreshError:
        # Google's token service refused the key: deleted, disabled, or the account is gone.
        raise GSheetError("Google godtog inte tjänstekontots nyckel. Kontrollera att nyckeln och tjänstekontot "
                          "finns kvar i Google Cloud Console, eller skapa en ny nyckel och ange den filen.") from None
    except (requests.RequestException, google.auth.exceptions.TransportError):
        raise GSheetError("Kunde inte nå Google Sheets. Kontrollera nätverksanslutningen och försök igen.") from None


def read_values(client: gspread.Client, key: str, worksheet: str | None = None) -> tuple[str, list[list[str]]]:
    """(worksheet title, all values as shown) of a worksheet: the named one or the first."""
    with google_errors(key):
        spreadsheet = client.open_by_key(key)
        try:
            sheet = spreadsheet.worksheet(worksheet) if worksheet else spreadsheet.get_worksheet(0)
        except gspread.WorksheetNotFound:
            titles = ", ".join(ws.title for ws in spreadsheet.worksheets())
            raise GSheetError(f"Google-kalkylarket {key} har ingen flik som heter ”{worksheet}”. "
                              f"Flikarna heter: {titles}.") from None
        return sheet.title, sheet.get_all_values()
