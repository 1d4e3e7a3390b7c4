"""What staff type to find a document (``05/CT-TTg``, ``CT 05``, ``chi thi 05``), and which ids of an index name
one document.

Shares the document vocabulary of ``searchsvc.text.documents`` with the extractor, not its code: the search layer
never imports an extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from searchsvc.article import Directive
from searchsvc.text.documents import (
    ISSUER_OF_TYPE, OTHER_CODES, TYPE_BY_CODE, TYPES, code_of_issuer, number_key, read_symbol, slug,
)
from searchsvc.text.normalize import fold, fold_text, nfc

DIRECTIVE_FIELDS = tuple(field.name for field in fields(Directive))


Identity = tuple[str, str, str | None, int | None]


def catalogue_aliases(directives: dict[str, dict]) -> dict[str, str]:
    """Ids that can only mean one fuller document of the index: ``nghi-dinh-67`` -> ``nghi-dinh-67-cp-2014``.

    An article that omits the year or the issuer gets a less specific id, because two documents must never share an
    id. Across an index, a mention joins the one fullest document compatible with it (same type and number, no
    issuer or year that disagrees), and stays apart while two remain possible: ``05-CT/TW`` and ``05/CT-TTg`` never
    merge, and neither does a bare ``Chỉ thị 05`` with them. Ids of the same identity (an index built before a
    ``Nghị định`` was known to be the Government's) join the longest. ``directives`` maps ids to
    ``Directive.to_dict()``.
    """
    by_document: dict[tuple[str, str], dict[str, Identity]] = {}
    for directive_id, meta in directives.items():
        identity = directive_identity(meta)
        by_document.setdefault(identity[:2], {})[directive_id] = identity
    aliases: dict[str, str] = {}
    for identities in by_document.values():
        canonical: dict[Identity, str] = {}
        for directive_id in sorted(identities, key=lambda value: (len(value), value)):
            canonical[identities[directive_id]] = directive_id
        fullest = [identity for identity in canonical
                   if not any(_covers(other, identity) for other in canonical if other != identity)]
        for directive_id, identity in identities.items():
            targets = [other for other in fullest if other == identity or _covers(other, identity)]
            if len(targets) == 1 and canonical[targets[0]] != directive_id:
                aliases[directive_id] = canonical[targets[0]]
    return aliases


def directive_identity(meta: dict) -> Identity:
    """Type, number, issuer slug (from the symbol, else the issuer's words, else the type's only issuer) and year."""
    directive = Directive(**{name: meta.get(name) for name in ("id", "label", "type", "number", "symbol", "year",
                                                               "issuer")})
    issuer = _directive_issuer(directive) or (slug(ISSUER_OF_TYPE[directive.type])
                                              if directive.type in ISSUER_OF_TYPE else None)
    return directive.type, number_key(directive.number), issuer, directive.year


def _covers(fuller: Identity, identity: Identity) -> bool:
    """Whether ``fuller`` says all that ``identity`` says, and more: same document, told more completely."""
    _, _, issuer, year = identity
    _, _, fuller_issuer, fuller_year = fuller
    return (fuller != identity and (year is None or year == fuller_year)
            and (issuer is None or fuller_issuer is not None and _refines(fuller_issuer, issuer)))


def _refines(fuller: str, issuer: str) -> bool:
    """``qh14`` refines ``qh``: the Quốc hội of one term; otherwise issuers must be equal."""
    return fuller == issuer or fuller.startswith(issuer) and fuller[len(issuer):].isdigit()


_FOLDED_TYPE_WORDS = {fold_text(name): frozenset({name}) for name, _, _ in TYPES}


def _types_by_folded_code() -> dict[str, frozenset[str]]:
    """Type codes as typed without marks; ``da`` is both Đề án (ĐA) and Dự án (DA)."""
    types: dict[str, frozenset[str]] = {}
    for code, name in TYPE_BY_CODE.items():
        types[fold(code).lower()] = types.get(fold(code).lower(), frozenset()) | {name}
    return types


_FOLDED_CODES = _types_by_folded_code()
_QUERY_WORDS = "|".join(sorted(map(re.escape, _FOLDED_TYPE_WORDS | _FOLDED_CODES), key=len, reverse=True))
QUERY = re.compile(
    rf"(?:(?P<word>{_QUERY_WORDS})\s*(?:so\s*:?\s*)?)?"
    r"(?P<number>\d{1,5}[a-d]?)"
    r"(?:\s*/\s*(?P<year>(?:19|20)\d\d)(?!\d)|\s*[-–]\s*(?P<dash_year>(?:19|20)\d\d)(?=\s*/))?"
    # The symbol after a dash or slash, or after a space when it holds a slash itself (``05 CT/TW``).
    r"(?:(?:\s*[-–—/]\s*|\s+(?=[a-z][a-z0-9&]*\s*/))(?P<symbol>[a-z][a-z0-9&]*(?:\s*[-–—/]\s*[a-z0-9&]+)*))?"
    r"(?:\s*,?\s*(?:nam\s+)?(?P<trailing_year>(?:19|20)\d\d))?"
)


# A reference among other words: whole words only.
REFERENCE = re.compile(rf"(?<![^\W_])(?:{QUERY.pattern})(?![^\W_])")


@dataclass(frozen=True)
class DirectiveQuery:
    """What a staff member typed to find a document: the parts left out match anything.

    ``types`` is empty when only a symbol without a type code was typed (``4919/VPCP-KTTH``); ``issuer`` is the
    slug of the symbol after its type code (``ttg``, ``tw``, ``vpcp-ktth``).
    """

    types: frozenset[str]
    number: str
    issuer: str | None = None
    year: int | None = None

    def matches(self, directive: Directive) -> bool:
        """Tell whether a cited document fits this query; an issuer typed must agree with the one cited.

        >>> from searchsvc.article import Directive
        >>> tw = Directive("chi-thi-5-tw", "Chỉ thị 05-CT/TW", "Chỉ thị", "05", "CT/TW")
        >>> parse_directive_query("chi thi 5").matches(tw), parse_directive_query("05/CT-TTg").matches(tw)
        (True, False)
        """
        if self.types and directive.type not in self.types:
            return False
        if number_key(directive.number) != self.number:
            return False
        if self.year and directive.year and self.year != directive.year:
            return False
        if self.issuer is None:
            return True
        cited = _directive_issuer(directive)
        return cited is not None and (cited == self.issuer or cited.startswith(self.issuer + "-"))


def parse_directive_query(text: str) -> DirectiveQuery | None:
    """Read a document reference typed in a search box, ignoring case and marks; None if it is not one.

    >>> parse_directive_query("chi thi 05/ct-ttg")
    DirectiveQuery(types=frozenset({'Chỉ thị'}), number='5', issuer='ttg', year=None)
    >>> parse_directive_query("NĐ 116").types, parse_directive_query("hà nội 2020")
    (frozenset({'Nghị định'}), None)
    >>> parse_directive_query("chi thi 05 CT/TW").issuer
    'tw'
    """
    return _directive_query(QUERY.fullmatch(_folded_reference(text)))


def find_directive_queries(text: str) -> list[tuple[DirectiveQuery, str]]:
    """Every document reference standing in a search box entry among other words, with the folded words that
    make it.

    >>> [(query.number, words) for query, words in find_directive_queries("thực hiện Nghị quyết 18-NQ/TW ở xã")]
    [('18', 'nghi quyet 18-nq/tw')]
    >>> find_directive_queries("xã có 18 thôn")
    []
    """
    found = []
    for match in REFERENCE.finditer(_folded_reference(text)):
        query = _directive_query(match)
        if query is not None:
            found.append((query, match.group()))
    return found


def _folded_reference(text: str) -> str:
    return fold_text(re.sub(r"(?<=/)\s*T[Ưư](?![^\W\d_])", "TW", nfc(text)))


def _directive_query(match: re.Match | None) -> DirectiveQuery | None:
    if not match or not (match["word"] or match["symbol"]):
        return None
    word_types = _FOLDED_TYPE_WORDS.get(match["word"]) or _FOLDED_CODES.get(match["word"] or "", frozenset())
    types, issuer = word_types, None
    if match["symbol"]:
        codes = re.split(r"\s*[-–—/]\s*", match["symbol"])
        symbol_types = _FOLDED_CODES.get(codes[0])
        if symbol_types and len(codes) > 1:
            also_written = {fold(code).lower() for name in word_types for code in OTHER_CODES.get(name, ())}
            types, codes = (word_types if codes[0] in also_written else symbol_types), codes[1:]
        elif symbol_types:
            return None  # "05/CT" with nothing after the type code: too little to match on
        issuer = "-".join(codes)
    year = match["year"] or match["dash_year"] or match["trailing_year"]
    return DirectiveQuery(types, number_key(match["number"]), issuer, int(year) if year else None)


def _directive_issuer(directive: Directive) -> str | None:
    """The issuer slug a query compares with: from the symbol, else from the issuer written in words."""
    if directive.symbol:
        _, issuer_code, _ = read_symbol(directive.symbol)
    else:
        issuer_code, _ = code_of_issuer(directive.issuer) if directive.issuer else (None, False)
    return slug(issuer_code) if issuer_code else None


def directive_fields(value: str, meta: dict) -> dict:
    """A facet value of the directive field as the ``Directive`` fields it stands for (the label defaults to the id)."""
    data = {name: meta.get(name) for name in DIRECTIVE_FIELDS} | {"id": value}
    data["label"] = data["label"] or value
    return data


def directive_from_facet(value: str, meta: dict) -> Directive | None:
    """The ``Directive`` a facet value stands for, rebuilt from its meta; None when the meta is incomplete."""
    data = directive_fields(value, meta)
    return Directive(**data) if data["type"] and data["number"] else None
