"""A small on-disk cache of package-index answers, as JSON, with a time limit.

The folder is ``$TORCH_WIZARD_CACHE_DIR`` when set; otherwise on Windows
``%LOCALAPPDATA%\\torch-wizard\\Cache``; elsewhere ``$XDG_CACHE_HOME/torch-wizard`` when that is
set, else ``~/Library/Caches/torch-wizard`` on macOS and ``~/.cache/torch-wizard`` on the rest.

Entries are keyed by a hash of the URL with any credentials removed, and credentials are never
written. A cache that cannot be read or written is skipped silently: it only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_MAX_AGE = 6 * 60 * 60.0  # seconds
_FORMAT = 1


def cache_dir() -> Path:
    """The user's torch-wizard cache folder (it may not exist yet)."""
    override = os.environ.get("TORCH_WIZARD_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / "torch-wizard" / "Cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "torch-wizard"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "torch-wizard"
    return Path.home() / ".cache" / "torch-wizard"


def url_without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed from its host part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class AnswerCache:
    """JSON values stored per URL under ``folder`` (default: :func:`cache_dir`/``index``)."""

    def __init__(
        self,
        folder: Path | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = folder if folder is not None else cache_dir() / "index"
        self.max_age = max_age
        self.clock = clock

    def path_for(self, url: str) -> Path:
        key = hashlib.sha256(url_without_credentials(url).encode()).hexdigest()[:40]
        return self.folder / f"{key}.json"

    def get(self, url: str) -> Any | None:
        """The value stored for ``url`` if it is younger than ``max_age``, else None."""
        try:
            with open(self.path_for(url), encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, ValueError):
            return None
        if (
            not isinstance(entry, dict)
            or entry.get("format") != _FORMAT
            or entry.get("url") != url_without_credentials(url)
            or not isinstance(entry.get("stored_at"), (int, float))
        ):
            return None
        age = self.clock() - float(entry["stored_at"])
        if age < 0 or age > self.max_age:
            return None
        return entry.get("value")

    def put(self, url: str, value: Any) -> None:
        """Store ``value`` (JSON-serialisable) for ``url``; failures are ignored."""
        entry = {
            "format": _FORMAT,
            "url": url_without_credentials(url),
            "stored_at": self.clock(),
            "value": value,
        }
        target = self.path_for(url)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(entry, f)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, TypeError, ValueError):
            return

    def clear(self) -> None:
        """Remove every stored answer (quietly)."""
        try:
            entries = list(self.folder.glob("*.json"))
        except OSError:
            return
        for p in entries:
            try:
                p.unlink()
            except OSError:
                pass
