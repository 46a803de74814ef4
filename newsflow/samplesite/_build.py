"""Render the sample site's static files (``site/``) from ``articles.py``.

The files under ``site/`` are committed; this module is how they were made. After editing an
article or the chrome, regenerate with::

    python -m demo._build

``tests/unit/test_samplesite.py`` checks that the files on disk match what this module renders.
URLs are written with the ``{{BASE}}`` placeholder, which the server replaces when serving.
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

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
    SITE_TAGLINE,
    WIRE_NAME,
    SampleArticle,
)

BASE = "{{BASE}}"
SITE_DIR = Path(__file__).resolve().parent / "site"

# ---------------------------------------------------------------------------------------------
# Boilerplate: the same on every page, and never in any article's text. Keep in sync with
# BOILERPLATE_PHRASES in __init__.py (a test checks every phrase is on every article page).
# ---------------------------------------------------------------------------------------------

COOKIE_BANNER = f"""\
<div id="cookie-consent" class="consent-banner" role="dialog" aria-label="Cookie consent">
  <p><strong>We value your privacy.</strong> We and our advertising partners store and access
  information on your device to personalise content, measure audiences and show relevant ads.</p>
  <button type="button" class="btn btn-primary" data-consent="all">Accept all cookies</button>
  <button type="button" class="btn" data-consent="essential">Reject optional cookies</button>
  <a class="consent-settings" href="{BASE}/privacy.html#cookies">Manage cookie preferences</a>
</div>"""

NAV_SECTIONS = (
    ("Home", "/"),
    ("World", "/#world"),
    ("Business", "/#business"),
    ("Markets", "/#business"),
    ("Opinion", "/#opinion"),
    ("Harbourside", "/#local"),
    ("Tide Tables", "/#local"),
    ("Crosswords", "/#puzzles"),
)


def _nav() -> str:
    items = "\n".join(f'      <li><a href="{BASE}{href}">{escape(label)}</a></li>' for label, href in NAV_SECTIONS)
    return f"""\
  <nav class="main-nav" aria-label="Sections">
    <ul class="menu">
{items}
    </ul>
  </nav>"""


def _site_header() -> str:
    return f"""\
<header class="site-header">
  <div class="masthead">
    <a class="logo" href="{BASE}/">{SITE_NAME}</a>
    <p class="tagline">{SITE_TAGLINE}</p>
    <a class="subscribe-button" href="{BASE}/subscribe.html">Subscribe for full access</a>
  </div>
{_nav()}
</header>"""


NEWSLETTER = f"""\
<aside class="newsletter-signup" id="newsletter">
  <h2>Sign up for the Morning Ledger newsletter</h2>
  <p>Top stories from the waterfront and beyond, in your inbox every weekday at 6am.</p>
  <form action="{BASE}/newsletter/subscribe" method="post">
    <label>Email address <input type="email" name="email" placeholder="you@example.com"></label>
    <button type="submit">Sign me up</button>
  </form>
  <p class="small-print">You can unsubscribe at any time with one click.</p>
</aside>"""

RELATED_STORIES = (
    ("/local/gull-point-lighthouse-repainted.html", "Volunteers Finish Repainting the Gull Point Lighthouse",
     "The red and white bands are back just in time for the summer sailing season."),
    ("/local/weekend-ferry-timetable-spring.html", "Weekend Ferry Timetable Changes for the Spring Season",
     "Later sailings to the outer islands start on the first Saturday of April."),
    ("/local/fish-market-reopens-storm-repairs.html", "Fish Market Reopens After Storm Repairs",
     "Traders say the new roof should keep the stalls dry through the winter gales."),
)


def _related() -> str:
    items = "\n".join(
        f"""      <li class="related-item">
        <a href="{BASE}{href}">{escape(title)}</a>
        <p class="teaser">{escape(teaser)}</p>
      </li>"""
        for href, title, teaser in RELATED_STORIES
    )
    return f"""\
<section class="related-stories" id="related" aria-labelledby="related-heading">
  <h2 id="related-heading">Related stories</h2>
  <ul class="related-list">
{items}
  </ul>
