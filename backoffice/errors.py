"""One base for every error a person must read: a Swedish message, and the exit status a command gives it.

Library code raises these; the command line turns them into `Fel: …` and the exit status in one
place (`cli.support.SwedishGroup`), and the web service into a Swedish page. Nothing re-wraps them.
"""
from __future__ import annotations


class SipError(Exception):
    """A problem a person must act on. `str(error)` is the Swedish message: what is wrong, what to do.

    Exit status 2: the input cannot be used at all (a missing file, a damaged store, a wrong option).
    """

    exit_status = 2


class InvalidData(SipError):
    """The input was read but holds invalid data (rows with errors): exit status 1."""

    exit_status = 1
