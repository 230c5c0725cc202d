"""Read what a package index really serves: the wheel files of a project, and their metadata.

Speaks the simple repository API: PEP 691 JSON when the index offers it, PEP 503 HTML
otherwise (download.pytorch.org serves HTML). Uses only the standard library (urllib).

- A project the index does not have (HTTP 403, as download.pytorch.org answers, or 404) gives
  an empty list.
- An index that cannot be reached, does not answer in time, or fails (5xx) raises
  :class:`IndexUnreachable`, whose text never contains credentials.
- ``user:password@`` in an index URL is sent as HTTP Basic auth, only to that URL (not across
  redirects), and never written to the cache or shown in messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from packaging.utils import parse_wheel_filename

from wizard import __version__
from wizard.catalog.cache import AnswerCache, url_without_credentials
from wizard.names import canonical_name

__all__ = [
    "IndexUnreachable",
    "WheelFile",
    "fetch_files",
    "fetch_many",
    "fetch_metadata_requires",
    "parse_html",
    "parse_json",
    "project_url",
    "wheel_file",
]

ACCEPT_INDEX = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
USER_AGENT = f"torch-wizard/{__version__}"
_NOT_THERE = (403, 404, 410)  # the project is not on this index
_CHUNK = 64 * 1024


class IndexUnreachable(Exception):
    """An index that could not be read: no connection, no answer in time, or a server error.

    ``url`` never carries credentials. ``connection_failed`` is true when the host itself could
    not be reached (refused, timed out, unknown name), which says the same about every other
    request to that host.
    """

    def __init__(self, url: str, reason: str, *, connection_failed: bool = False) -> None:
        self.url = url_without_credentials(url)
        self.reason = reason
        self.connection_failed = connection_failed
        super().__init__(self.url, reason)

    def __str__(self) -> str:
        return f"Could not read the package index at {self.url}: {self.reason}."

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_unreachable, (self.url, self.reason, self.connection_failed))


def _rebuild_unreachable(url: str, reason: str, connection_failed: bool) -> IndexUnreachable:
    return IndexUnreachable(url, reason, connection_failed=connection_failed)


@dataclass(frozen=True)
class WheelFile:
    """One wheel file listed by an index."""

    filename: str
    project: str  # normalised: "torch", "pytorch-triton-rocm"
    version: str  # full: "2.15.0+cu130"
    public_version: str  # "2.15.0"
    local: str | None  # "cu130", "cpu", "df56172"; None for a label-less version
    python_tags: tuple[str, ...]  # ("cp312",)
    abi_tags: tuple[str, ...]  # ("cp312",) or ("none",)
    platform_tags: tuple[str, ...]  # ("manylinux_2_28_x86_64",)
    url: str = field(repr=False)  # absolute, without the #hash fragment
    size: int | None = None
    requires_python: str | None = None
    sha256: str | None = None
    core_metadata: bool = False  # the index serves <url>.metadata (PEP 658 / PEP 714)
    core_metadata_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (credentials removed from the URL)."""
        d = asdict(self)
        d["url"] = url_without_credentials(self.url)
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> WheelFile:
        """The inverse of :meth:`to_json`; raises ValueError on a malformed dict."""
        try:
            return cls(
                filename=str(d["filename"]),
                project=str(d["project"]),
                version=str(d["version"]),
                public_version=str(d["public_version"]),
                local=None if d["local"] is None else str(d["local"]),
                python_tags=tuple(str(t) for t in d["python_tags"]),
                abi_tags=tuple(str(t) for t in d["abi_tags"]),
                platform_tags=tuple(str(t) for t in d["platform_tags"]),
                url=str(d["url"]),
                size=None if d.get("size") is None else int(d["size"]),
                requires_python=_opt_str(d.get("requires_python")),
                sha256=_opt_str(d.get("sha256")),
                core_metadata=bool(d.get("core_metadata", False)),
                core_metadata_sha256=_opt_str(d.get("core_metadata_sha256")),
            )
        except (KeyError, TypeError) as e:
            raise ValueError(f"not a wheel file entry: {e}") from None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def wheel_file(
    filename: str,
    url: str,
    *,
    size: int | None = None,
    requires_python: str | None = None,
    sha256: str | None = None,
    core_metadata: bool = False,
    core_metadata_sha256: str | None = None,
) -> WheelFile | None:
    """A :class:`WheelFile` for a listed file, or None when it is not a (valid) wheel name."""
    if not filename.endswith(".whl"):
        return None
    try:
        name, version, _build, _tags = parse_wheel_filename(filename)
    except ValueError:  # InvalidWheelFilename, InvalidVersion
        return None
    python, abi, platform = filename[: -len(".whl")].split("-")[-3:]
    return WheelFile(
        filename=filename,
        project=str(name),
        version=str(version),
        public_version=version.public,
        local=version.local,
        python_tags=tuple(python.split(".")),
        abi_tags=tuple(abi.split(".")),
        platform_tags=tuple(platform.split(".")),
        url=url,
        size=size,
        requires_python=requires_python or None,
        sha256=sha256,
        core_metadata=core_metadata,
        core_metadata_sha256=core_metadata_sha256,
    )