</section>"""


COMMENTS = (
    ("Marigoldfan", "2 hours ago",
     "Great reporting as always. Now do a piece on the allotment society, please!"),
    ("BrackwaterBill", "5 hours ago",
     "Been reading this paper since the lighthouse vote and it has never been better."),
    ("Pelican_Pete", "yesterday",
     "Does anyone know whether the quayside car park is still closed on Sundays?"),
)


def _comments() -> str:
    items = "\n".join(
        f"""      <li class="comment" id="comment-{i}">
        <div class="comment-meta"><span class="comment-author">{escape(who)}</span>
          <span class="comment-time">{escape(when)}</span></div>
        <div class="comment-body"><p>{escape(said)}</p></div>
        <a class="comment-reply-link" href="#comment-{i}">Reply</a>
      </li>"""
        for i, (who, when, said) in enumerate(COMMENTS, start=1)
    )
    return f"""\
<section class="comments-area" id="comments">
  <h2 class="comments-title">Join the conversation</h2>
  <p class="comments-policy">Comments are reviewed by our community team before they appear.</p>
  <ol class="comment-list">
{items}
  </ol>
  <form class="comment-form" action="{BASE}/comments/post" method="post">
    <label>Your comment <textarea name="comment" rows="3"></textarea></label>
    <button type="submit">Post comment</button>
  </form>
</section>"""


FOOTER = f"""\
<footer class="site-footer">
  <ul class="footer-links">
    <li><a href="{BASE}/about.html">About us</a></li>
    <li><a href="{BASE}/contact.html">Contact the newsroom</a></li>
    <li><a href="{BASE}/letters.html">Letters to the editor</a></li>
    <li><a href="{BASE}/terms.html">Terms of use</a></li>
    <li><a href="{BASE}/privacy.html">Privacy notice</a></li>
    <li><a href="{BASE}/feeds/feeds.opml">All our feeds (OPML)</a></li>
  </ul>
  <p class="copyright">&copy; 2026 Harbor Ledger Media Group. All rights reserved.</p>
  <p class="disclaimer">{SITE_NAME} is a fictional newspaper made for software demonstrations;
  its stories were written for the newsflow test suite and are not real reporting.</p>
</footer>"""

# The syndicated copy's own chrome (in addition to the common boilerplate).
WIRE_TOPBAR = f"""\
<div class="wire-topbar">
  <p>{WIRE_NAME}: syndicated news for member publications</p>
</div>"""


def _wire_header() -> str:
    return f"""\
<header class="site-header wire-header">
  <div class="masthead">
    <a class="logo" href="{BASE}/">{SITE_NAME}</a>
    <span class="wire-label">Partner Wire</span>
    <a class="subscribe-button" href="{BASE}/subscribe.html">Subscribe for full access</a>
  </div>
  <nav class="breadcrumbs" aria-label="Breadcrumb">
    <a href="{BASE}/">Home</a> &rsaquo; <a href="{BASE}/partners/">Partners</a> &rsaquo; Wire
  </nav>
{_nav()}
</header>"""


WIRE_NOTICE = f"""\
<div class="wire-notice syndication-notice">
  <p>This story is distributed under a content partnership with {WIRE_NAME} and appears here unedited.</p>
</div>"""

MORE_FROM_WIRE = (
    "Port Authorities Report Record Cruise Bookings for the Summer",
    "Regional Airline Adds Winter Route to the Canary Islands",
    "Container Crane Operators Agree New Pay Deal",
)


def _more_from_wire() -> str:
    items = "\n".join(
        f'    <li><a href="{BASE}/partners/wire/">{escape(t)}</a></li>' for t in MORE_FROM_WIRE
    )
    return f"""\
<aside class="sidebar more-from-wire">
  <h2>More from the wire</h2>
  <ul>
{items}
  </ul>
