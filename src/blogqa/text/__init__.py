"""Text handling: normalisation, chunking, tokenisation."""