# --------------------------------------------------------------------------------------------
# Parsing the two answer formats
# --------------------------------------------------------------------------------------------


def _metadata_flag(value: Any) -> tuple[bool, str | None]:
    """(advertised, sha256) from a core-metadata value: JSON bool/dict or HTML attribute."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, Mapping):
        sha = value.get("sha256")
        return True, sha if isinstance(sha, str) else None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "false"):
            return False, None
        name, sep, digest = text.partition("=")
        if sep and name.strip().lower() == "sha256":
            return True, digest.strip().lower()
        return True, None
    return False, None


def parse_json(body: bytes, page_url: str) -> list[WheelFile]:
    """The wheels of a PEP 691 JSON project page; raises ValueError when it is not one."""
    doc = json.loads(body.decode("utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise ValueError("no 'files' list")
    wheels: list[WheelFile] = []
    for entry in doc["files"]:
        if not isinstance(entry, dict):
            continue
        filename, url = entry.get("filename"), entry.get("url")
        if not isinstance(filename, str) or not isinstance(url, str):
            continue
        hashes = entry.get("hashes")
        sha = hashes.get("sha256") if isinstance(hashes, dict) else None
        size = entry.get("size")
        rp = entry.get("requires-python")
        meta = entry.get("core-metadata", entry.get("dist-info-metadata", False))
        has_meta, meta_sha = _metadata_flag(meta)
        wheel = wheel_file(
            filename,
            urldefrag(urljoin(page_url, url)).url,
            size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            requires_python=rp if isinstance(rp, str) else None,
            sha256=sha.lower() if isinstance(sha, str) else None,
            core_metadata=has_meta,
            core_metadata_sha256=meta_sha,
        )
        if wheel is not None:
            wheels.append(wheel)
    return wheels


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._flush()
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._flush()

    def _flush(self) -> None:
        if self._open is not None:
            self.links.append((self._open, "".join(self._text).strip()))
        self._open, self._text = None, []

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(body: bytes, page_url: str, charset: str = "utf-8") -> list[WheelFile]:
    """The wheels of a PEP 503 HTML project page (odd links are skipped)."""
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    wheels: list[WheelFile] = []
    for attrs, link_text in parser.links:
        href = attrs.get("href")
        if not href:
            continue
        url, fragment = urldefrag(urljoin(base, href))
        filename = link_text if link_text.endswith(".whl") else ""
        if not filename:
            filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        sha = None
        name, sep, digest = fragment.partition("=")
        if sep and name.lower() == "sha256":
            sha = digest.lower()
        meta = attrs.get("data-core-metadata")
        if meta is None:
            meta = attrs.get("data-dist-info-metadata")
        has_meta, meta_sha = _metadata_flag(meta)
        wheel = wheel_file(
            filename,
            url,
            requires_python=attrs.get("data-requires-python"),
            sha256=sha,
            core_metadata=has_meta,
            core_metadata_sha256=meta_sha,
        )
        if wheel is not None:
            wheels.append(wheel)
    return wheels


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


class _Status(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _credentials(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return None
    return unquote(parts.username or ""), unquote(parts.password or "")


def _scrub(text: str, url: str) -> str:
    """``text`` with the URL's user name and password (plain or quoted) removed."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        secrets = {userinfo, *userinfo.split(":", 1)}
        secrets |= {unquote(s) for s in secrets}
        for secret in sorted((s for s in secrets if s), key=len, reverse=True):
            text = text.replace(secret, "***")
    return text


