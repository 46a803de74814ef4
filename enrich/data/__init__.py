"""Data files of the enrich stage (generated: see each file's header)."""
