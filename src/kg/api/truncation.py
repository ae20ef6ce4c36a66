"""The one way an answer says a cap cut it: the `KG-Truncated` response header.

Every capped answer that is not JSON of its own (SPARQL results, catalogue answers, exports) carries
it, `true` or `false`; JSON answers say `"truncated"` in their body instead.
"""

from __future__ import annotations

TRUNCATED_HEADER = "KG-Truncated"


def truncation_header(truncated: bool | None) -> dict[str, str]:
    """The header for an answer a cap did (or did not) cut; none where no cap applies (ASK)."""
    if truncated is None:
        return {}
    return {TRUNCATED_HEADER: "true" if truncated else "false"}
