"""Cases: what one act of the service does, whole (issue 16's use-case layer).

A case is one lifecycle step of a participant's records (register, correct, end, import,
withdraw, erase, give access). Each case alone does *check → render → seal → stage → rows →
audit*, in that order, and owns its transaction: it flushes, its caller (a web view, the CLI,
the demo, the bench) commits once. Nothing else writes. ``formapp.records`` is the store's
models and queries, ``formapp.reports`` only reads.

Import direction: ``cases`` → ``records``/``documents``/``definitions``/``domain`` (and
``imports``, the import's reading side), never back.
"""