</aside>"""


SHARE_TOOLS = """\
    <div class="share-tools" aria-label="Share this article">
      <span class="share-label">Share this article</span>
      <a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php">Facebook</a>
      <a class="share-x" href="https://x.com/intent/post">X</a>
      <a class="share-email" href="mailto:?subject=From%20the%20Harbor%20Ledger">Email</a>
    </div>"""

AD_SLOT = """\
      <div class="ad-slot ad-inline" data-ad-unit="article-mid">
        <span class="ad-label">Advertisement</span>
        <p>Harbourview Marina: berths available from April. Book a viewing today.</p>
      </div>"""

# ---------------------------------------------------------------------------------------------
# Article markup (identical for an original and its syndicated copy)
# ---------------------------------------------------------------------------------------------


def _human_date(a: SampleArticle) -> str:
    return f"{a.published.day} {a.published:%B %Y, %H:%M} GMT"


def _iso(a: SampleArticle) -> str:
    return a.published.isoformat()


def _byline(a: SampleArticle) -> str:
    names = [f'<a class="author-link" rel="author" href="{BASE}/authors/{_author_slug(n)}.html">{escape(n)}</a>'
             for n in a.authors]
    return "By " + " and ".join(names) if len(names) <= 2 else "By " + ", ".join(names)


def _author_slug(name: str) -> str:
    return "-".join(name.lower().split())


def _article_element(a: SampleArticle) -> str:
    paras = [f"      <p>{escape(p, quote=False)}</p>" for p in a.paragraphs]
    # an inline advertisement after the fourth paragraph, as real sites do
    # an inline advertisement after the fourth paragraph and the newsletter box after the
    # seventh, as real sites do: chrome inside <article> that an extractor must still drop
    newsletter = "\n".join("      " + line for line in NEWSLETTER.splitlines())
    body = "\n".join(paras[:4] + [AD_SLOT] + paras[4:7] + [newsletter] + paras[7:])
    section_anchor = a.section.lower()
    return f"""\
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
  <header class="story-header">
    <p class="story-section"><a href="{BASE}/#{section_anchor}">{escape(a.section)}</a></p>
    <h1 class="headline" itemprop="headline">{escape(a.title, quote=False)}</h1>
    <p class="standfirst">{escape(a.summary, quote=False)}</p>
    <p class="byline">{_byline(a)}</p>
    <p class="dateline"><time datetime="{_iso(a)}" itemprop="datePublished">{_human_date(a)}</time></p>
  </header>
{SHARE_TOOLS}
  <div class="story-body" itemprop="articleBody">
{body}
  </div>
{_related()}
</article>"""


def _json_ld(a: SampleArticle, *, url: str, publisher: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": _iso(a),
        "dateModified": _iso(a),
        "author": [{"@type": "Person", "name": n} for n in a.authors],
        "publisher": {"@type": "Organization", "name": publisher},
        "image": [f"{BASE}{a.image_path}"],
        "mainEntityOfPage": url,
        "articleSection": a.section,
        "inLanguage": "en-GB",
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _feed_links() -> str:
    return f"""\
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} (RSS)" href="{BASE}{RSS_PATH}">
<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} (Atom)" href="{BASE}{ATOM_PATH}">"""


def _head_common() -> str:
    return f"""\
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{BASE}/static/site.css">
{_feed_links()}"""


_HTML_LANG = {"en": "en-GB"}


def render_article_page(a: SampleArticle) -> str:
    assert not a.syndicated
    url = f"{BASE}{a.path}"
    authors = ", ".join(a.authors)
    return f"""\
<!DOCTYPE html>
<html lang="{_HTML_LANG.get(a.language, a.language)}">
<head>
{_head_common()}
<title>{escape(a.title, quote=False)} | {SITE_NAME}</title>
<meta name="description" content="{escape(a.summary)}">
<meta name="author" content="{escape(authors)}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(a.title)}">
<meta property="og:description" content="{escape(a.summary)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{BASE}{a.image_path}">
<meta property="article:published_time" content="{_iso(a)}">
<meta property="article:section" content="{escape(a.section)}">
<link rel="canonical" href="{url}">
<script type="application/ld+json">
{_json_ld(a, url=url, publisher=SITE_NAME)}
</script>
</head>
<body class="article-page">
{COOKIE_BANNER}
{_site_header()}
<main id="content" class="layout">
{_article_element(a)}
{_comments()}
</main>
{FOOTER}
<script>
{CONSENT_JS}</script>
</body>
</html>
"""


