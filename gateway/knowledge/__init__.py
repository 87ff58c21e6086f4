"""Site knowledge: ingest documents, hybrid retrieval, grounded answers with citations.

Entry point: :class:`gateway.knowledge.base.KnowledgeBase`. Heavy libraries
(torch, qdrant, llama_cpp) load only when a knowledge base is opened.
"""
