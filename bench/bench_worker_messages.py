"""What the query worker's named messages cost on the pipe: pickling and unpickling, against tuples.

    .venv/bin/python bench/bench_worker_messages.py [--body 1024] [--number 100000]

Times `pickle.dumps` + `pickle.loads` (highest protocol, as `multiprocessing.Connection.send` uses)
of one request and one answer per query, each as the named type the worker protocol uses
(`QueryRequest`, `kg.store.messages.Answer`) and as a plain tuple of the same values. The figures
quoted in kg.store.messages come from this script.
"""

from __future__ import annotations

import argparse
import pickle
import timeit

from kg.store.engine import QueryRequest
from kg.store.messages import Answer

QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"


def round_trip_us(value: object, number: int) -> float:
    """Microseconds to pickle and unpickle `value`, best of five runs."""
    protocol = pickle.HIGHEST_PROTOCOL
    # Our own objects, pickled here: nothing untrusted is unpickled.
    runs = timeit.repeat(lambda: pickle.loads(pickle.dumps(value, protocol)),  # noqa: S301
                         number=number, repeat=5)
    return min(runs) / number * 1e6


def main() -> None:
    """Print the round-trip cost of each message, named and as a tuple."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body", type=int, default=1024, help="answer body size in bytes")
    parser.add_argument("--number", type=int, default=100_000, help="round trips per timing run")
    args = parser.parse_args()
    body = b"x" * args.body
    request = QueryRequest(QUERY, limit=10)
    answer = Answer("solutions", "json", False, 10, body)
    cases = {
        "request, QueryRequest (frozen dataclass)": request,
        "request, plain tuple": (QUERY, "json", "turtle", None, None, False, 10, None),
        "answer, Answer (NamedTuple)": answer,
        "answer, plain tuple": ("ok", *answer),
    }
    for name, value in cases.items():
        print(f"{name:42s} {round_trip_us(value, args.number):6.2f} µs")


if __name__ == "__main__":
    main()
