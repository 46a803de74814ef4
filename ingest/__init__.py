"""Ingest: poll feeds, fetch article pages safely, extract clean text, deduplicate, publish.

Modules, one job each:

- ``urls``     URL canonicalization (the article id is a hash of the canonical URL)
- ``fetch``    the bounded HTTP fetcher (timeouts, size caps, redirect cap, private-network guard)
- ``charset``  page bytes to text (header, meta, detection)
- ``feeds``    feed source lists (URLs, text files, OPML) and feed parsing
- ``extract``  main text and metadata of an article page (trafilatura)
- ``state``    what was seen, how each feed answered last time, the feed registry (SQLite)
- ``schedule`` when to poll a feed next (adaptive interval, backoff with jitter, Retry-After)
- ``robots``   robots.txt, fetched with the guarded fetcher, cached per host
- ``sitemaps`` sitemaps, sitemap indexes and Google News sitemaps as a source
- ``registry`` ``newsflow feeds``: add (with autodiscovery), import, export, list, remove
- ``stage``    ``IngestStage``: one poll of a set of feeds, publishing new articles
"""
