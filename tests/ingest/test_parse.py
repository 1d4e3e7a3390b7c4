import codecs
import json
import unicodedata
from pathlib import Path

import pytest

from searchsvc.errors import ParseError
from searchsvc.ingest.parse import decode_bytes, iter_input_files, read_articles

SCRAPED = """Your Website Title
Tịnh Biên: Hội nghị giao ban công tác khoa giáo
Chiều ngày 30/9/2020, Khối Khoa giáo huyện Tịnh Biên tổ chức Hội nghị.

Responsive image
[img]
Các ngành tiếp tục thực hiện Chỉ thị số 05 của Bộ Chính trị.
Phan Hữu (Tịnh Biên)"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: vowels with their quality marks precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    pieces = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        pieces.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(pieces).encode("cp1258")


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_scraped_layout_drops_noise_and_keeps_title_body_and_byline(tmp_path):
    article = only(read_articles(write(tmp_path, "tinh-bien.txt", SCRAPED)))
    assert article.id == "tinh-bien"
    assert article.title == "Tịnh Biên: Hội nghị giao ban công tác khoa giáo"
    assert article.byline == "Phan Hữu (Tịnh Biên)"
    assert "Responsive image" not in article.body and "[img]" not in article.body
    assert "Your Website Title" not in article.body
    assert article.body.splitlines() == [
        "Chiều ngày 30/9/2020, Khối Khoa giáo huyện Tịnh Biên tổ chức Hội nghị.",
        "Các ngành tiếp tục thực hiện Chỉ thị số 05 của Bộ Chính trị.",
    ]


def test_a_last_line_that_ends_a_sentence_is_body_not_byline(tmp_path):
    text = SCRAPED.rsplit("\n", 1)[0]
    article = only(read_articles(write(tmp_path, "a.txt", text)))
    assert article.byline is None
    assert article.body.endswith("Bộ Chính trị.")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
def test_encodings_are_decoded_to_the_same_text(tmp_path, encoding):
    if encoding == "cp1258":
        data = windows_1258(SCRAPED)
    elif encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + SCRAPED.encode("utf-16-le")
    else:
        data = SCRAPED.encode(encoding)
    article = only(read_articles(write(tmp_path, "a.txt", data)))
    assert article.title == "Tịnh Biên: Hội nghị giao ban công tác khoa giáo"
    assert article.byline == "Phan Hữu (Tịnh Biên)"


def test_a_stray_invalid_byte_is_replaced_not_fatal(tmp_path):
    data = SCRAPED.encode("utf-8").replace("khoa giáo".encode(), b"khoa gi\xff")
    text, warning = decode_bytes(data)
    assert "khoa gi\ufffd" in text and "U+FFFD" in warning
    assert only(read_articles(write(tmp_path, "a.txt", data))).title.startswith("Tịnh Biên")


def test_binary_and_empty_files_are_reported_with_their_path(tmp_path):
    binary = write(tmp_path, "photo.txt", bytes(range(256)) * 40)
    empty = write(tmp_path, "empty.txt", "  \n")
    for path in (binary, empty):
        error = only(read_articles(path))
        assert isinstance(error, ParseError)
        assert str(error).startswith(str(path))


def test_jsonl_bad_lines_are_reported_by_line_and_the_rest_read(tmp_path):
    lines = [
        json.dumps({"id": "ok-1", "title": "Tin một", "body": "Nội dung", "published": "2020-09-30"}),
        "{not json",
        json.dumps(["an", "array"]),
        json.dumps({"id": "bad-type", "title": 5, "body": "x"}),
        json.dumps({"title": "no id", "body": "x"}),
        json.dumps({"id": "bad-date", "title": "t", "body": "b", "published": "30/9/2020"}),
        "",
        json.dumps({"id": 42, "title": "Tin hai", "body": "[img]\nNội dung hai", "author": "NGUYỄN HÂN"}),
    ]
    items = list(read_articles(write(tmp_path, "feed.jsonl", "\n".join(lines))))
    articles = [item for item in items if not isinstance(item, ParseError)]
    errors = [item for item in items if isinstance(item, ParseError)]
    assert [a.id for a in articles] == ["ok-1", "42"]
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert all(str(e).startswith(f"{tmp_path / 'feed.jsonl'}:{e.line}: ") for e in errors)
    assert articles[0].published.isoformat() == "2020-09-30" and articles[0].published_source == "metadata"
    assert articles[1].body == "Nội dung hai" and articles[1].byline == "NGUYỄN HÂN"


def test_control_characters_and_nul_bytes_do_not_reach_the_text(tmp_path):
    record = {"id": "c", "title": "Tin\x00 có\x07 ký tự", "body": "Dòng\x1b một"}
    article = only(read_articles(write(tmp_path, "c.jsonl", json.dumps(record))))
    assert article.title == "Tin có ký tự"
    assert "\x1b" not in article.body


def test_folders_expand_to_their_article_files_and_missing_paths_are_named(tmp_path):
    write(tmp_path, "a.txt", SCRAPED)
    write(tmp_path, "notes.md", "# not an article")
    found = list(iter_input_files([tmp_path, tmp_path / "missing"]))
    assert found[0] == tmp_path / "a.txt"
    assert isinstance(found[1], ParseError) and "missing" in str(found[1])
    assert len(found) == 2


def test_shared_samples_parse_with_their_bylines(shared_corpus):
    samples = shared_corpus.parent / "samples" / "binhdinh"
    articles = [item for path in iter_input_files([samples]) for item in read_articles(path)]
    assert len(articles) == 68
    assert not [a for a in articles if isinstance(a, ParseError)]
    assert sum(1 for a in articles if a.byline) >= 60


def test_a_50_mb_file_is_indexed_from_its_beginning_without_exhausting_memory(tmp_path):
    from searchsvc.ingest.parse import MAX_BODY_CHARACTERS

    paragraph = "Người dân xã Văn Giáo tham gia ngày hội đại đoàn kết toàn dân tộc. " * 20
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Your Website Title\nMột bài viết rất dài\n")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(paragraph + "\n")
    article = only(read_articles(path))
    assert len(article.body) == MAX_BODY_CHARACTERS
    assert article.body.startswith("Người dân xã Văn Giáo")


def test_a_1_mb_single_json_line_is_read(tmp_path):
    body = "Hội nghị giao ban. " * 52_000
    article = only(read_articles(write(tmp_path, "long.jsonl", json.dumps({"id": "long", "title": "Dài", "body": body}))))
    assert article.id == "long" and len(article.body) == len(body.strip())


def test_the_first_line_is_the_site_title_whatever_it_says(tmp_path):
    text = SCRAPED.replace("Your Website Title", "Cổng thông tin điện tử huyện Tịnh Biên")
    article = only(read_articles(write(tmp_path, "a.txt", text)))
    assert article.title == "Tịnh Biên: Hội nghị giao ban công tác khoa giáo"
    # It names the site, which the place extractor reads; the placeholder names nothing.
    assert article.publisher == "Cổng thông tin điện tử huyện Tịnh Biên"
    assert only(read_articles(write(tmp_path, "b.txt", SCRAPED))).publisher is None


def test_a_record_s_source_names_its_publisher_and_a_source_of_another_kind_is_ignored(tmp_path):
    lines = [{"id": "a", "title": "Tin", "body": "Nội dung", "source": "Báo Bình Định (baobinhdinh.vn)"},
             {"id": "b", "title": "Tin", "body": "Nội dung", "source": {"name": "Báo Bình Định"}}]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert [a.publisher for a in read_articles(write(tmp_path, "p.jsonl", text))] == ["Báo Bình Định (baobinhdinh.vn)", None]


def test_jsonl_in_utf16_and_with_a_bom_is_read(tmp_path):
    lines = "\n".join(json.dumps({"id": f"r{n}", "title": "Tịnh Biên", "body": "Nội dung"}, ensure_ascii=False)
                      for n in range(3))
    for name, data in (("a.jsonl", codecs.BOM_UTF8 + lines.encode()), ("b.jsonl", lines.encode("utf-16"))):
        articles = list(read_articles(write(tmp_path, name, data)))
        assert [a.id for a in articles] == ["r0", "r1", "r2"] and articles[0].title == "Tịnh Biên"


def test_a_jsonl_line_with_a_stray_byte_is_repaired_and_named(tmp_path, caplog):
    good = json.dumps({"id": "ok", "title": "Tin", "body": "Nội dung"}, ensure_ascii=False).encode()
    bad = json.dumps({"id": "bad", "title": "Tin", "body": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}).encode()
    path = write(tmp_path, "c.jsonl", good + b"\n" + bad.replace(b"xx", b"x\xff", 1) + b"\n")
    articles = list(read_articles(path))
    assert [a.id for a in articles] == ["ok", "bad"]
    assert f"{path}:2:" in caplog.text
