"""innokg: a knowledge graph of innovation-governance entities, served over SPARQL and friends."""

__version__ = "0.1.0"
