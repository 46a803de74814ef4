"""The bundled sample news site, "The Harbor Ledger": ten fictional articles, RSS/Atom/OPML feeds,
a syndicated copy and realistic page chrome, served on loopback for ``make demo`` and tests.

    from demo import SampleSite, ARTICLES, BOILERPLATE_PHRASES

    with SampleSite() as site:          # port 0: a free port
        site.feed_urls                  # [".../feeds/rss.xml", ".../feeds/atom.xml"]
        site.requests["/feeds/rss.xml"] # how often a path was requested

Run it by hand with ``python -m demo [--port 8765] [--delay 0]``.
"""

from .articles import (
    ARTICLES,
    ATOM_PATH,
    FEEDS_TXT_PATH,
    FOREIGN,
    INTERNATIONAL_RSS_PATH,
    OPML_PATH,
    ORIGINALS,
    RSS_PATH,
    SITE_NAME,
    SYNDICATED_COPY,
    WIRE_NAME,
    SampleArticle,
    by_path,
    by_slug,
)
from .server import SITE_ROOT, RequestCounter, SampleSite

# Phrases of the page chrome (cookie banner, navigation, newsletter box, related stories,
# reader comments, footer, inline advertisement, share bar) that are on EVERY article page,
# the syndicated copy included, and in no article's text. After extraction none may remain:
# tests search the index for each and expect zero hits.
COMMON_BOILERPLATE_PHRASES: list[str] = [
    # cookie consent banner
    "We value your privacy",
    "Accept all cookies",
    "Manage cookie preferences",
    # masthead and navigation
    "Subscribe for full access",
    "Tide Tables",
    "Crosswords",
    # newsletter sign-up box
    "Sign up for the Morning Ledger newsletter",
    "from the waterfront and beyond",
    # related stories (headings, headlines and teasers)
    "Related stories",
    "Gull Point Lighthouse",
    "Weekend Ferry Timetable",
    "keep the stalls dry through the winter gales",
    # reader comments
    "Join the conversation",
    "Marigoldfan",
    "BrackwaterBill",
    "allotment society",
    "since the lighthouse vote",
    "quayside car park",
    # share bar and the inline advertisement inside <article>
    "Share this article",
    "Harbourview Marina",
    # footer
    "Harbor Ledger Media Group",
    "Letters to the editor",
    "fictional newspaper made for software demonstrations",
]
# Chrome only the syndicated copy (/partners/wire/...) has.
PARTNER_BOILERPLATE_PHRASES: list[str] = [
    "syndicated news for member publications",
    "distributed under a content partnership",
    "More from the wire",
    "Container Crane Operators",
]
BOILERPLATE_PHRASES: list[str] = COMMON_BOILERPLATE_PHRASES + PARTNER_BOILERPLATE_PHRASES

__all__ = [
    "ARTICLES",
    "ATOM_PATH",
    "BOILERPLATE_PHRASES",
    "COMMON_BOILERPLATE_PHRASES",
    "FEEDS_TXT_PATH",
    "OPML_PATH",
    "ORIGINALS",
    "PARTNER_BOILERPLATE_PHRASES",
    "RSS_PATH",
    "SITE_NAME",
    "SITE_ROOT",
    "SYNDICATED_COPY",
    "WIRE_NAME",
    "RequestCounter",
    "SampleArticle",
    "SampleSite",
    "by_path",
    "by_slug",
]
