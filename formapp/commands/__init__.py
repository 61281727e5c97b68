"""CLI commands around a foundation package (``rotate-key`` for protection, ``audio`` for
read-aloud) that also need the record store: kept here, so that the package itself never
imports ``records`` (which imports it). formapp/launcher.py names each command's module.
"""
