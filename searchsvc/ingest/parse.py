"""Raw input files -> ``Article``: decode whatever encoding arrived, drop scraping noise, take title, body, byline.

Two layouts are read:

* scraped text (``.txt``): a site-title line, the headline, paragraphs with ``Responsive image`` / ``[img]`` noise
  lines, and a byline as the last line;
* JSON Lines (``.jsonl``/``.json``): one object per line with ``id, title, body, url, published, author, category``.

A bad file or line becomes a ``ParseError`` value in the stream (``path:line: reason``), so one broken record never
stops a run. Metadata extraction (dates, places, authors, directives) happens later, in ``extract.py``.
"""

from __future__ import annotations

import codecs
import html
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from charset_normalizer import from_bytes

from searchsvc.article import Article, canonical_id, id_problem, shown_id
from searchsvc.errors import ParseError, display_path
from searchsvc.text.normalize import CONTROL_CHARACTERS, nfc, repair_text

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
NOISE_LINE = re.compile(r"^\s*(?:Responsive image|\[img\]|Your Website Title)\s*$", re.IGNORECASE)
# HTML character references left in scraped text (``&nbsp;``, ``&ocirc;``, ``&#7879;``); an unknown name such as
# the ``&MT;`` of ``TN&MT;`` is left as written.
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A scraper that percent-encoded the dot below (U+0323) and lost part of it left ``huyê%3ḅn`` for ``huyện``.
MANGLED_DOT_BELOW = re.compile("%3(?:\u1e05|b\u0323)")
BYLINE_MAX_WORDS = 10
BYLINE_MAX_CHARS = 80
SENTENCE_END = tuple(".!?…:;\"”'")
MAX_BODY_CHARACTERS = 1_000_000
# Longer than any real value of the field; past it the value is cut (and the cut logged), so one record cannot make
# every page or suggestion that shows it large, nor hold the indexer's memory.
MAX_FIELD_CHARACTERS = {"title": 500, "body": MAX_BODY_CHARACTERS, "url": 2000, "category": 200, "author": 300,
                        "source": 300}
# A few replaced bytes in an otherwise UTF-8 file are a stray error; more mean another encoding.
STRAY_BYTE_SHARE = 0.001


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | ParseError]:
    """Expand folders into the readable files below them, in a stable order; name what cannot be read.

    A link inside a folder is followed only when it points to a file inside one of the given folders: a link to
    ``/etc/passwd`` dropped into an input folder must not become an article. Linked folders are not entered.
    """
    paths = [Path(raw) for raw in paths]
    roots = [path.resolve() for path in paths if path.is_dir()]
    for path in paths:
        if path.is_dir():
            yield from _files_below(path, roots)
        elif path.is_file():
            yield path
        else:
            yield ParseError(path, None, "không tìm thấy tệp hoặc thư mục")


def _files_below(folder: Path, roots: list[Path]) -> Iterator[Path | ParseError]:
    found: list[Path | ParseError] = []
    unreadable: list[OSError] = []
    for parent, folders, names in os.walk(folder, onerror=unreadable.append):
        folders.sort()
        for name in names:
            child = input_file(Path(parent) / name, roots)
            if child is not None:
                found.append(child)
    found.extend(ParseError(error.filename, None, f"không đọc được thư mục ({error.strerror})") for error in unreadable)
    yield from sorted(found, key=lambda item: Path(item.path) if isinstance(item, ParseError) else item)


def input_file(path: Path, roots: list[Path]) -> Path | ParseError | None:
    """``path`` when it is an input file inside a folder of ``roots`` (resolved), the reason when it must not be
    read, ``None`` when it is not an input at all (another suffix, a folder, gone)."""
    if path.suffix.lower() not in TEXT_SUFFIXES | JSONL_SUFFIXES:
        return None
    if path.is_symlink():
        target = path.resolve()
        if not any(target.is_relative_to(root) for root in roots):
            return ParseError(path, None, "liên kết trỏ ra ngoài các thư mục đầu vào, bỏ qua")
    return path if path.is_file() else None


