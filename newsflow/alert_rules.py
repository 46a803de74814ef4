"""Alert rules: a YAML file of named searches whose matches become Alert records on topics.

Shared by the CLI (``newsflow alerts check|test``) and the index stage, which runs every rule
over each batch it just indexed (``index.alerts``). The file::

    rules:
      - name: kim                      # letters, digits, . _ - (it names the topic)
        entities: [Kim Jong Un]        # all of these (any spelling enrich links to them)
        any_entities: [Seoul, Tokyo]   # at least one of these
        query: 'missile OR launch'     # the search query syntax of `newsflow search`
        labels: [PERSON]               # entity labels the entity filters count (several: any)
        sources: [example.com]         # sites (several: any)
        languages: [en]                # article language ("en" also takes "en-GB")
        min_salience: 0.2              # entities must be at least this central to the article
        topic: alerts.kim              # default alerts.<name> (under the deployment's topic prefix)
        once_per_story: true           # default: one alert per near-duplicate story

A rule is the search ``newsflow search QUERY --entity E... --label L --source S`` would run
(``requests``): ``any_entities``, ``labels`` and ``sources`` with several values are the union of
one search per combination; ``languages`` is checked on the matched articles themselves.

``load_rules`` explains every problem with its line in the file (``RulesError``); ``RulesFile``
reloads the file when it changes and keeps the previous rules when the new file is broken.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from newsflow.core.search import QueryError, SearchRequest

log = logging.getLogger(__name__)

MAX_SEARCHES_PER_RULE = 64  # any_entities x labels x sources: beyond this a rule should be split
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,200}$")  # Kafka's legal topic characters
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def _known_language(code: str) -> bool:
    """An ISO 639-1 or 639-3 code, optionally with a region (``en``, ``deu``, ``en-GB``, ``pt_BR``)."""
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if len(primary) == 2:
        return pycountry.languages.get(alpha_2=primary) is not None
    return len(primary) == 3 and pycountry.languages.get(alpha_3=primary) is not None


class RulesError(ValueError):
    """A rules file that cannot be used; ``problems`` are ``(line or None, message)``, 1-based lines."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = problems
        lines = [f"{path}:{line}: {msg}" if line else f"{path}: {msg}" for line, msg in problems]
        super().__init__("\n".join(lines))


def _strings(v: Any) -> Any:
    """A single string where a list is expected is a list of one (``entities: Kim Jong Un``)."""
    return [v] if isinstance(v, str) else v


