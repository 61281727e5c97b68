"""``formapp bench``: how fast formapp is, each case against a floor measured in the same run.

A case is timed over repeated runs in a warm process (median and p95); where it has a floor —
the least the same work can cost done the plain way — the ratio says how close we are.
"""
