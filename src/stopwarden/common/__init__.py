"""The shared building blocks every layer may import: stdlib-only, importing nothing of ours but each other.

names (the one vocabulary), errors, config, project (where the project is), atomic (locked, atomic writes),
fastjson, clip, termsafe (untrusted text on a terminal), timefmt, shell, git (the one git runner), http
(the one HTTP client, for the hook and the CLI), process_group, signals (cheap detectors over a stop text).
The hook imports several of them on every turn, so none may import a third-party package
(tests/test_layers.py holds both rules).
"""
