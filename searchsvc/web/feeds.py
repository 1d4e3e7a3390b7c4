"""Atom feeds (RFC 4287) of searches, so a citizen can follow the news about a commune in a feed reader.

Built with ElementTree, which escapes every text and attribute: titles and snippets from the corpus cannot break
the XML. Plain Python: the web layer passes absolute URLs in.
"""

from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree

from searchsvc.search.service import Hit, SearchResult

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
# Dates in the corpus are days in Vietnam: an article of 2020-09-30 was published that day at UTC+7.
VIETNAM_OFFSET = "+07:00"
FEED_AUTHOR = "Tìm kiếm tin tức chính quyền địa phương"

ElementTree.register_namespace("", ATOM)


def atom_feed(result: SearchResult, *, title: str, self_url: str, page_url: str, article_url, generated: datetime,
              ) -> bytes:
    """The results of one search as an Atom document.

    :param article_url: ``article_url(hit) -> str``, the absolute address of an article's page (also its id).
    :param generated: when the index was built; the feed's ``updated`` when no result carries a date.
    """
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    entries_updated = [_day_time(hit.published) for hit in result.hits if hit.published]
    _text(feed, "updated", max(entries_updated) if entries_updated else _iso(generated))
    _link(feed, self_url, "self", MEDIA_TYPE)
    _link(feed, page_url, "alternate", "text/html")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", FEED_AUTHOR)
    _text(feed, "generator", "searchsvc")
    for hit in result.hits:
        _entry(feed, hit, article_url(hit), _day_time(hit.published) if hit.published else _iso(generated))
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ElementTree.Element, hit: Hit, url: str, updated: str) -> None:
    entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", url)
    _text(entry, "title", hit.title)
    _text(entry, "updated", updated)
    if hit.published:
        _text(entry, "published", updated)
    _link(entry, url, "alternate", "text/html")
    if hit.url and hit.url.lower().startswith(("http://", "https://")):
        _link(entry, hit.url, "related", "text/html")
    for name in hit.authors:
        author = ElementTree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", name)
    for directive in hit.directives:
        ElementTree.SubElement(entry, f"{{{ATOM}}}category", {"term": directive["id"], "label": directive["label"]})
    # The snippet is already escaped HTML with <mark>: as type="html" it is escaped once more by ElementTree.
    summary = _text(entry, "summary", hit.snippet)
    summary.set("type", "html")


def _text(parent: ElementTree.Element, name: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = _xml_safe(text)
    return element


def _link(parent: ElementTree.Element, href: str, rel: str, media_type: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": media_type, "href": href})


def _day_time(day: str) -> str:
    return f"{day[:10]}T00:00:00{VIETNAM_OFFSET}"


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds")


def _xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry at all (control characters other than tab and newlines).

    >>> _xml_safe("a\\x00b\\x0bc\\td")
    'abc\\td'
    """
    return "".join(c for c in text if c in "\t\n\r" or " " <= c < "\ud800" or "\ue000" <= c < "\ufffe" or c > "\uffff")
