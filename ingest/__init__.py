"""Ingest: poll feeds, fetch article pages safely, extract clean text, deduplicate, publish.

Modules, one job each:

- ``urls``     URL canonicalization (the article id is a hash of the canonical URL)
- ``fetch``    the bounded HTTP fetcher (timeouts, size caps, redirect cap, private-network guard)
- ``charset``  page and feed bytes to text (header, meta or XML declaration, detection)
- ``feeds``    feed source lists (URLs, text files, OPML) and feed parsing
- ``entryfields`` one feed entry's fields read with their types (a wrong one is dropped, said once)
- ``xmlguard`` feed XML bounded before parsing (entity expansion budget, one encoding)
- ``sites``    registrable domains (public suffix list snapshot): a page speaks for its own site only
- ``markup``   the per-page markup budget checked before extraction
- ``dispatch`` page fetches started only when their site is ready (politeness never holds other sites)
- ``extract``  main text and metadata of an article page (trafilatura)
- ``state``    what was seen, how each feed answered last time, the feed registry (SQLite)
- ``schedule`` when to poll a feed next (adaptive interval, backoff with jitter, Retry-After)
- ``robots``   robots.txt, fetched with the guarded fetcher, cached per host
- ``sitemaps`` sitemaps, sitemap indexes and Google News sitemaps as a source
- ``registry`` ``newsflow feeds``: add (with autodiscovery), import, export, list, remove
- ``stage``    ``IngestStage``: one poll of a set of feeds, publishing new articles
"""
