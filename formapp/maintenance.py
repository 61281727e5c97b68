"""What crashes and abandoned tablets leave behind, cleared: ``formapp maintenance`` (run it
from cron, e.g. hourly) and ``formapp verify --all`` both do it and report the counts.

* Staged documents (``archive/.staging/*.pdf``; the S3 backend's ``staging/``): promoted if
  their record committed, else dropped (``archive_check.recover_staged``).
* Half-written files (``.incoming-*``, anywhere in the local archive): a process killed
  between writing a file and linking it into place. A whole file (a plain PDF, or an envelope
  that opens) whose record committed is completed into the archive; anything else is removed.
  The database backend writes a document in its record's transaction, an S3 PUT is whole or
  nothing: neither leaves one.
* Consent drafts nobody signed, older than ``FORMAPP_DRAFT_PURGE_HOURS``: they hold a
  personnummer, and a draft is unusable after ``consents.DRAFT_LIFETIME`` anyway (the case
  ``cases.retention.purge_drafts``).

Files younger than ``min_age_seconds`` may belong to a transaction still running in another
process and are left alone.
"""

from __future__ import annotations

from formapp.documents.archive_store import Leftovers
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import ArchivedDocument


def clear_incoming(min_age_seconds: float) -> Leftovers:
    """Half-written archive files (the local backend's; the others have none)."""
    def committed(digest: str) -> bool:
        return db.session.get(ArchivedDocument, digest) is not None

    return evidence().archive.clear_incoming(min_age_seconds, committed)
