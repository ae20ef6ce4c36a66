"""The SPARQL 1.1 endpoint's protocol: request parsing, content negotiation, the endpoint and the
service description. The safety guard and the result writers belong to the engine boundary
(kg.store.guard, kg.store.results), which runs every client query. Nothing here imports a web
framework or the engine.
"""
