"""Following the web page's import to its end, as the page's script does: the POST answers
with the progress page, whose status is asked until the import is no longer running."""

from __future__ import annotations

import time

from werkzeug.test import TestResponse

from formapp.webclient import Browser


def finish_import(browser: Browser, response: TestResponse) -> TestResponse:
    """The page the import shows once done; ``response`` is the form's POST."""
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    page = response.headers["Location"]
    for _ in range(2400):  # a bound, not a timing: a hung import fails here, not for ever
        status = browser.get(f"{page}/status")
        assert status.status_code == 200 and status.mimetype == "application/json"
        if status.get_json()["state"] != "running":
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the import never finished")
    return browser.get(page)