def _http_exception() -> type[Exception]:
    """http.client's base error, imported only when a request fails (it is slow to load)."""
    import http.client

    return http.client.HTTPException


def _get(url: str, timeout: float, accept: str) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of a GET; raises _Status for HTTP errors and the
    usual OSError / http.client errors for network trouble, TimeoutError past ``timeout``."""
    import urllib.error
    import urllib.request  # here, not at the top: answers from the cache need no network code

    request = urllib.request.Request(
        url_without_credentials(url), headers={"Accept": accept, "User-Agent": USER_AGENT}
    )
    credentials = _credentials(url)
    if credentials is not None:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")
    if urlsplit(request.full_url).scheme.lower() not in ("http", "https"):
        raise ValueError("only http:// and https:// URLs can be read")
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError("the answer took too long")
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "")
            return b"".join(chunks), content_type, response.geturl()
    except urllib.error.HTTPError as e:
        e.close()
        raise _Status(e.code) from None


def _unreachable(url: str, error: BaseException, timeout: float) -> IndexUnreachable:
    """Explain a network failure in words, without credentials."""
    import http.client
    import socket
    import ssl
    import urllib.error

    reason: BaseException | str = error
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        reason = error.reason
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return IndexUnreachable(url, f"no answer within {timeout:g} s", connection_failed=True)
    if isinstance(reason, ConnectionRefusedError):
        return IndexUnreachable(url, "the connection was refused", connection_failed=True)
    if isinstance(reason, socket.gaierror):
        return IndexUnreachable(url, "the host name is unknown", connection_failed=True)
    if isinstance(reason, ssl.SSLError):
        text = f"the secure connection failed ({reason.reason or reason})"
        return IndexUnreachable(url, _scrub(text, url), connection_failed=True)
    if isinstance(reason, http.client.HTTPException):
        text = f"the connection broke ({type(reason).__name__})"
        return IndexUnreachable(url, text)
    if isinstance(reason, OSError):
        detail = reason.strerror or str(reason) or type(reason).__name__
        return IndexUnreachable(url, _scrub(detail, url), connection_failed=True)
    return IndexUnreachable(url, _scrub(str(reason) or type(reason).__name__, url))


def _status_error(url: str, code: int, credentials: bool) -> IndexUnreachable:
    if code == 401:
        why = "refused the user name and password" if credentials else "asks for a login"
        return IndexUnreachable(url, f"the index {why} (HTTP 401)")
    if code >= 500:
        return IndexUnreachable(url, f"the server failed (HTTP {code})")
    return IndexUnreachable(url, f"unexpected answer HTTP {code}")


def _with_credentials(file_url: str, index_url: str) -> str:
    """Give a file on the index's own host the index's credentials (as pip and uv do)."""
    index = urlsplit(index_url)
    if "@" not in index.netloc:
        return file_url
    target = urlsplit(file_url)
    if "@" in target.netloc or target.netloc.lower() != index.netloc.rsplit("@", 1)[1].lower():
        return file_url
    userinfo = index.netloc.rsplit("@", 1)[0]
    return urlunsplit(
        (target.scheme, f"{userinfo}@{target.netloc}", target.path, target.query, target.fragment)
    )


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


# --------------------------------------------------------------------------------------------
# The public calls
# --------------------------------------------------------------------------------------------


def project_url(index_url: str, project: str) -> str:
    """``<index_url>/<normalised project>/`` (credentials kept)."""
    return f"{index_url.rstrip('/')}/{canonical_name(project)}/"


def fetch_files(
    index_url: str,
    project: str,
    timeout: float = 5.0,
    *,
    use_cache: bool = True,
    cache: AnswerCache | None = None,
) -> list[WheelFile]:
    """The wheel files ``index_url`` lists for ``project``; empty when it lacks the project.

    Raises :class:`IndexUnreachable` when the index cannot be read. Answers are cached
    (see :mod:`wizard.catalog.cache`) unless ``use_cache`` is false.
    """
    url = project_url(index_url, project)
    store = (cache or AnswerCache()) if use_cache else None
    if store is not None:
        cached = store.get(url)
        if isinstance(cached, list):
            try:
                files = [WheelFile.from_json(d) for d in cached]
            except (ValueError, TypeError):
                files = None
            if files is not None:
                return [_restore_credentials(f, index_url) for f in files]
    try:
        body, content_type, final_url = _get(url, timeout, ACCEPT_INDEX)
    except _Status as e:
        if e.code in _NOT_THERE:
            files = []
        else:
            raise _status_error(url, e.code, _credentials(url) is not None) from None
    except ValueError:
        raise IndexUnreachable(url, "this is not a valid http(s) index URL") from None
    except (OSError, _http_exception()) as e:
        raise _unreachable(url, e, timeout) from None
    else:
        page_url = url_without_credentials(final_url)
        try:
            if "json" in content_type.lower():
                files = parse_json(body, page_url)
            else:
                files = parse_html(body, page_url, _charset(content_type))
        except (ValueError, UnicodeDecodeError):
            raise IndexUnreachable(url, "the answer is not a package list") from None
    if store is not None:
        store.put(url, [f.to_json() for f in files])
    return [_restore_credentials(f, index_url) for f in files]


def _restore_credentials(wheel: WheelFile, index_url: str) -> WheelFile:
    url = _with_credentials(wheel.url, index_url)
    if url == wheel.url:
        return wheel
    return replace(wheel, url=url)


def fetch_many(
    requests: Iterable[tuple[str, str]],
    timeout: float = 5.0,
    max_workers: int = 8,
    *,
    use_cache: bool = True,
    cache: AnswerCache | None = None,
) -> dict[tuple[str, str], list[WheelFile] | IndexUnreachable]:
    """:func:`fetch_files` for many ``(index_url, project)`` pairs at once, in parallel.

    Each pair maps to its files or to the :class:`IndexUnreachable` it met. Once a host could
    not be reached at all (refused, timed out), the pairs still waiting for that host fail at
    once with the same reason, so a dead or slow index costs about one time-out, not one per
    request.
    """
    keys = list(dict.fromkeys(requests))
    if not keys:
        return {}
    dead: dict[str, IndexUnreachable] = {}
    lock = threading.Lock()

    def one(key: tuple[str, str]) -> list[WheelFile] | IndexUnreachable:
        index_url, project = key
        host = urlsplit(url_without_credentials(index_url)).netloc.lower()
        with lock:
            known = dead.get(host)
        if known is not None:
            return IndexUnreachable(
                project_url(index_url, project), known.reason, connection_failed=True
            )
        try:
            return fetch_files(index_url, project, timeout, use_cache=use_cache, cache=cache)
        except IndexUnreachable as e:
            if e.connection_failed:
                with lock:
                    dead.setdefault(host, e)
            return e

    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(keys)))) as pool:
        results = list(pool.map(one, keys))
    return dict(zip(keys, results, strict=True))


def fetch_metadata_requires(
    wheel: WheelFile,
    timeout: float = 5.0,
    *,
    use_cache: bool = True,
    cache: AnswerCache | None = None,
) -> list[str]:
    """The Requires-Dist lines of a wheel's core metadata (``<wheel url>.metadata``).

    Empty when the index does not advertise the metadata file or does not have it; raises
    :class:`IndexUnreachable` when it cannot be read or does not match its advertised hash.
    """
    if not wheel.core_metadata:
        return []
    url = wheel.url + ".metadata"
    store = (cache or AnswerCache()) if use_cache else None
    if store is not None:
        cached = store.get(url)
        if isinstance(cached, list) and all(isinstance(r, str) for r in cached):
            return list(cached)
    try:
        body, _content_type, _final = _get(url, timeout, "*/*")
    except _Status as e:
        if e.code in _NOT_THERE:
            return []
        raise _status_error(url, e.code, _credentials(url) is not None) from None
    except ValueError:
        raise IndexUnreachable(url, "this is not a valid http(s) URL") from None
    except (OSError, _http_exception()) as e:
        raise _unreachable(url, e, timeout) from None
    if wheel.core_metadata_sha256 and (
        hashlib.sha256(body).hexdigest() != wheel.core_metadata_sha256
    ):
        raise IndexUnreachable(url, "the metadata file does not match its advertised hash")
    from email.parser import BytesParser

    message = BytesParser().parsebytes(body, headersonly=True)
    requires = [str(r).strip() for r in message.get_all("Requires-Dist") or []]
    if store is not None:
        store.put(url, requires)
    return requires
