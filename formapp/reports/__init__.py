"""Follow-up reports, the Excel export, and charts (issue 7). Read-only: the import is
``formapp.imports`` (reading) and ``cases.importing`` (writing), synthetic data
``formapp.tooling``.

One module per concern::

    filters      what a report covers (förbund, year, insats, kön, priority group)
    queries      the SQL aggregations (GROUP BY in the database, never a loop over rows)
    suppression  small counts hidden, and the cells that would give them away
    grid, model  tables of counts with totals, percents and means
    catalog      the seven reports as data: REPORTS, build_report(id, filters, threshold)
    charts       bar charts as SVG (text) and PNG (Pillow), from one drawing
    workbook     a report as an .xlsx (streamed)
    export       closed participations as an .xlsx, the fields of seeds/000
    sheet        the export's columns (what an import reads back)
"""
