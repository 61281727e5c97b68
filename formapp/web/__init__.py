"""The web layer: the only package that touches Flask's request."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    pass
