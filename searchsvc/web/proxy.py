"""``searchsvc serve --behind-nginx``: Debian's nginx in front of the service's gunicorn, one command for both.

The configuration is the project's own ``deploy/nginx.conf``; this fills in its ``@NAME@`` values, writes the error
files nginx serves (``fallback.write_error_files``) into a run folder, starts gunicorn on a Unix socket there and
nginx on the public address, and stops both when either stops or a signal comes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from searchsvc import config
from searchsvc.web.fallback import RETRY_AFTER, write_error_files
from searchsvc.web.worker import MAX_REQUEST_LINE

CONFIG_TEMPLATE = config.PROJECT_ROOT / "deploy" / "nginx.conf"
GUNICORN_CONFIG = config.PROJECT_ROOT / "gunicorn.conf.py"
# Per client address: requests a second (and a burst above it) and open connections; past them, 429.
RATE_PER_CLIENT = 20
BURST_PER_CLIENT = 40
CONNECTIONS_PER_CLIENT = 64


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None)


def render_config(run_dir: Path, listen: str, max_body: int) -> Path:
    """The run folder's ``nginx.conf``, its error files and temp folders, readable by nginx's unprivileged workers."""
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)
    write_error_files(run_dir / "errors")
    values = {
        "RUN": str(run_dir), "LISTEN": listen, "RATE": RATE_PER_CLIENT, "BURST": BURST_PER_CLIENT,
        "CONNECTIONS": CONNECTIONS_PER_CLIENT, "RETRY_AFTER": RETRY_AFTER, "MAX_BODY": max_body,
        "LINE_BUFFER": f"{-(-MAX_REQUEST_LINE // 1024) + 1}k",
    }
    text = CONFIG_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    path = run_dir / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def nginx_command(nginx: str, run_dir: Path, conf: Path) -> list[str]:
    """nginx in the foreground on the rendered ``conf``, every path (even its first error log) in ``run_dir``."""
    return [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "nginx-error.log")]


def serve_behind_nginx(host: str, port: int, run_dir: Path | None = None) -> int:
    """Run nginx on ``host:port`` and gunicorn behind it until either exits or SIGTERM/SIGINT; nginx's status."""
    nginx = nginx_binary()
    if nginx is None:
        raise FileNotFoundError("không tìm thấy nginx (apt-get install nginx)")
    run_dir = run_dir or Path(tempfile.mkdtemp(prefix="searchsvc-nginx-"))
    conf = render_config(run_dir, f"{host}:{port}", int(config.from_environment()["MAX_CONTENT_LENGTH"]))
    socket_path = run_dir / "gunicorn.sock"
    socket_path.unlink(missing_ok=True)
    children = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
                          "--bind", f"unix:{socket_path}", "wsgi:app"]),
        subprocess.Popen(nginx_command(nginx, run_dir, conf)),
    ]
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return children[1].returncode or 0
