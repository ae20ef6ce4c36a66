"""The SPARQL 1.1 endpoint's domain: request parsing, the safety guard, content negotiation,
result serialisation and the service description. Nothing here imports a web framework or the engine.
"""
