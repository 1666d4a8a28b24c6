"""Entry point of the ``coopsat`` command: an interrupt while the libraries load is one line.

Importing the command line pulls in numpy, scipy, skyfield and matplotlib (seconds); a Ctrl-C
then would print the import machinery's traceback. This module imports nothing heavy itself.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Load the command line and run it (``coopsat.experiments.cli.main``)."""
    try:
        from coopsat.experiments.cli import main as cli_main
    except KeyboardInterrupt:
        print("coopsat: interrupted during start-up; nothing was written", file=sys.stderr)
        return 130
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