def read_articles(path: Path) -> Iterator[Article | ParseError]:
    """Every article of one file, or the reasons its parts could not be read; repairs are logged."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        yield ParseError(path, None, f"không đọc được tệp ({error.strerror})")
        return
    text = _decoded(data, path, None)
    if isinstance(text, ParseError):
        yield text
    else:
        yield parse_scraped_text(text, path)


def _read_jsonl(path: Path) -> Iterator[Article | ParseError]:
    """Stream JSON Lines a line at a time, so a file of 200,000 articles is never held in memory whole.

    UTF-16 (a BOM or NUL bytes up front) cannot be split on newline bytes, so such a file is decoded whole.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        yield ParseError(path, None, f"không đọc được tệp ({error.strerror})")
        return
    with handle:
        head = handle.read(4096)
        handle.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            text = _decoded(handle.read(), path, None)
            if isinstance(text, ParseError):
                yield text
                return
            lines = enumerate(text.split("\n"), start=1)
        else:
            lines = _decoded_lines(handle, path)
        found = False
        for number, line in lines:
            if isinstance(line, ParseError):
                yield line
                continue
            if line.strip():
                found = True
                yield parse_json_line(line, path, number)
        if not found and not head.strip():
            yield ParseError(path, None, "tệp rỗng")


def _decoded_lines(handle, path: Path) -> Iterator[tuple[int, str | ParseError]]:
    for number, raw in enumerate(handle, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if raw.strip():
            yield number, _decoded(raw, path, number)


def _decoded(data: bytes, path: Path, line: int | None) -> str | ParseError:
    """Text of a file or of one line, its repairs logged, or the reason it cannot be read."""
    if not data.strip():
        return ParseError(path, line, "tệp rỗng")
    text, warning = decode_bytes(data)
    if text is None:
        return ParseError(path, line, warning)
    if warning:
        logger.warning("%s:%s: %s", display_path(path), line or 1, warning)
    return text


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode file bytes to text and say what was repaired, or why nothing could be read.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as declared; a file with a few invalid bytes keeps
    its UTF-8 with the bytes replaced; anything else (Windows-1258, UTF-16 without BOM) is left to charset
    detection. Binary data is refused.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _clean(data.decode(encoding)), None
            except UnicodeDecodeError:
                return None, f"tệp khai báo {encoding} nhưng không giải mã được"
    try:
        return _clean(data.decode("utf-8")), None
    except UnicodeDecodeError:
        pass
    repaired = data.decode("utf-8", errors="replace")
    replaced = repaired.count("\ufffd")
    if replaced <= max(1, len(data) * STRAY_BYTE_SHARE) and b"\x00" not in data:
        return _clean(repaired), f"{replaced} byte UTF-8 không hợp lệ đã được thay bằng U+FFFD"
    best = from_bytes(data, cp_isolation=["utf_16_le", "utf_16_be", "cp1258", "cp1252"]).best()
    if best is None or not str(best).strip() or _looks_binary(str(best)):
        return None, "không nhận ra bảng mã (tệp nhị phân?)"
    return _clean(str(best)), f"đã đọc theo bảng mã {best.encoding}"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return sum(1 for char in sample if CONTROL_CHARACTERS.match(char)) > len(sample) * 0.01


def _clean(text: str) -> str:
    """NFC, one kind of line break, character references decoded, the scraper's mangled dot below mended, no
    no-break spaces, and nothing an output cannot carry (``repair_text``).

    >>> _clean("Huy&ecirc;%3ḅn&nbsp;Tịnh Biên &amp; TN&MT;")
    'Huyện Tịnh Biên & TN&MT;'
    """
    text = CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group()), text)
    text = MANGLED_DOT_BELOW.sub("\u0323", text).replace("\u00a0", " ")
    return nfc(repair_text(text.replace("\r\n", "\n").replace("\r", "\n")))