def render_wire_page(copy: SampleArticle, original: SampleArticle) -> str:
    """The syndicated copy: same <article> as ``original``, other chrome, and NO canonical link."""
    assert copy.syndicated and copy.syndication_of == original.path
    authors = ", ".join(original.authors)
    return f"""\
<!DOCTYPE html>
<html lang="en-GB">
<head>
{_head_common()}
<title>{escape(original.title, quote=False)} - {WIRE_NAME} via {SITE_NAME}</title>
<meta name="description" content="{escape(original.summary)}">
<meta name="author" content="{escape(authors)}">
<meta property="og:site_name" content="{WIRE_NAME}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(original.title)}">
<meta property="og:image" content="{BASE}{original.image_path}">
<meta property="article:published_time" content="{_iso(copy)}">
<script type="application/ld+json">
{_json_ld(copy, url=f"{BASE}{copy.path}", publisher=WIRE_NAME)}
</script>
</head>
<body class="wire-page">
{WIRE_TOPBAR}
{COOKIE_BANNER}
{_wire_header()}
<div class="layout wire-layout">
{WIRE_NOTICE}
<main id="content">
{_article_element(original)}
</main>
{_more_from_wire()}
</div>
{_comments()}
{FOOTER}
</body>
</html>
"""


def render_index() -> str:
    sections = []
    for section in ("World", "Business"):
        cards = []
        for a in sorted((a for a in ORIGINALS if a.section == section), key=lambda a: a.published, reverse=True):
            cards.append(f"""\
      <li class="story-card">
        <h3><a href="{BASE}{a.path}">{escape(a.title, quote=False)}</a></h3>
        <p class="summary">{escape(a.summary, quote=False)}</p>
        <p class="card-meta">{escape(" and ".join(a.authors))} &middot; <time datetime="{_iso(a)}">{a.published.day} {a.published:%B %Y}</time></p>
      </li>""")
        cards_html = "\n".join(cards)
        sections.append(f"""\
  <section class="front-section" id="{section.lower()}">
    <h2>{section}</h2>
    <ul class="story-list">
{cards_html}
    </ul>
  </section>""")
    sections_html = "\n".join(sections)
    return f"""\
<!DOCTYPE html>
<html lang="en-GB">
<head>
{_head_common()}
<title>{SITE_NAME}: {SITE_TAGLINE}</title>
<meta name="description" content="World and business news from {SITE_NAME}.">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{SITE_NAME}">
<meta property="og:type" content="website">
<link rel="canonical" href="{BASE}/">
</head>
<body class="front-page">
{COOKIE_BANNER}
{_site_header()}
<main id="content" class="layout">
  <h1 class="front-title">Today&rsquo;s stories</h1>
{sections_html}
  <section class="front-section" id="feeds">
    <h2>Follow us</h2>
    <p>Subscribe with your feed reader: <a href="{BASE}{RSS_PATH}">RSS</a>, <a href="{BASE}{ATOM_PATH}">Atom</a>,
    or import <a href="{BASE}{OPML_PATH}">all our feeds (OPML)</a>.</p>
  </section>
{NEWSLETTER}
</main>
{FOOTER}
<script>
{CONSENT_JS}</script>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------
# Feeds
# ---------------------------------------------------------------------------------------------

RSS_TITLE = f"{SITE_NAME}: World and Business"
ATOM_TITLE = f"{SITE_NAME}: Latest Stories"


def _x(text: str) -> str:
    return xml_escape(text)


def _content_html(a: SampleArticle) -> str:
    return "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in a.paragraphs)


def render_rss(articles: list[SampleArticle] | None = None, path: str = RSS_PATH, language: str = "en-gb") -> str:
    """The site's RSS feed (``articles`` marked ``in_rss``), or another feed of the given articles."""
    chosen = [a for a in ARTICLES if a.in_rss] if articles is None else articles
    items = sorted(chosen, key=lambda a: a.published, reverse=True)
    newest = items[0].published
    out = []
    for a in items:
        link = f"{BASE}{a.path}{a.rss_link_suffix}"
        lines = [
            "    <item>",
            f"      <title>{_x(a.title)}</title>",
            f"      <link>{_x(link)}</link>",
            f'      <guid isPermaLink="true">{_x(BASE + a.path)}</guid>',
            f"      <pubDate>{format_datetime(a.published)}</pubDate>",
            *(f"      <dc:creator>{_x(n)}</dc:creator>" for n in a.authors),
            f"      <category>{_x('Partner Wire' if a.syndicated else a.section)}</category>",
            f"      <description>{_x(a.summary)}</description>",
        ]
        if a.rss_full_text:
            lines.append(f"      <content:encoded><![CDATA[{_content_html(a)}]]></content:encoded>")
        lines.append("    </item>")
        out.append("\n".join(lines))
    items_xml = "\n".join(out)
    return f"""\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{_x(RSS_TITLE)}</title>
    <link>{BASE}/</link>
    <atom:link href="{BASE}{path}" rel="self" type="application/rss+xml"/>
    <description>The latest world and business stories from {SITE_NAME}.</description>
    <language>{language}</language>
    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>
    <ttl>15</ttl>
{items_xml}
  </channel>
</rss>
"""


