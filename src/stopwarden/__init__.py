"""stopwarden: keeps AI coding agents working until the work is done.

This module is imported by the hook on every agent turn, so it must stay free of imports:
the version is a constant, never looked up through importlib.metadata (+100 ms).
"""

__version__ = "0.1.0"
