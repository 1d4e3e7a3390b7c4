"""What the index of ``../shared/corpus`` would say about dates and cited documents: ``python -m quality.corpus_facts``.

Reads every corpus article as the indexer does, extracts its metadata, and prints the figures issue 11 is checked
on: publication dates (where they come from; none before 1945 or after today), the directive catalogue as the index
resolves it (entries, ``Nghị định 67/2014/NĐ-CP`` as one entry, less specific twins of a unique fuller entry,
issuers that are not the name of a body), and the extraction CPU time per article.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from datetime import date

from quality.corpus import CORPUS
from searchsvc.article import Article
from searchsvc.ingest.extract import enrich
from searchsvc.ingest.parse import article_from_record
from searchsvc.search.directives import catalogue_aliases
from searchsvc.text.documents import number_key, read_symbol
from searchsvc.text.normalize import fold_text

EARLIEST_YEAR = 1945
# How the names of real issuing bodies start (folded); anything else is a fragment of a sentence.
BODY_HEADS = re.compile(
    r"^(?:bo chinh tri|ban bi thu|ban chap hanh trung uong|trung uong|chinh phu|thu tuong|quoc hoi|"
    r"uy ban thuong vu quoc hoi|hoi dong (?:bao an|quan tri|tham dinh|tham phan|nhan dan|quoc gia)|van phong chinh phu|vpcp|thanh tra chinh phu|ngan hang nha nuoc|"
    r"bo (?!chinh$)\w+|bo truong bo \w+|(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan|tand|toa an nhan dan) "
    r"(?:tinh|tp|tphcm|tp\.hcm|thanh pho|huyen|quan|thi xa|xa|phuong)(?: \w+)*$|tand toi cao|"
    r"(?:ban thuong vu )?(?:tinh|thanh|huyen|quan|dang) uy(?: \w+)*|tong cuc \w+|cuc \w+|so \w+|"
    r"toa an nhan dan|vien kiem sat nhan dan|kiem toan nha nuoc|uy ban \w+|ban chi dao|ban \w+ trung uong$|"
    r"thanh tra (?:tinh|thanh pho|huyen|quan|bo)(?: \w+)*$|"
    r"chu tich (?:ubnd|uy ban nhan dan|nuoc) ?\w*)"
)


def main() -> int:
    if not CORPUS.is_dir():
        print(f"Shared corpus not found at {CORPUS}: nothing to check.", file=sys.stderr)
        return 2
    today = date.today()
    sources: Counter[str] = Counter()
    implausible: list[str] = []
    directives: dict[str, dict] = {}
    citing: Counter[str] = Counter()
    articles = 0
    cpu = 0.0
    enrich(Article(id="warm-up", title="Hà Nội", body="Ngày 1/1/2020"))  # the gazetteer loads once per process
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                article = article_from_record(json.loads(line), path, number)
                started = time.process_time()
                article = enrich(article)
                cpu += time.process_time() - started
                articles += 1
                sources[article.published_source or "undated"] += 1
                if article.published and not EARLIEST_YEAR <= article.published.year or (
                        article.published and article.published > today):
                    implausible.append(f"{article.id} {article.published} ({article.published_source})")
                for directive in article.directives:
                    directives.setdefault(directive.id, directive.to_dict())
                    citing[directive.id] += 1

    print(f"articles {articles}; extraction CPU {cpu / articles * 1000:.3f} ms per article")
    print("dates: " + ", ".join(f"{source} {count}" for source, count in sorted(sources.items())))
    print(f"  implausible (before {EARLIEST_YEAR} or after {today}): {len(implausible)}", *implausible[:20],
          sep="\n    ")

    aliases = catalogue_aliases(directives)
    entries = {value: meta for value, meta in directives.items() if value not in aliases}
    print(f"catalogue: {len(directives)} identities extracted, {len(entries)} entries after index-wide resolution")
    nd67 = sorted(value for value, meta in entries.items()
                  if meta["type"] == "Nghị định" and meta["number"] == "67" and meta.get("year") in (2014, None))
    print(f"  Nghị định 67 (2014 or no year): {len(nd67)} entries: {', '.join(nd67)}")
    identities = {value: _identity(meta) for value, meta in entries.items()}
    twins = []
    for value, meta in entries.items():
        fuller = [other for other in entries if _fuller(identities[other], identities[value])]
        fullest = [other for other in fuller if not any(_fuller(identities[more], identities[other]) for more in fuller)]
        if len(fullest) == 1:
            twins.append(f"{value} ({citing[value]}) < {fuller[0]} ({citing[fuller[0]]})")
    print(f"  less specific twins of a unique fuller entry: {len(twins)}", *twins[:30], sep="\n    ")
    fragments = Counter(meta["issuer"] for meta in entries.values() if meta.get("issuer")
                        and not BODY_HEADS.match(fold_text(meta["issuer"])))
    print(f"  issuers that are not a body: {sum(fragments.values())}",
          *(f"{issuer!r} x{count}" for issuer, count in fragments.most_common(20)), sep="\n    ")
    unnamed = sum(1 for meta in entries.values() if not meta.get("issuer") and meta.get("symbol")
                  and re.search(r"(?:^|[-/])(?:CP|TTg|TW|QH\d*)$", meta["symbol"]))
    print(f"  entries whose symbol names the issuer but show none: {unnamed}")
    return 0


def _identity(meta: dict) -> tuple[str, str, str | None, int | None]:
    """Type, number, issuer (from the symbol, else the issuer's words; a Nghị định is the Government's) and year."""
    issuer = None
    if meta.get("symbol"):
        issuer = fold_text(read_symbol(meta["symbol"])[1] or "").replace(" ", "") or None
    elif meta.get("issuer"):
        words = fold_text(meta["issuer"])
        issuer = next((code for name, code in (("chinh phu", "cp"), ("thu tuong", "ttg"), ("bo chinh tri", "tw"),
                                              ("ban bi thu", "tw"), ("ban chap hanh trung uong", "tw"),
                                              ("quoc hoi", "qh")) if words.startswith(name)), words)
    if meta["type"] == "Nghị định" and issuer is None:
        issuer = "cp"
    if issuer and re.fullmatch(r"qh\d+", issuer):
        issuer = "qh"
    return meta["type"], number_key(meta["number"]), issuer, meta.get("year")


def _fuller(fuller: tuple, meta: tuple) -> bool:
    """Whether ``fuller`` is the same document as ``meta`` told with more: nothing disagrees and something is added."""
    same = fuller[:2] == meta[:2] and all(b is None or a == b for a, b in zip(fuller[2:], meta[2:]))
    return same and fuller != meta


if __name__ == "__main__":
    sys.exit(main())