def _atom_time(a: SampleArticle) -> str:
    return a.published.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_atom() -> str:
    entries = sorted((a for a in ARTICLES if a.in_atom), key=lambda a: a.published, reverse=True)
    out = []
    for a in entries:
        link = f"{BASE}{a.path}{a.atom_link_suffix}"
        authors = "\n".join(f"    <author><name>{_x(n)}</name></author>" for n in a.authors)
        out.append(f"""\
  <entry>
    <title type="text">{_x(a.title)}</title>
    <link rel="alternate" type="text/html" href="{_x(link)}"/>
    <id>tag:harborledger.example,2026:article:{a.slug}</id>
    <published>{_atom_time(a)}</published>
    <updated>{_atom_time(a)}</updated>
{authors}
    <category term="{_x(a.section)}"/>
    <summary type="text">{_x(a.summary)}</summary>
  </entry>""")
    entries_xml = "\n".join(out)
    return f"""\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <title>{_x(ATOM_TITLE)}</title>
  <subtitle>{_x(SITE_TAGLINE)}</subtitle>
  <id>tag:harborledger.example,2026:feed</id>
  <updated>{_atom_time(entries[0])}</updated>
  <link rel="self" type="application/atom+xml" href="{BASE}{ATOM_PATH}"/>
  <link rel="alternate" type="text/html" href="{BASE}/"/>
{entries_xml}
</feed>
"""


def render_opml() -> str:
    return f"""\
<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>{_x(SITE_NAME)} feeds</title>
    <dateCreated>Fri, 20 Mar 2026 22:00:00 +0000</dateCreated>
  </head>
  <body>
    <outline text="{_x(SITE_NAME)}" title="{_x(SITE_NAME)}">
      <outline type="rss" text="{_x(RSS_TITLE)}" title="{_x(RSS_TITLE)}" xmlUrl="{BASE}{RSS_PATH}" htmlUrl="{BASE}/"/>
      <outline type="rss" text="{_x(ATOM_TITLE)}" title="{_x(ATOM_TITLE)}" xmlUrl="{BASE}{ATOM_PATH}" htmlUrl="{BASE}/"/>
    </outline>
  </body>
</opml>
"""


def render_feeds_txt() -> str:
    return f"""\
# {SITE_NAME} sample feeds: one URL a line; lines starting with # are comments
{BASE}{RSS_PATH}
{BASE}{ATOM_PATH}
"""


