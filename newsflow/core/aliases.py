"""Aliases: the spellings news uses for one entity ("U.S.", "USA", "America" -> United States).

Curated entries (``aliases.toml``, shipped with the package) plus every country name
``pycountry`` knows. Enrich gives an aliased entity the canonical name and key, and
``SearchRequest`` resolves the entity names a user asks for the same way, so a search for
"U.S." finds articles that said "United States" and the other way round.
"""

from __future__ import annotations

import functools
from collections import Counter
import tomllib
from dataclasses import dataclass
from importlib import resources

import pycountry

from newsflow.core.names import cached_fold, fold


@dataclass(frozen=True, slots=True)
class Alias:
    """The canonical form of an aliased entity."""

    name: str
    label: str

    @property
    def key(self) -> str:
        """The folded key the indexes filter on."""
        return fold(self.name)


def _country_name(country) -> str:
    # ISO names put the qualifier after a comma ("Iran, Islamic Republic of"); newsrooms don't
    common = getattr(country, "common_name", None)
    return common or country.name.split(",")[0].strip()


def _country_variants(country) -> set[str]:
    names = {country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)}
    return {n for n in names if n}


@functools.lru_cache(maxsize=1)
def alias_table() -> dict[str, Alias]:
    """Folded variant -> canonical entity, curated entries over pycountry's, ambiguities dropped."""
    curated: dict[str, Alias] = {}
    claims: dict[str, set[Alias]] = {}
    data = tomllib.loads(resources.files("newsflow.core").joinpath("aliases.toml").read_text(encoding="utf-8"))
    for entry in data.get("entity", []):
        alias = Alias(entry["name"], entry["label"])
        for variant in (alias.name, *entry.get("variants", [])):
            claims.setdefault(fold(variant), set()).add(alias)
    for key, aliases in claims.items():
        if len(aliases) == 1:
            curated[key] = next(iter(aliases))
    curated_names = {a.key for a in curated.values()}

    countries: dict[str, set[Alias]] = {}
    short = {c.alpha_2: _country_name(c) for c in pycountry.countries}
    taken = Counter(fold(n) for n in short.values())
    for country in pycountry.countries:
        name = short[country.alpha_2]
        if taken[fold(name)] > 1:
            # "Congo", "Virgin Islands": two countries shorten to one name; keep the ISO name
            name = country.name
        canonical = Alias(name, "GPE")
        if canonical.key in curated:
            canonical = curated[canonical.key]  # "Russian Federation" is curated as Russia
        variants = _country_variants(country) | {canonical.name}
        for variant in variants:
            countries.setdefault(fold(variant), set()).add(canonical)
    table = dict(curated)
    for key, aliases in countries.items():
        if key in curated or len(aliases) != 1:
            continue
        alias = next(iter(aliases))
        if key == alias.key and key not in curated_names:
            # a country's own canonical name: nothing to rewrite, but searches may use it
            table[key] = alias
        elif key != alias.key:
            table[key] = alias
    return table


def resolve(name_or_key: str) -> Alias | None:
    """The canonical entity of a name (any spelling), or None when it has no alias."""
    # the same spellings recur in every batch the registry resolves: fold each once
    return alias_table().get(cached_fold(name_or_key))


def canonical_name(name: str) -> str:
    """``name`` as the indexes know it: the canonical name of an alias, else ``name`` itself."""
    alias = resolve(name)
    return alias.name if alias is not None else name