def parse_scraped_text(text: str, path: Path) -> Article | ParseError:
    """Read one article in the scraper's layout (see ``shared/samples/README.md``): the first line is the site's
    title, picked up by the scraper whatever the site calls itself, and never part of the article."""
    site, *lines = [line.strip() for line in text.split("\n") if line.strip()] or [""]
    lines = [line for line in lines if not NOISE_LINE.match(line)]
    if len(lines) < 2:
        return ParseError(path, None, "thiếu tiêu đề hoặc nội dung bài viết")
    title, *paragraphs = lines
    byline = None
    if len(paragraphs) > 1 and _looks_like_byline(paragraphs[-1]):
        byline = paragraphs.pop()
    problem = id_problem(path.stem)
    if problem:
        return ParseError(path, None, f"tên tệp «{shown_id(path.stem)}» không dùng được làm mã bài viết: {problem}")
    article_id = canonical_id(path.stem)
    return Article(
        id=article_id,
        title=_bounded_field("title", title, path, None),
        body=_bounded_field("body", "\n".join(paragraphs), path, None),
        byline=byline,
        publisher=None if NOISE_LINE.match(site) else _bounded_field("source", site, path, None),
        source=display_path(path),
        line=None,
    )


def _looks_like_byline(line: str) -> bool:
    """A short last line that does not end a sentence is a byline (``Phan Hữu (Tịnh Biên)``, ``NGUYỄN HÂN``)."""
    return len(line) <= BYLINE_MAX_CHARS and len(line.split()) <= BYLINE_MAX_WORDS and not line.endswith(SENTENCE_END)


def parse_json_line(line: str, path: Path, number: int) -> Article | ParseError:
    """One JSON Lines record; a bad one becomes a ``ParseError`` naming its line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return ParseError(path, number, f"JSON không hợp lệ ({error.msg}, cột {error.colno})")
    except RecursionError:
        return ParseError(path, number, "JSON lồng nhau quá sâu")
    try:
        return article_from_record(record, path, number)
    except ParseError as error:
        return error


def article_from_record(record: object, path: Path, line: int) -> Article:
    """Validate one JSON record of the corpus schema and make it an ``Article``."""
    if not isinstance(record, dict):
        raise ParseError(path, line, "dòng JSON không phải là một đối tượng")
    article_id = _required_text(record, "id", path, line, allow_int=True)
    problem = id_problem(article_id)
    if problem:
        raise ParseError(path, line, f"mã «{shown_id(article_id)}» không hợp lệ: {problem}")
    title = _optional_text(record, "title", path, line) or ""
    body = _optional_text(record, "body", path, line) or ""
    if not title.strip() and not body.strip():
        raise ParseError(path, line, "bài viết không có tiêu đề lẫn nội dung")
    paragraphs = [p.strip() for p in _clean(body).split("\n")]
    published = _parse_published(record.get("published"), path, line)
    return Article(
        id=canonical_id(article_id),
        title=_bounded_field("title", " ".join(_clean(title).split()), path, line),
        body="\n".join(p for p in paragraphs if p and not NOISE_LINE.match(p)),
        url=_optional_text(record, "url", path, line),
        published=published,
        published_source="metadata" if published else None,
        category=_optional_text(record, "category", path, line),
        byline=_optional_text(record, "author", path, line),
        # Where the text comes from only helps the place extractor: a value of another kind is ignored, not an error.
        publisher=_optional_text(record, "source", path, line) if isinstance(record.get("source"), str) else None,
        source=display_path(path),
        line=line,
    )


def _required_text(record: dict, key: str, path: Path, line: int, allow_int: bool = False) -> str:
    value = record.get(key)
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ParseError(path, line, f"thiếu trường «{key}» hoặc không phải chuỗi")
    return value


def _optional_text(record: dict, key: str, path: Path, line: int) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParseError(path, line, f"trường «{key}» phải là chuỗi, không phải {type(value).__name__}")
    value = _clean(value).strip()
    return _bounded_field(key, value, path, line) if value else None


def _parse_published(value: object, path: Path, line: int) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(path, line, "trường «published» phải là chuỗi ngày ISO")
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        raise ParseError(path, line, f"ngày «{value[:40]}» không theo dạng ISO (YYYY-MM-DD)") from None


def _bounded_field(name: str, value: str, path: Path, line: int | None) -> str:
    """``value`` cut to the field's ``MAX_FIELD_CHARACTERS``, the cut logged."""
    limit = MAX_FIELD_CHARACTERS[name]
    if len(value) <= limit:
        return value
    logger.warning("%s:%s: trường «%s» dài %d ký tự, chỉ lập chỉ mục %d ký tự đầu",
                   display_path(path), line or 1, name, len(value), limit)
    return value[:limit]

