"""Subcommands of the ``glasses`` CLI; each module exposes ``add_parser(subparsers)``."""
