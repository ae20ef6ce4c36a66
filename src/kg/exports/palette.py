"""One colour per entity category, shared by every export and the web page.

Families share a hue range so a picture reads at a glance: organisations in blues and teals, documents
and plans in purples, events in oranges, places in browns and greens, people in reds. Categories the
palette does not know get a stable colour derived from their name, so a new class never breaks an export.
"""

from __future__ import annotations

import hashlib

#: Colour (hex, #rrggbb) of each category (local name of the most specific project class).
CATEGORY_COLOURS: dict[str, str] = {
    # organisations
    "GovernmentBody": "#1f5fa8",
    "LeadingGroup": "#c0392b",
    "CoordinationOffice": "#2e86c1",
    "ManagementCommittee": "#17a589",
    "Council": "#48c9b0",
    "ResearchOrganization": "#5dade2",
    "WorkingGroup": "#76b7b2",
    "Enterprise": "#0e6655",
    "Organization": "#85929e",
    "OrganizationalUnit": "#7fb3d5",
    # people and posts
    "Person": "#e74c3c",
    "Post": "#f1948a",
    # documents, plans, decisions
    "Directive": "#8e44ad",
    "Plan": "#a569bd",
    "Policy": "#bb8fce",
    "RecommendationSet": "#6c3483",
    "Recommendation": "#d2b4de",
    "Report": "#4a235a",
    "ReportSeries": "#5b2c6f",
    "Section": "#c39bd3",
    "Evidence": "#bdc3c7",
    # money, facilities, programmes, topics
    "Fund": "#d4ac0d",
    "MajorScienceFacility": "#b9770e",
    "BigScienceProgramme": "#f4d03f",
    "PriorityArea": "#58d68d",
    "Platform": "#1abc9c",
    "Industry": "#28b463",
    # places
    "InnovationArea": "#a04000",
    "NationalScienceCenter": "#dc7633",
    "Venue": "#ba4a00",
    "AdministrativeArea": "#935116",
    # events
    "Event": "#f39c12",
    "StudyVisit": "#f5b041",
    "Inspection": "#e67e22",
    "Survey": "#f8c471",
    "Approval": "#ca6f1e",
    "Establishment": "#eb984e",
    "Meeting": "#f0b27a",
    "Reorganisation": "#d35400",
    "Renaming": "#e59866",
}

#: Colour of nodes with no known category.
DEFAULT_COLOUR = "#7f8c8d"


def colour_of(category: str | None) -> str:
    """The hex colour of a category; unknown categories get a stable colour from their name."""
    if not category:
        return DEFAULT_COLOUR
    known = CATEGORY_COLOURS.get(category)
    if known is not None:
        return known
    # A hash keeps the colour the same across runs and machines (Python's hash() is salted).
    digest = hashlib.sha1(category.encode("utf-8"), usedforsecurity=False).digest()
    r, g, b = (64 + digest[i] % 160 for i in range(3))  # mid tones: readable with dark or light text
    return f"#{r:02x}{g:02x}{b:02x}"


def rgb_of(colour: str) -> tuple[int, int, int]:
    """The (r, g, b) channels of a #rrggbb colour; raises ValueError for another form."""
    if len(colour) != 7 or not colour.startswith("#"):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on a background of `colour`."""
    r, g, b = rgb_of(colour)
    # Relative luminance with the sRGB weights; 0.55 keeps white text on the mid blues and reds.
    luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    return "#000000" if luminance > 0.55 else "#ffffff"
