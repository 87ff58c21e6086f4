"""Configuration of the knowledge service: index, retrieval and answer generation.

Frozen dataclasses with documented defaults; the lead assembles them into the
gateway's config tree (``[knowledge]`` and ``[knowledge.llm]`` in the TOML file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LLMConfig:
    """Which language model writes the answers, and how."""

    url: str = ""
    """OpenAI-compatible server base URL (e.g. ``http://127.0.0.1:8080/v1``);
    empty = run the GGUF model in process with llama-cpp-python."""
    model: str = ""
    """In process: GGUF path (empty = ``models.llm`` or the bundled SmolLM2-135M).
    Server: the model name sent in the request (empty = the server's first model)."""
    n_ctx: int = 2048
    """Context window of the in-process model, in tokens."""
    threads: int = 2
    """CPU threads of the in-process model."""
    max_tokens: int = 160
    """Longest answer, in tokens: answers are spoken, so keep them short."""
    temperature: float = 0.2
    """Sampling temperature; low keeps the model close to the passages."""
    timeout_s: float = 60.0
    """Server only: seconds to wait for the server before giving up."""

    def __post_init__(self) -> None:
        if self.n_ctx < 512:
            raise ValueError(f"llm.n_ctx must be at least 512, got {self.n_ctx}")
        if self.threads < 1:
            raise ValueError(f"llm.threads must be at least 1, got {self.threads}")
        if not 1 <= self.max_tokens < self.n_ctx:
            raise ValueError(f"llm.max_tokens must be in 1..{self.n_ctx - 1}")
        if not 0.0 <= self.temperature <= 2.0:
            raise ValueError(f"llm.temperature must be in 0..2, got {self.temperature}")


@dataclass(frozen=True)
class KnowledgeConfig:
    """Index location, retrieval tuning and answer policy."""

    data_dir: str = ""
    """Where the index lives; empty = ``<gateway data_dir>/knowledge``."""
    qdrant_url: str = ""
    """Empty = embedded Qdrant in ``data_dir``; ``qdrant+http://host:6333`` (or
    ``qdrant+https://``) = a Qdrant server or cluster."""
    collection: str = "site_knowledge"
    """Qdrant collection name."""
    embedder: str = ""
    """sentence-transformers model dir; empty = ``models.embedder`` or the bundled one."""
    embed_batch_size: int = 32
    """Chunks per embedding batch during ingest."""
    embed_threads: int = 1
    """CPU threads of the embedder (torch, process-wide). One keeps retrieval latency steady
    while the language model uses the other cores."""
    query_cache_size: int = 512
    """Query embeddings kept in memory (repeated questions skip the model)."""
    top_k: int = 3
    """Passages handed to the language model (small models answer best from few)."""
    candidates: int = 30
    """Hits taken from each of the vector and BM25 searches before fusion."""
    rrf_k: int = 60
    """Reciprocal rank fusion constant: score = sum 1 / (rrf_k + rank)."""
    tag_boost: float = 1.25
    """Score factor for documents written for the equipment tag in view."""
    type_boost: float = 1.1
    """Score factor for documents written for the type of the equipment in view."""
    procedure_boost: float = 1.2
    """Score factor for the procedure the technician is running."""
    prompt_chars: int = 2000
    """Characters of passage text put into the prompt (fits n_ctx 2048 with room to answer)."""
    groundedness_threshold: float = 0.6
    """Share of an answer sentence's content words that must occur in the passages."""
    max_answer_sentences: int = 3
    """The model's answer stops after this many sentences (spoken answers stay short)."""
    extract_sentences: int = 3
    """Sentences read out when the passage itself is returned (source "extract")."""
    max_warning_docs: int = 1
    """Documents whose warnings are read verbatim in an answer touching safety
    (best-ranked first); passages of other documents with warnings are not cited."""
    llm: LLMConfig = field(default_factory=LLMConfig)

    def __post_init__(self) -> None:
        if self.top_k < 1 or self.candidates < self.top_k:
            raise ValueError("top_k must be >= 1 and candidates >= top_k")
        if not 0.0 < self.groundedness_threshold <= 1.0:
            raise ValueError("groundedness_threshold must be in (0, 1]")
        if min(self.embed_batch_size, self.extract_sentences, self.embed_threads) < 1:
            raise ValueError("embed_batch_size, embed_threads and extract_sentences must be >= 1")
        if self.qdrant_url and not self.qdrant_url.startswith(("qdrant+http://", "qdrant+https://")):
            raise ValueError(
                "qdrant_url must start with qdrant+http:// or qdrant+https://, "
                f"got {self.qdrant_url!r}"
            )

    def resolve_data_dir(self, gateway_data_dir: Path = Path("var/gateway")) -> Path:
        """The index directory: ``data_dir`` if set, else ``<gateway data_dir>/knowledge``."""
        return Path(self.data_dir).expanduser() if self.data_dir else gateway_data_dir / "knowledge"
