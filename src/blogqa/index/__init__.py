"""The index: embedders, stores and the ingest pipeline."""
