"""Ingesting a new report: its text read, its structure, mentions and relations extracted with the span
of every one, mentions linked to the entities already in the store, and the result written as a
candidate graph for a curator to review (docs/ingestion.md).

Modules, in the order a report goes through them: `source` (reading a file into text, refusing bad
input), `text` (the matching form of the text with an offset map back to the original), `sections`,
`mentions` (names by their heads; `segmentation`: jieba's dictionary as the judge of words inside
names), `enumerations` (names listed without a head: A、B和C等, …四大平台), `recommendations` (the
report's advice), `relations` (with the masthead and the recipients), `linking`, `candidates` (the
graph and its TriG), `pipeline` (all of them in order). `evaluation` measures the result against a
curated graph.
"""
