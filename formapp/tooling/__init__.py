"""Tooling the running app never imports (issue 16): synthetic data for the bench and the
tests, and the demo's participations. Its writes go through the cases (``formapp.cases``)
and their column mappings, never a copy of them.

    sample_consent         the consent samples with clearly fake data (`formapp sample-pdf`,
                           the bench, scripts/sample_hashes.py)
    synthetic              bulk-inserted synthetic participations (bench, report tests)
    demo_data              the demo's participations for the reports, through the real cases
    _sqlalchemy_internals  the COPY path's one reach around SQLAlchemy's statements
"""
