"""The record store: SQLAlchemy models and store functions.

Store functions validate, add and ``flush``; they never commit. The web layer commits once per
request, so a rule violation anywhere leaves nothing half-saved.
"""