class AlertRule(BaseModel):
    """One rule; see the module docstring."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    query: str = ""
    entities: list[str] = Field(default_factory=list)
    any_entities: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    min_salience: float | None = Field(default=None, ge=0.0, le=1.0)
    topic: str | None = None
    once_per_story: bool = True

    _listify = field_validator("entities", "any_entities", "labels", "sources", "languages", mode="before")(
        classmethod(lambda cls, v: _strings(v)))

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("a rule name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
        return v

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: str | None) -> str | None:
        if v is not None and not _TOPIC.match(v):
            raise ValueError("a topic is 1-200 letters, digits, '.', '_' or '-'")
        return v

    @field_validator("entities", "any_entities", "sources")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if any(not s.strip() for s in v):
            raise ValueError("empty names are not allowed")
        return [s.strip() for s in v]

    @field_validator("labels", "languages")
    @classmethod
    def _codes(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if any(not s.strip() for s in v):
            raise ValueError("empty values are not allowed")
        return [s.strip().upper() if info.field_name == "labels" else s.strip() for s in v]

    @field_validator("sources")
    @classmethod
    def _hosts(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if not _HOST.match(s)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: a source is a site's host name, e.g. example.com")
        return [s.lower() for s in v]

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        bad = [code for code in v if not _known_language(code)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: a language is an ISO 639 code, e.g. en, de or en-GB")
        return v

    @field_validator("query")
    @classmethod
    def _query(cls, v: str) -> str:
        from index.fts5 import fts5_parts, plan

        try:
            fts5_parts(plan(v).text)  # the validator both index backends use (fields are filters)
        except QueryError as exc:
            raise ValueError(str(exc)) from None
        return v

    @model_validator(mode="after")
    def _meaningful(self) -> "AlertRule":
        if not (self.query.strip() or self.entities or self.any_entities or self.labels or self.sources or self.languages):
            raise ValueError("a rule needs at least one of query, entities, any_entities, labels, sources, languages "
                             "(it would match every article)")
        if self.min_salience is not None and not (self.entities or self.any_entities or self.labels):
            raise ValueError("min_salience applies to the rule's entities: give entities, any_entities or labels")
        n = max(1, len(self.any_entities)) * max(1, len(self.labels)) * max(1, len(self.sources))
        if n > MAX_SEARCHES_PER_RULE:
            raise ValueError(f"any_entities x labels x sources make {n} searches per batch "
                             f"(at most {MAX_SEARCHES_PER_RULE}): split the rule")
        return self

    @property
    def topic_name(self) -> str:
        """The rule's topic without the deployment's prefix."""
        return self.topic or f"alerts.{self.name}"

    def requests(self, *, ids: list[str] | None = None, since: datetime | None = None, limit: int = 1000,
                 offset: int = 0) -> list[SearchRequest]:
        """The searches this rule is, as a user would run them; an article matches if any finds it."""
        out: list[SearchRequest] = []
        for extra, label, source in itertools.product(self.any_entities or [None], self.labels or [None],
                                                      self.sources or [None]):
            out.append(SearchRequest(
                query=self.query, entities=[*self.entities, *([extra] if extra else [])], label=label,
                source=source, since=since, ids=ids, min_salience=self.min_salience,
                limit=limit, offset=offset, facet_size=0,
            ))
        return out

    def language_ok(self, language: str | None) -> bool:
        """Whether an article in ``language`` passes ``languages`` ("en" takes "en", "en-GB", "en_US")."""
        if not self.languages:
            return True
        if not language:
            return False
        primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
        return any(want.lower() in (language.strip().lower(), primary) for want in self.languages)


class RuleSet(BaseModel):
    """The rules of one file, names unique."""

    rules: list[AlertRule] = Field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rules)


# --------------------------------------------------------------------------- loading with line numbers


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    """The YAML node at ``key`` (a mapping key or a sequence index) under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def _locate(root: yaml.Node | None, loc: tuple) -> int | None:
    """The line of the deepest node on the path ``loc`` (a pydantic error location)."""
    node, line = root, _line(root)
    for part in loc:
        nxt = _child(node, part)
        if nxt is None:
            break
        node, line = nxt, _line(nxt)
    return line


