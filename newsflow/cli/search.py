"""``newsflow search``: the command line front door of a search (registered by ``newsflow.cli``).

Every positional word is part of the query (``newsflow search kim jong un`` searches
``kim jong un``), and a word starting with ``-`` is an exclusion, not an option, unless it is
one of the command's own options (``newsflow search sanctions -missile --limit 3``).
The request goes through ``newsflow.frontdoor.build_request``, like ``GET /api/search``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from index import open_index
from newsflow.cli.base import data_dir_option, require_data
from newsflow.cli.settings import settings_for
from newsflow.export import FORMATS, lines
from newsflow.frontdoor import build_request
from newsflow.render import print_search_result
from newsflow.core.search import HISTOGRAM_INTERVALS, SORTS, QueryError


class QueryWordsCommand(click.Command):
    """Arguments that are not this command's options are query words, in the order typed.

    Click would read ``-missile`` as an unknown option (or ``-hamas`` as ``-h``): every argument
    that is neither an option nor an option's value moves after ``--``, so it reaches the query.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                words += args[i + 1:]
                break
            name = arg.split("=", 1)[0]
            if name in takes_value:
                options.append(arg)
                if takes_value[name] and "=" not in arg and i + 1 < len(args):
                    options.append(args[i + 1])
                    i += 1
            else:
                words.append(arg)
            i += 1
        return super().parse_args(ctx, [*options, "--", *words])


@click.command(cls=QueryWordsCommand)
@click.argument("query", nargs=-1)
@click.option("--entity", "entities", multiple=True, metavar="NAME",
              help="Only articles naming this entity (any spelling). Repeat to require several.")
@click.option("--label", default=None, help="Entity label (PERSON, ORG, GPE, ...): restricts --entity, or alone requires one.")
@click.option("--source", default=None, help="Only articles from this site (host name).")
@click.option("--lang", "language", default=None, metavar="CODE",
              help="Only articles in this language (ISO 639-1: en, de, ...); query words are stemmed in it.")
@click.option("--since", default=None,
              help="Published on or after: YYYY-MM-DD, ISO date-time, or a span back from now (90m, 24h, 7d, 4w).")
@click.option("--until", default=None, help="Published on or before (same forms; a bare date includes that whole day).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="Order of hits: best match first, or by date of publication.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 1000))
@click.option("--offset", default=0, type=click.IntRange(0, None), help="Skip this many hits (paging).")
@click.option("--histogram", type=click.Choice(HISTOGRAM_INTERVALS), default=None,
              help="Also count the matches per period of publication (JSON: histogram).")
@click.option("--format", "fmt", type=click.Choice(("table", "json", *FORMATS)), default="table", show_default=True,
              help="table and json: one page; csv and jsonl: every match, streamed (--limit and --offset ignored).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json: one object (total, hits, facets, histogram).")
@data_dir_option
def search(query, entities, label, source, language, since, until, sort, limit, offset, histogram, fmt, as_json,
           data_dir) -> None:
    """Search the index: full text QUERY (any number of words) plus entity, label, source, language and date filters.

    Query syntax: words (all required; inflections too), "exact phrase", OR, NOT or -word, prefix*,
    (groups), fields title:, source:, author:, lang:, entity:"Kim Jong Un".
    """
    settings = settings_for(data_dir=data_dir)
    fmt = "json" if as_json else fmt
    try:
        # the same code path as GET /api/search (newsflow.frontdoor): same checks, same JSON
        request = build_request(settings, query=" ".join(query), entities=entities, label=label, source=source,
                                language=language, since=since, until=until, sort=sort, limit=limit, offset=offset,
                                histogram=histogram)
        if settings.index == "embedded":
            require_data(settings, "index.db", "search index")
        index = open_index(settings, readonly=True)
        try:
            if fmt in FORMATS:
                _stream(lines(index.export(request), fmt))
                return
            result = index.search(request)
        finally:
            index.close()
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result.to_public(), ensure_ascii=False))
        return
    print_search_result(result, offset=offset)


def _stream(chunks) -> None:
    """Write the export as it comes; a reader that stops early (``| head``) ends it quietly."""
    out = sys.stdout
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        # stdout is gone: point it at devnull so the interpreter's final flush does not complain
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - kept open until exit on purpose


__all__ = ["QueryWordsCommand", "search"]
