"""The hook script the agents launch: `<venv python> -I -S <this file> <event> [<agent>]` (SPEC §10).

The same launch form runs Claude Code's status line, with the event `statusline` (hooks/statusline.py).

`-I -S` skips `site` and the environment, which is what makes the hook start faster than a plain
interpreter. It also keeps this file's folder off `sys.path`, so the script puts its own package root
there: the folder that holds `stopwarden/`, whether that is `src/` or the venv's site-packages.
This file is compiled on every run (a script has no cached bytecode), so it stays this small.
"""

import sys

sys.path.insert(0, __file__.rpartition("/stopwarden/hooks/")[0] or ".")

if sys.argv[1:2] == ["statusline"]:
    from stopwarden.hooks.statusline import main
else:
    from stopwarden.hooks.main import main

if __name__ == "__main__":
    import posix

    # Every hook writes its output with posix.write and keeps no file open, so the interpreter's teardown
    # (about 2 ms, a sixth of a start) has nothing left to do: skip it.
    posix._exit(main(sys.argv[1:]))