CSS = """\
:root { --ink: #1b1f23; --muted: #5b6570; --accent: #0b4f6c; --paper: #fbfaf7; --rule: #d9d4c7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
       font: 18px/1.6 Georgia, "Times New Roman", serif; }
a { color: var(--accent); }
.site-header { border-bottom: 3px double var(--rule); background: #fff; }
.masthead { max-width: 1080px; margin: 0 auto; padding: 1rem; display: flex; align-items: baseline; gap: 1rem; }
.logo { font-size: 2.2rem; font-weight: bold; text-decoration: none; color: var(--ink); letter-spacing: .02em; }
.tagline { color: var(--muted); font-style: italic; margin: 0; flex: 1; }
.subscribe-button { font: 600 .85rem/1 system-ui, sans-serif; background: var(--accent); color: #fff;
                    padding: .6rem .9rem; border-radius: 3px; text-decoration: none; }
.main-nav .menu { list-style: none; display: flex; flex-wrap: wrap; gap: 1.2rem; margin: 0 auto;
                  max-width: 1080px; padding: .5rem 1rem; font: 600 .85rem system-ui, sans-serif;
                  text-transform: uppercase; }
.main-nav a { text-decoration: none; color: var(--ink); }
.layout { max-width: 1080px; margin: 0 auto; padding: 1rem; }
.story { max-width: 720px; }
.story-section a { font: 700 .8rem system-ui, sans-serif; text-transform: uppercase; text-decoration: none; }
.headline { font-size: 2.3rem; line-height: 1.15; margin: .3rem 0 .6rem; }
.standfirst { font-size: 1.2rem; color: var(--muted); }
.byline, .dateline { font: .9rem system-ui, sans-serif; color: var(--muted); margin: .2rem 0; }
.share-tools { font: .8rem system-ui, sans-serif; display: flex; gap: .8rem; margin: 1rem 0;
               padding: .5rem 0; border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); }
.ad-slot { background: #eee9dc; border: 1px dashed #bbb; padding: .8rem; margin: 1.5rem 0;
           font: .85rem system-ui, sans-serif; text-align: center; }
.ad-label { display: block; font-size: .7rem; text-transform: uppercase; color: var(--muted); }
.newsletter-signup { max-width: 720px; background: #e8f1f5; padding: 1rem 1.2rem; margin: 2rem 0;
                     border-left: 4px solid var(--accent); font-family: system-ui, sans-serif; }
.related-stories, .comments-area, .more-from-wire { max-width: 720px; margin: 2rem 0;
                                                    font-family: system-ui, sans-serif; }
.related-list, .comment-list { list-style: none; padding: 0; }
.related-item, .comment { border-top: 1px solid var(--rule); padding: .6rem 0; }
.teaser { margin: .2rem 0; color: var(--muted); font-size: .9rem; }
.comment-author { font-weight: 700; margin-right: .5rem; }
.comment-time { color: var(--muted); font-size: .8rem; }
.comment-form textarea { width: 100%; }
.consent-banner { position: fixed; bottom: 0; left: 0; right: 0; z-index: 10; background: #1b1f23;
                  color: #fff; padding: .8rem 1rem; font: .85rem system-ui, sans-serif; }
.consent-banner p { display: inline; margin-right: 1rem; }
.consent-banner a { color: #9fd3e8; }
.consent-banner.dismissed { display: none; }
.site-footer { border-top: 3px double var(--rule); margin-top: 3rem; padding: 1rem 1rem 6rem;
               font: .85rem system-ui, sans-serif; color: var(--muted); text-align: center; }
.footer-links { list-style: none; display: flex; flex-wrap: wrap; justify-content: center; gap: 1rem; padding: 0; }
.story-list { list-style: none; padding: 0; }
.story-card { border-top: 1px solid var(--rule); padding: .8rem 0; }
.story-card h3 { margin: 0 0 .3rem; font-size: 1.35rem; }
.story-card .summary { margin: 0; }
.card-meta { font: .8rem system-ui, sans-serif; color: var(--muted); margin: .3rem 0 0; }
.wire-topbar { background: #3b3b3b; color: #eee; font: .8rem system-ui, sans-serif; padding: .3rem 1rem; }
.wire-topbar p { margin: 0; }
.wire-label { font: 700 .8rem system-ui, sans-serif; text-transform: uppercase; color: #a33; }
.breadcrumbs { max-width: 1080px; margin: 0 auto; padding: 0 1rem; font: .8rem system-ui, sans-serif; }
.wire-notice { background: #fff4d6; padding: .5rem 1rem; font: .85rem system-ui, sans-serif; }
"""

CONSENT_JS = """\
// Hide the cookie banner once a choice is made (the sample site stores nothing).
document.querySelectorAll('[data-consent]').forEach(function (b) {
  b.addEventListener('click', function () {
    document.getElementById('cookie-consent').classList.add('dismissed');
  });
});
"""



def render_all() -> dict[str, str]:
    """Every file of the site: relative path under site/ -> text."""
    files: dict[str, str] = {"index.html": render_index()}
    originals = {a.path: a for a in ORIGINALS}
    for a in (*ARTICLES, *FOREIGN):
        rel = a.path.lstrip("/")
        if a.syndicated:
            files[rel] = render_wire_page(a, originals[a.syndication_of])
        else:
            files[rel] = render_article_page(a)
    files[RSS_PATH.lstrip("/")] = render_rss()
    files[INTERNATIONAL_RSS_PATH.lstrip("/")] = render_rss(FOREIGN, INTERNATIONAL_RSS_PATH, "mul")
    files[ATOM_PATH.lstrip("/")] = render_atom()
    files[OPML_PATH.lstrip("/")] = render_opml()
    files[FEEDS_TXT_PATH.lstrip("/")] = render_feeds_txt()
    files["static/site.css"] = CSS
    return files


def write(site_dir: Path = SITE_DIR) -> list[Path]:
    written = []
    for rel, text in render_all().items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write():
        print(p.relative_to(SITE_DIR.parent))
