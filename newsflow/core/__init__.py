"""The shared floor: contracts, settings, the Bus and Index protocols and what every stage uses.

It imports no stage package (ingest, enrich, index) and no front door (import-linter checks).
"""
