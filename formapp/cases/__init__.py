"""Cases: what one act of the service does, whole (issue 16's use-case layer).

A case is one act of the service: a lifecycle step of a participant's records (register,
correct, end, import, withdraw, erase, give access) or of its administration (counts, förbund
and insatser, users and permissions, consent texts and recordings, sign-in links, TOTP, the
archive's renewal). Each case alone does *check → render → seal → stage → rows → audit*, in
that order, and owns its transaction: it flushes, its caller (a web view, the CLI, the demo,
the bench) commits once. Nothing else writes an act. ``formapp.records`` is the store's models
and queries (and the sign-in's own session state, README: Architecture), ``formapp.reports``
only reads.

Import direction: ``cases`` → ``records``/``documents``/``definitions``/``domain`` (and
``imports``, the import's reading side), never back.
"""
