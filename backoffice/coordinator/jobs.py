"""Long work started from the coordinator's page (a mailing, a compilation) runs in a thread of its own.

The page that started it shows a job page that reloads itself every few seconds (a Refresh
header: no script needed) with how far the work has come, and finally its result.
"""
from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from backoffice.errors import SipError

log = logging.getLogger("sip.samordnare")
REFRESH_SECONDS = 2
# Finished jobs are kept for their pages and downloads (a workbook is up to a megabyte), but not for
# ever in a service that runs all year: at most this many, the oldest dropped first.
KEEP_FINISHED = 20


@dataclass
class Job:
    """One piece of long work: what it is, how far it has come, and how it ended."""

    id: str
    title: str
    owner: str
    total: int = 0
    done: int = 0
    finished: bool = False
    result: Any = None
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def advance(self, steps: int = 1) -> None:
        with self.lock:
            self.done += steps


def start(jobs: dict, title: str, owner: str, total: int, work: Callable[[Job], Any]) -> Job:
    """Run `work(job)` in a thread; its return value becomes the result, a SipError its message."""
    job = Job(secrets.token_urlsafe(9), title, owner, total=total)

    def run():
        try:
            job.result = work(job)
        except SipError as error:
            job.error = str(error)
        except Exception:  # noqa: BLE001 - the coordinator gets a Swedish line; the log gets the rest
            log.exception("job %s failed", title)
            job.error = "Ett oväntat fel inträffade. Ingenting som redan var klart har gått förlorat; försök igen."
        finally:
            job.finished = True

    _forget_old(jobs)
    jobs[job.id] = job
    threading.Thread(target=run, name=f"samordnare-{job.id}", daemon=True).start()
    return job


def _forget_old(jobs: dict) -> None:
    """Drop the oldest finished jobs beyond KEEP_FINISHED; running jobs are never dropped."""
    finished = [job_id for job_id, job in jobs.items() if job.finished]  # dicts keep the order of start
    for job_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
        jobs.pop(job_id, None)
