"""Bounds on untrusted input that more than one stage shares."""

# The largest body newsflow reads: a fetched page or feed after decompression (the default
# fetch_max_bytes), a saved page, a sitemap, an entity-expanded feed. One figure, so that a page
# `newsflow extract` reads from disk is no larger than one the fetcher would have accepted.
MAX_BODY_BYTES = 10 * 1024 * 1024
