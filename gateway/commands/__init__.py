"""Subcommands of the ``gateway`` CLI; each module exposes ``add_parser(subparsers)``."""
