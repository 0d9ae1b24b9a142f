"""`.stopwarden/`: the one layer that knows where each of its files is and opens them (issue 18).

A repository commits whatever it likes under `.stopwarden/`, links included, so every open here refuses
to follow a link, checks that each folder it goes through is a real folder of the current user, reads
with a size cap and writes atomically. `paths` names the files; `safe` opens them. Stdlib-only: the
hook uses both.
"""
