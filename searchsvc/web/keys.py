"""API keys for the write routes: shown once when created, stored only as a SHA-256 hash, revocable.

A key is 32 random bytes, so a fast hash is enough (nothing to brute-force); it is compared with
``hmac.compare_digest`` so the time taken says nothing about how much of a guess was right. Keys live in
``api-keys.json`` in the index folder, written aside and renamed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from searchsvc.errors import InvalidParameter

KEYS_FILE = "api-keys.json"
KEY_PREFIX = "ssk_"
DEFAULT_RATE_PER_MINUTE = 600
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ApiKey:
    name: str
    hash: str
    created: str
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    revoked: str | None = None


class KeyStore:
    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / KEYS_FILE

    def list(self) -> list[ApiKey]:
        try:
            return [ApiKey(**record) for record in json.loads(self.path.read_text(encoding="utf-8"))]
        except FileNotFoundError:
            return []

    def create(self, name: str, rate_per_minute: int = DEFAULT_RATE_PER_MINUTE,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> str:
        """A new key for ``name``: the only time the key itself exists outside the client."""
        keys = self.list()
        if any(key.name == name and not key.revoked for key in keys):
            raise InvalidParameter(f"Đã có khoá đang dùng tên «{name}».", param="name")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        keys.append(ApiKey(name, _digest(secret), _now(), rate_per_minute, max_body_bytes))
        self._save(keys)
        return secret

    def revoke(self, name: str) -> bool:
        keys = self.list()
        found = any(key.name == name and not key.revoked for key in keys)
        self._save([ApiKey(**{**asdict(key), "revoked": _now()}) if key.name == name and not key.revoked else key
                    for key in keys])
        return found

    def find(self, secret: str) -> ApiKey | None:
        """The key ``secret`` is (revoked ones included, so the caller can say so), or ``None``."""
        digest = _digest(secret)
        found = None
        for key in self.list():
            if hmac.compare_digest(digest, key.hash):
                found = key
        return found

    def _save(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{KEYS_FILE}-{secrets.token_hex(4)}")
        temporary.write_text(json.dumps([asdict(key) for key in keys], ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