def _duplicate_keys(node: yaml.Node | None, problems: list[tuple[int | None, str]]) -> None:
    """YAML silently keeps the last of two equal keys: a rules file should say so instead."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                if k.value in seen:
                    problems.append((_line(k), f"the key {k.value!r} appears twice in this mapping"))
                seen.add(k.value)
            _duplicate_keys(v, problems)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _duplicate_keys(v, problems)


def parse_rules(text: str, source: str = "<rules>", known_labels: list[str] | None = None) -> RuleSet:
    """Validate the text of a rules file; raises ``RulesError`` listing every problem with its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulesError(source, [(mark.line + 1 if mark else None, f"not valid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise RulesError(source, [(None, f"not valid YAML: {exc}")]) from None
    problems: list[tuple[int | None, str]] = []
    _duplicate_keys(root, problems)
    if data is None:
        data, root = {"rules": []}, None
    if isinstance(data, list):  # a bare list of rules is accepted too
        data = {"rules": data}
        root = yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("tag:yaml.org,2002:str", "rules"), root)],
                                start_mark=root.start_mark if root is not None else None)
    if not isinstance(data, dict):
        raise RulesError(source, [(_line(root), "expected a mapping with a 'rules:' list")])
    unknown = sorted(set(data) - {"rules"}, key=str)
    for key in unknown:
        problems.append((_locate(root, (key,)), f"unknown top-level key {key!r} (expected 'rules')"))
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        problems.append((_locate(root, ("rules",)), "'rules' must be a list of rules"))
        raise RulesError(source, sorted(problems, key=lambda p: p[0] or 0))
    if not raw_rules:
        problems.append((_line(root), "the file defines no rules (an empty file would silently alert on nothing)"))
    # every rule on its own, so one pass reports every problem of the file (not only the first kind)
    rules: list[AlertRule] = []
    for i, raw in enumerate(raw_rules):
        try:
            rules.append(AlertRule.model_validate(raw))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ("rules", i, *(p for p in err["loc"] if p not in ("function-after[_meaningful(), AlertRule]",)))
                field = ".".join(str(p) for p in loc[2:])
                msg = err["msg"].removeprefix("Value error, ")
                problems.append((_locate(root, loc), f"rule {i + 1}{' ' + field if field else ''}: {msg}"))
    names: dict[str, int] = {}
    known = {lab.upper() for lab in known_labels} if known_labels else None
    for i, raw in enumerate(raw_rules):
        if not isinstance(raw, dict):
            continue
        name = raw.get("name")
        if isinstance(name, str) and name in names:
            problems.append((_locate(root, ("rules", i, "name")),
                             f"rule {i + 1}: the name {name!r} is already used by rule {names[name] + 1}"))
        if isinstance(name, str):
            names.setdefault(name, i)
        labels = _strings(raw.get("labels") or [])
        for j, label in enumerate(labels if isinstance(labels, list) else []):
            if known is not None and isinstance(label, str) and label.strip() and label.strip().upper() not in known:
                problems.append((_locate(root, ("rules", i, "labels", j)),
                                 f"rule {i + 1} labels: unknown label {label!r} (enrich keeps {', '.join(sorted(known))})"))
    if problems:
        raise RulesError(source, sorted(problems, key=lambda p: p[0] or 0))
    return RuleSet(rules=rules)


def load_rules(path: Path | str, known_labels: list[str] | None = None) -> RuleSet:
    """Read and validate a rules file; raises ``RulesError`` (also when it cannot be read)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(str(path), [(None, f"cannot read the rules file: {exc}")]) from None
    return parse_rules(text, str(path), known_labels)


# --------------------------------------------------------------------------- hot reload


class RulesFile:
    """A rules file that is reloaded when it changes (checked by ``current()``, e.g. between batches).

    The first load must succeed (``RulesError`` otherwise: refuse to start on a broken file). Later,
    a changed file that does not validate is refused with one error log line and the previous
    rules stay in force; a vanished file keeps them too. A change is a change of content (SHA-256
    of the bytes, read on every check: rules files are small, and an mtime can miss two writes
    within its granularity).
    """

    def __init__(self, path: Path | str, known_labels: list[str] | None = None):
        self.path = Path(path)
        self.known_labels = known_labels
        self.rules = load_rules(self.path, known_labels)
        self._digest = self._read_digest()
        self.generation = 1  # bumped on every successful reload
        self.refused: RulesError | None = None  # the last refused version, while it is on disk

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    def current(self) -> RuleSet:
        """The rules in force, after reloading the file if its content changed since the last look."""
        digest = self._read_digest()
        if digest == self._digest:
            return self.rules
        self._digest = digest
        if digest is None:
            log.error("alert rules file vanished; the previous rules stay in force",
                      extra={"path": str(self.path), "rules": len(self.rules)})
            return self.rules
        try:
            rules = parse_rules(self.path.read_text(encoding="utf-8"), str(self.path), self.known_labels)
        except (RulesError, OSError, UnicodeDecodeError) as exc:
            self.refused = exc if isinstance(exc, RulesError) else RulesError(str(self.path), [(None, str(exc))])
            log.error("alert rules file refused; the previous rules stay in force: %s",
                      str(self.refused).replace("\n", "; "),
                      extra={"path": str(self.path), "rules": len(self.rules)})
            return self.rules
        self.rules, self.refused = rules, None
        self.generation += 1
        log.info("alert rules reloaded", extra={"path": str(self.path), "rules": len(rules),
                                                "names": ",".join(r.name for r in rules.rules)})
        return self.rules


__all__ = ["AlertRule", "MAX_SEARCHES_PER_RULE", "RuleSet", "RulesError", "RulesFile", "load_rules", "parse_rules"]
