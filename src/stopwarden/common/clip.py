"""Clipping a long text to a budget, keeping its start and, above all, its end.

A stop text that is too long must still be judged, never refused (a refusal lets the agent stop and leaves
no event). Its end is where the agent says what it does now ("I'll stop here to preserve context"), so the
end gets three quarters of the budget and the start the rest. Builtins only: the Stop hook imports this too,
within its interpreter-start budget.
"""

HEAD_SHARE = 4  # the start keeps 1/HEAD_SHARE of the budget, the end the rest


def clip(text: str, limit: int) -> str:
    """`text` when it has at most `limit` characters; else its start and end joined by a marker that says
    how much was cut, `limit` characters at most in all."""
    if len(text) <= limit:
        return text
    # The marker's length depends on the count it names; the count is at most len(text), so sizing the
    # marker for len(text) never overshoots the budget.
    budget = limit - len(_marker(len(text)))
    if budget <= 0:  # no room for a marker: the end alone, where the stop act is
        return text[len(text) - limit :] if limit > 0 else ""
    head = budget // HEAD_SHARE
    tail = budget - head
    return text[:head] + _marker(len(text) - head - tail) + text[len(text) - tail :]


def _marker(cut: int) -> str:
    return f"\n[… {cut} characters cut …]\n"
