"""`python -m stopwarden`: the CLI, for processes that start it without the console script."""

import sys

from stopwarden.cli.main import main

sys.exit(main())
