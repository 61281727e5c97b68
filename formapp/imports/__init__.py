"""The Excel import's reading side (issues 17 and 21): a participant sheet and its scanned
paper consents checked, and the status of an import running beside its request.

    reading       read_sheet: the file's limits, every row by the forms' rules, the evidence
    sheet_limits  hard limits on an uploaded .xlsx, checked before a cell is parsed
    xlsx_read     the sheet's rows, streamed with lxml
    messages      what a cell of unknown text is told
    scans         scanned paper FK 9443 matched to their rows
    jobs          where a running import stands (a status file per import)

Nothing here writes a record: the one write path is ``cases.importing.import_rows``, called
by the web page (``web.import_progress``) and ``formapp import-excel`` (``formapp.excel_cli``).
Import direction: ``cases.importing`` → ``imports`` → ``records``/``definitions``/``reports.sheet``.
"""
