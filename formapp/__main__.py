"""``python -m formapp``: the ``formapp`` command (as the console script runs it)."""

from formapp.launcher import main

if __name__ == "__main__":
    main()
