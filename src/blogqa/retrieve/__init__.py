"""Retrieval: query analysis, ranking, fusion."""
