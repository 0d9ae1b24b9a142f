"""Signals: cheap, named detectors over a stop text (SPEC §5.2). They decide whether to ask the authority,
never whether to block.

Phrase lists matched with `in` on the lower-cased text: no regular expressions, because the Stop hook
runs this on every turn and `re` costs milliseconds to import. Stdlib-free.
"""

PHRASES: dict[str, tuple[str, ...]] = {
    "mentions_context": (
        "context window", "context limit", "context is", "my context", "clean context", "nearly full context",
        "full context", "preserve context", "save context", "saving context", "preserving context",
        "context reasons", "context budget", "context usage",
        "tokens", "token budget", "compaction", "compacted", "auto-compact", "deep into this conversation",
        "long conversation", "conversation is getting long", "running low", "working memory", "ctx ",
        "[ctx", "thread is long", "this thread", "context window", "compaction",
        # other languages agents answer in: German, Spanish, French, Portuguese
        "kontext", "contexto", "contexte",
    ),
    "mentions_fresh_session": (
        "fresh session", "new session", "next session", "another session", "fresh one", "new conversation",
        "fresh conversation", "fresh start", "fresh context", "restart", "pick this up", "pick it up",
        "continue later", "resume later", "later session", "hand off", "hand this off", "handing off",
        "new instance", "next instance", "fresh instance", "follow-up session", "hand the baton",
        "neue sitzung", "neuen sitzung", "frischen session", "nächsten sitzung", "nueva sesión", "próxima sesión",
        "nueva sesion", "proxima sesion", "nouvelle session", "nova sessão",
    ),
    "mentions_break_point": (
        "break point", "breakpoint", "stopping point", "good place to stop", "natural place to stop",
        "checkpoint", "slice boundary", "natural pause", "clean break", "natural seam", "good seam",
        "haltepunkt", "punto de corte", "point d'arrêt",
    ),
    "wants_to_stop": (
        "stop here", "stop now", "i'll stop", "i will stop", "i'm going to stop", "stopping", "pause here",
        "pausing", "wrap up", "wrapping up", "wrap this up", "hand off", "leave it there", "leave it here",
        "end the session", "ending this session", "end this session", "call it a day", "let me know",
        "i'll stop;", "good place to stop", "i'll end", "over to you", "say the word", "if you want me to",
        "happy to keep going", "shall i continue", "want me to continue", "check back", "for now",
        "enough for this", "enough for today", "hand this back", "hand it back", "back to you", "pausing",
        "mache hier schluss", "höre hier auf", "lo dejo", "por ahora", "me detengo", "je m'arrête",
    ),
    "mentions_remaining_work": (
        "next step", "next slice", "remaining", "left to do", "what's left", "still to do", "is next",
        "are next", "todo", "to be done", "not yet done", "next i need", "the rest", "still open", "not started",
        "el resto", "restlichen", "verbleibend",
    ),
    "states_continuation": (
        "i'll carry on", "i will carry on", "carrying on", "i'll continue with", "i will continue with",
        "continuing with", "proceeding to", "proceeding with", "next i need to", "next, i need to", "next, i'll",
        "next i'll", "i'll pick up", "i will pick up", "continuaré", "sigo en", "mache weiter", "ich mache in",
        "je continue",
        "moving on to", "i'll move on", "now i'll", "let me now", "i'll now",
    ),
}  # fmt: skip

SIGNALS = (*PHRASES, "suspiciously_quiet")
QUIET_CHARS = 20
RECENT_COMMIT_S = 600


def normalise(text: str) -> str:
    """Lower case, with typographic apostrophes made plain, as every phrase list here is written."""
    return text.lower().replace("\u2019", "'")


def detect(stop_text: str, last_commit_age_s: float | None = None) -> list[str]:
    """The names of the signals that fire on `stop_text`, in a stable order.

    `suspiciously_quiet` needs to know how long ago the last commit was; without it, it does not fire.
    """
    text = normalise(stop_text)
    fired = [name for name, phrases in PHRASES.items() if any(map(text.__contains__, phrases))]
    quiet = len(stop_text.strip()) <= QUIET_CHARS
    if quiet and last_commit_age_s is not None and last_commit_age_s <= RECENT_COMMIT_S:
        fired.append("suspiciously_quiet")
    return fired
