"""What staff type to find a document (``05/CT-TTg``, ``CT 05``, ``chi thi 05``), and which ids of an index name
one document.

Shares the document vocabulary of ``searchsvc.text.documents`` with the extractor, not its code: the search layer
never imports an extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from searchsvc.article import Directive
from searchsvc.text.documents import OTHER_CODES, TYPE_BY_CODE, TYPES, code_of_issuer, number_key, read_symbol, slug
from searchsvc.text.normalize import fold, fold_text, nfc

DIRECTIVE_FIELDS = tuple(field.name for field in fields(Directive))


def undated_aliases(directives: dict[str, dict]) -> dict[str, str]:
    """Year-less ids that can only mean one dated document of the index: ``chi-thi-5-ttg`` -> ``chi-thi-5-ttg-2020``.

    An article that omits the year gets a year-less id, because two documents must never share an id. Across an
    index, when exactly one dated document has the same type, number and issuer, the year-less mentions (which name
    their issuer) are that document. ``directives`` maps ids to their ``Directive.to_dict()``.
    """
    dated: dict[str, list[str]] = {}
    for directive_id, meta in directives.items():
        year = meta.get("year")
        if year and directive_id.endswith(f"-{year}"):
            dated.setdefault(directive_id[: -len(str(year)) - 1], []).append(directive_id)
    return {
        undated: ids[0] for undated, ids in dated.items()
        if len(ids) == 1 and undated in directives and not directives[undated].get("year")
        and (directives[undated].get("symbol") or directives[undated].get("issuer"))
    }


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
    r"(?:\s*[-–—/]\s*(?P<symbol>[a-z][a-z0-9&]*(?:\s*[-–—/]\s*[a-z0-9&]+)*))?"
    r"(?:\s*,?\s*(?:nam\s+)?(?P<trailing_year>(?:19|20)\d\d))?"
)


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
    """
    folded = fold_text(re.sub(r"(?<=/)\s*T[Ưư](?![^\W\d_])", "TW", nfc(text)))
    match = QUERY.fullmatch(folded)
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
