"""Subcommands of the `kg` CLI, one module each (thin: parse, call the domain, print)."""
