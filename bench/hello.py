"""The throughput ceiling: a FastAPI hello-world app served exactly as `kg serve` serves the service.

`kg serve` calls `uvicorn.run(app, host=..., port=..., log_level="info")` (uvicorn picks uvloop and
httptools when installed); this does the same, so the two differ only in the application.
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
def hello() -> dict[str, str]:
    """The cheapest JSON answer FastAPI can give (a plain `def` handler, like the service's)."""
    return {"hello": "world"}


def main() -> None:
    """Serve on 127.0.0.1 with the port from the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
