"""``cli_start``: how long ``formapp --help`` takes, against importing Flask alone.

Both run as fresh processes (the console script's cost is the interpreter's start plus what
``formapp`` imports before it can answer), alternately, so machine noise hits both alike. The
floor is ``python -c "import flask"``: nothing formapp does can start faster (issue 16's goal:
``formapp --help`` within 0.5 s on a quiet 2-core machine).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from functools import partial

from formapp.bench.timing import CaseResult, interleaved

HELP = (sys.executable, "-m", "formapp", "--help")
FLASK_ALONE = (sys.executable, "-c", "import flask")


def _run(command: Sequence[str]) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=60)


def cli_start_case(runs: int) -> CaseResult:
    helped, floor = interleaved(partial(_run, HELP), partial(_run, FLASK_ALONE), runs)
    return CaseResult("cli_start", helped, floor)
