"""Entity lookup: find an entity from a Chinese name, abbreviation, English words, pinyin or a typo.

`LookupIndex` is the search structure over entity labels; `EntityLookup` keeps one in step with a
store (rebuilt when the store's generation changes) and resolves type filters through the
ontology's subclass hierarchy.
"""

from kg.lookup.index import MATCH_BASE, EntityRecord, Hit, LabelRecord, LookupIndex, SearchResult

__all__ = ["MATCH_BASE", "EntityRecord", "Hit", "LabelRecord", "LookupIndex", "SearchResult"]
