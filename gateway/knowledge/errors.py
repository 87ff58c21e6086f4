"""Errors of the knowledge service; each message says what to do about it."""

from __future__ import annotations


class KnowledgeError(RuntimeError):
    """Base class of every knowledge-service error."""


class StoreError(KnowledgeError):
    """The vector store cannot be opened or used (locked directory, server down)."""


class IndexCorruptError(KnowledgeError):
    """The index files are unreadable or inconsistent; re-run ``gateway ingest``."""


class EmptyIndexError(KnowledgeError):
    """Nothing has been ingested yet; run ``gateway ingest``."""


class LLMError(KnowledgeError):
    """The language model failed (cannot load, server unreachable, bad reply)."""
