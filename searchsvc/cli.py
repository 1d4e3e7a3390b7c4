"""The ``searchsvc`` command: a thin shell over the library that turns domain errors into clear messages."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from tqdm import tqdm

from searchsvc import config
from searchsvc.text.analysis import analyze
from searchsvc.errors import ParseError, SearchError
from searchsvc.ingest.parse import iter_input_files, read_articles

INDEX_DIR_OPTION = click.option(
    "--index-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Thư mục chỉ mục (mặc định: $SEARCHSVC_INDEX_DIR, hoặc index/).",
)


@click.group()
@click.option("--verbose", "-v", is_flag=True, help="Ghi nhật ký chi tiết.")
def cli(verbose: bool) -> None:
    """Tìm kiếm tin tức chính quyền địa phương bằng tiếng Việt."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@cli.command("index")
@INDEX_DIR_OPTION
@click.option("--rebuild", is_flag=True, help="Dựng chỉ mục mới bên cạnh chỉ mục đang chạy rồi thay thế.")
@click.option("--allow-drop", is_flag=True,
              help="Cho phép dựng lại bỏ các bài đang có trong chỉ mục nhưng không có trong PATHS.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def index_command(index_dir: Path | None, rebuild: bool, allow_drop: bool, paths: tuple[Path, ...]) -> None:
    """Đọc bài viết từ PATHS (tệp .txt, .jsonl hoặc thư mục) và đưa vào chỉ mục."""
    from searchsvc.index.indexer import index_paths
    from searchsvc.search import shared

    target = config.index_dir(index_dir)
    with _progress_bar() as progress, _index_errors(target):
        report = index_paths(paths, target, rebuild=rebuild, allow_drop=allow_drop, progress=progress,
                             prepare=shared.prepare)
    _echo_report(report, target)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A progress bar of a long run on a terminal, nothing otherwise."""
    bar = tqdm(unit=" bài", disable=not sys.stderr.isatty(), file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()


def _echo_report(report, target: Path) -> None:
    for error in report.errors:
        click.echo(str(error), err=True)
    click.echo(
        f"Đã lập chỉ mục {report.indexed} bài, cập nhật {report.updated}, bỏ qua {report.skipped} "
        f"trong {report.seconds:.1f} giây ({target})."
    )
    _echo_compaction(report.compacted)


@cli.command("reanalyze")
@INDEX_DIR_OPTION
@click.option("--allow-drop", is_flag=True, help="Cho phép bỏ các bài mà việc trích xuất lại gặp lỗi.")
def reanalyze_command(index_dir: Path | None, allow_drop: bool) -> None:
    """Dựng lại chỉ mục từ chính các bài đã lưu, không cần tệp nguồn: dùng khi quy tắc trích xuất hay phân tích đổi."""
    from searchsvc.index.reanalysis import reanalyse
    from searchsvc.search import shared

    target = config.index_dir(index_dir)
    with _progress_bar() as progress, _index_errors(target):
        report = reanalyse(target, allow_drop=allow_drop, progress=progress, prepare=shared.prepare)
    _echo_report(report, target)


@cli.command("watch")
@INDEX_DIR_OPTION
@click.option("--settle", default=2.0, show_default=True,
              help="Số giây kích thước và thời điểm sửa của một tệp phải đứng yên trước khi đọc "
                   "(tệp được đổi tên vào thư mục thì đọc ngay).")
@click.option("--poll", default=0.5, show_default=True, help="Số giây giữa hai lần gom tệp đã sẵn sàng.")
@click.option("--rescan", default=300.0, show_default=True,
              help="Số giây giữa hai lần quét lại toàn bộ thư mục (bắt các tệp mà thông báo của hệ thống bỏ sót).")
@click.argument("folders", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def watch_command(index_dir: Path | None, settle: float, poll: float, rescan: float, folders: tuple[Path, ...]) -> None:
    """Theo dõi FOLDERS và lập chỉ mục các tệp mới hoặc đã sửa khi chúng đến, theo từng đợt; dừng bằng Ctrl-C."""
    import signal

    from searchsvc.index.watch import Watcher
    from searchsvc.search import shared

    target = config.index_dir(index_dir)
    watcher = Watcher(folders, target, settle=settle, poll=poll, rescan=rescan, prepare=shared.prepare,
                      on_batch=_echo_batch, on_error=_echo_watch_error,
                      on_start=lambda: click.echo(f"Đang theo dõi {', '.join(map(str, folders))} → {target}", err=True))

    def stop(signum, frame) -> None:
        if watcher.stopped.is_set():
            raise KeyboardInterrupt
        click.echo("Đang dừng sau đợt hiện tại…", err=True)
        watcher.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with _index_errors(target):
        watcher.run()
    click.echo("Đã dừng theo dõi.", err=True)


def _echo_batch(batch) -> None:
    for error in batch.report.errors:
        click.echo(str(error), err=True)
    report = batch.report
    click.echo(
        f"{time.strftime('%H:%M:%S')} {batch.files} tệp: lập chỉ mục {report.indexed} bài, cập nhật {report.updated}, "
        f"bỏ qua {report.skipped} trong {report.seconds:.1f} giây; từ khi tệp đến đến khi tìm được: "
        f"tối đa {max(batch.waits, default=0):.1f} giây."
    )
    _echo_compaction(report.compacted)


def _echo_watch_error(error) -> None:
    if isinstance(error, OSError):
        error = f"Không ghi được chỉ mục: {error.strerror or error}; thử lại sau. Chỉ mục đang phục vụ không thay đổi."
    click.echo(str(error), err=True)


@cli.command("delete")
@INDEX_DIR_OPTION
@click.option("--from-file", "id_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp chứa mã bài cần xoá, mỗi dòng một mã.")
@click.argument("ids", nargs=-1)
def delete_command(index_dir: Path | None, id_file: Path | None, ids: tuple[str, ...]) -> None:
    """Xoá các bài viết có mã IDS khỏi chỉ mục (có hiệu lực ngay, không cần dựng lại)."""
    from searchsvc.article import id_problem, shown_id
    from searchsvc.index.indexer import delete_articles

    wanted = list(ids)
    if id_file:
        for number, line in enumerate(id_file.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                problem = id_problem(line.strip())
                if problem:
                    raise click.ClickException(f"{id_file}:{number}: mã «{shown_id(line.strip())}» không hợp lệ: {problem}")
                wanted.append(line.strip())
    if not wanted:
        raise click.UsageError("Cần ít nhất một mã bài viết (hoặc --from-file).")
    target = config.index_dir(index_dir)
    with _index_errors(target):
        report = delete_articles(wanted, target)
    for article_id in report.missing:
        click.echo(f"Không có bài «{article_id}» trong chỉ mục.", err=True)
    click.echo(f"Đã xoá {report.deleted} bài trong {report.seconds:.1f} giây ({target}).")
    _echo_compaction(report.compacted)


@cli.command("compact")
@INDEX_DIR_OPTION
def compact_command(index_dir: Path | None) -> None:
    """Gộp các phân đoạn của chỉ mục, thu hồi chỗ của các bài đã xoá hoặc đã thay."""
    from searchsvc.index.compaction import compact

    target = config.index_dir(index_dir)
    with _index_errors(target):
        report = compact(target)
    if report is None:
        click.echo(f"Chỉ mục đã gọn, không có gì để thu hồi ({target}).")
    _echo_compaction(report)


@contextmanager
def _index_errors(target: Path) -> Iterator[None]:
    """Domain errors, a full disk and Ctrl-C of a write as one clear line each: the serving index is unchanged."""
    try:
        yield
    except SearchError as error:
        raise click.ClickException(error.message) from None
    except OSError as error:
        raise click.ClickException(
            f"Không ghi được chỉ mục vào {target}: {error.strerror or error}. Chỉ mục đang phục vụ không thay đổi."
        ) from None
    except KeyboardInterrupt:
        raise click.ClickException("Đã dừng. Chỉ mục đang phục vụ không thay đổi.") from None


def _echo_compaction(report) -> None:
    if report is not None:
        click.echo(
            f"Đã gộp {report.segments_before} phân đoạn còn {report.segments_after}, thu hồi {report.reclaimed} "
            f"bài đã xoá: {report.bytes_before / 1e6:.1f} MB → {report.bytes_after / 1e6:.1f} MB "
            f"trong {report.seconds:.1f} giây."
        )


@cli.group("keys")
def keys_group() -> None:
    """Khoá API cho các lệnh ghi qua HTTP (PUT, DELETE, POST /api/articles)."""


@keys_group.command("create")
@INDEX_DIR_OPTION
@click.option("--rate", default=600, show_default=True, help="Số yêu cầu ghi tối đa mỗi phút.")
@click.option("--max-body", default=16 * 1024 * 1024, show_default=True, help="Kích thước nội dung tối đa, byte.")
@click.argument("name")
def keys_create(index_dir: Path | None, rate: int, max_body: int, name: str) -> None:
    """Tạo khoá tên NAME và in nó ra một lần duy nhất (chỉ lưu mã băm)."""
    from searchsvc.web.keys import KeyStore

    try:
        secret = KeyStore(config.index_dir(index_dir)).create(name, rate_per_minute=rate, max_body_bytes=max_body)
    except SearchError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Khoá «{name}» (chỉ hiện một lần, hãy lưu lại ngay):", err=True)
    click.echo(secret)


@keys_group.command("list")
@INDEX_DIR_OPTION
def keys_list(index_dir: Path | None) -> None:
    """Liệt kê các khoá: tên, ngày tạo, giới hạn, đã thu hồi chưa."""
    from searchsvc.web.keys import KeyStore

    for key in KeyStore(config.index_dir(index_dir)).list():
        state = f"thu hồi {key.revoked}" if key.revoked else "đang dùng"
        click.echo(f"{key.name}\ttạo {key.created}\t{key.rate_per_minute}/phút\t{key.max_body_bytes} byte\t{state}")


@keys_group.command("revoke")
@INDEX_DIR_OPTION
@click.argument("name")
def keys_revoke(index_dir: Path | None, name: str) -> None:
    """Thu hồi khoá NAME: các yêu cầu dùng nó bị từ chối (403) ngay."""
    from searchsvc.web.keys import KeyStore

    if not KeyStore(config.index_dir(index_dir)).revoke(name):
        raise click.ClickException(f"Không có khoá đang dùng tên «{name}».")
    click.echo(f"Đã thu hồi khoá «{name}».")


@cli.command("search")
@INDEX_DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON như /api/search.")
@click.option("--page", default=1, show_default=True, help="Trang kết quả.")
@click.option("--per-page", default=10, show_default=True, help="Số kết quả mỗi trang (tối đa 100).")
@click.argument("query", nargs=-1)
def search_command(index_dir: Path | None, as_json: bool, page: int, per_page: int, query: tuple[str, ...]) -> None:
    """Tìm QUERY trong chỉ mục."""
    from searchsvc.search.postings import ViewCache
    from searchsvc.search.service import SearchRequest, search

    try:
        freshness = config.check_freshness(config.from_environment()["FRESHNESS"])
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    try:
        request = SearchRequest.from_pairs([("q", " ".join(query)), ("page", str(page)), ("per_page", str(per_page))],
                                           freshness)
        result = search(ViewCache(config.index_dir(index_dir)).get(), request)
    except SearchError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} kết quả ({result.took_ms:.0f} ms), trang {request.page}/{max(result.pages, 1)}")
    for rank_number, hit in enumerate(result.hits, start=(request.page - 1) * request.per_page + 1):
        click.echo(f"\n{rank_number}. {hit.title}  [{hit.id}] {hit.published or ''}")
        click.echo(f"   {hit.snippet}")


@cli.command("analyze")
@click.argument("text", nargs=-1, required=True)
def analyze_command(text: tuple[str, ...]) -> None:
    """In các token của TEXT (dạng chuẩn và dạng bỏ dấu), như _analyze của Elasticsearch."""
    for position, token in enumerate(analyze(" ".join(text))):
        click.echo(f"{position}\t{token.exact}\t{token.folded}\t{token.start}-{token.end}")


@cli.command("parse")
@click.option("--json", "as_json", is_flag=True, default=True, help="Mỗi bài một dòng JSON (mặc định).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def parse_command(as_json: bool, paths: tuple[Path, ...]) -> None:
    """Đọc bài viết và in siêu dữ liệu trích được (ngày, địa phương, tác giả, văn bản)."""
    from searchsvc.ingest.extract import enrich

    failures = 0
    for item in iter_input_files(paths):
        items = [item] if isinstance(item, ParseError) else read_articles(item)
        for article in items:
            if isinstance(article, ParseError):
                click.echo(str(article), err=True)
                failures += 1
                continue
            click.echo(json.dumps(enrich(article).to_dict(), ensure_ascii=False))
    if failures:
        sys.exit(1)


@cli.command("serve")
@INDEX_DIR_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--behind-nginx", is_flag=True,
              help="Chạy nginx (deploy/nginx.conf) ở HOST:PORT, trước gunicorn: cách triển khai cho Internet.")
@click.option("--run-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Thư mục chạy của nginx (cấu hình, socket, nhật ký); mặc định: một thư mục tạm.")
def serve_command(index_dir: Path | None, host: str, port: int, behind_nginx: bool, run_dir: Path | None) -> None:
    """Chạy dịch vụ web bằng gunicorn, hoặc nginx trước gunicorn (--behind-nginx)."""
    import os

    if index_dir:
        os.environ["SEARCHSVC_INDEX_DIR"] = str(index_dir)
    os.environ.setdefault("SEARCHSVC_BASE_URL", f"http://{host}:{port}")
    click.echo(f"Đang phục vụ tại http://{host}:{port}/")
    if behind_nginx:
        from searchsvc.web.proxy import serve_behind_nginx

        try:
            sys.exit(serve_behind_nginx(host, port, run_dir))
        except FileNotFoundError as error:
            raise click.ClickException(str(error)) from None
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--config", str(config.PROJECT_ROOT / "gunicorn.conf.py"),
                               "--bind", f"{host}:{port}", "wsgi:app"])
