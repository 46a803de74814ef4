"""Human-readable output of the CLI (search results, topic records)."""

from __future__ import annotations

import json
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsflow.core.bus import Message
from newsflow.core.search import SearchResult

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def highlighted(snippet: str) -> Text:
    """A snippet with ``<mark>`` spans rendered bold, everything else literal (no markup injection)."""
    text = Text()
    pos = 0
    for m in _MARK.finditer(snippet):
        text.append(snippet[pos:m.start()])
        text.append(m.group(1), style="bold yellow")
        pos = m.end()
    text.append(snippet[pos:])
    return text


def print_search_result(result: SearchResult, *, offset: int = 0, console: Console | None = None) -> None:
    """A table of hits, then the facets."""
    console = console or Console()
    shown = len(result.hits)
    console.print(f"[bold]{result.total}[/] matching articles" + (f", showing {offset + 1}-{offset + shown}" if shown else ""))
    if shown:
        table = Table(show_lines=True, expand=True)
        table.add_column("#", justify="right", width=3)
        table.add_column("published", width=10)
        table.add_column("source", overflow="fold", max_width=18)
        table.add_column("article", ratio=1)
        for i, hit in enumerate(result.hits, start=offset + 1):
            body = Text(hit.title or "(untitled)", style="bold")
            body.append("\n")
            body.append_text(highlighted(hit.snippet))
            if hit.entities:
                body.append("\n" + ", ".join(f"{e.name} ({e.label})" for e in hit.entities[:6]), style="dim")
            body.append(f"\n{hit.url}", style="cyan")
            date = hit.published_at.date().isoformat() if hit.published_at else "-"
            table.add_row(str(i), date, hit.source, body)
        console.print(table)
    for facet, values in result.facets.items():
        if values:
            console.print(f"[bold]{facet}[/]: " + ", ".join(f"{v.name} ({v.count})" for v in values), highlight=False)


def format_record(msg: Message) -> str:
    """One line for a bus record: offset, key and a summary of a known value."""
    summary = ""
    try:
        doc = json.loads(msg.value)
        if isinstance(doc, dict):
            error_lines = str(doc.get("error") or "").splitlines()
            summary = doc.get("title") or (error_lines[0] if error_lines else "") or doc.get("url", "")
    except (ValueError, UnicodeDecodeError):
        summary = f"<{len(msg.value)} bytes, not JSON>"
    return f"{msg.topic}@{msg.offset}\t{msg.key or '-'}\t{summary}"
