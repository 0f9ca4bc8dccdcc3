"""`reportgen serve`: a live preview of the drafts in the browser.

Every document is rendered into memory and swapped in whole, so a request never sees a
half-rendered page and always gets the last complete one. A background thread watches content/
and templates/ and re-renders only the documents a change touches. Each page carries its
document's version (a digest of the page itself); open pages listen on /events (server-sent
events) and reload when the server announces another version. The index follows an epoch that
moves whenever any document's page or finding counts change.

Requests address documents by their path under content/, looked up in the set of discovered
documents: no part of a request path is ever used to open a file.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from markupsafe import escape

from . import kinds
from .documents import (
    DEPARTMENT_FILE,
    Document,
    Loader,
    discover,
    display_path,
    load_content_file,
)
from .findings import Finding, format_path, summary
from .render.html import TEMPLATES, document_context, render_html
from .source import Source

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {
    "livereload.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
    "serve.css": "text/css; charset=utf-8",
}
DOWNLOADS = {  # format → (suffix, media type)
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CSP = "; ".join((
    "default-src 'none'",
    "style-src 'self' 'unsafe-inline'",  # the document's own <style> and its column widths
    "script-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
))
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")

VERSION_SLOT = '<meta name="reportgen-version" content="@@version@@">'
PREVIEW_HEAD = (
    '<meta name="reportgen-document" content="{key}">\n' + VERSION_SLOT + '\n'
    '<meta name="reportgen-preview" content="">\n'
    '<meta name="reportgen-warnings" content="{warnings}">\n'
    '<link rel="stylesheet" href="/_reportgen/preview.css">\n'
    '<script src="/_reportgen/livereload.js" defer></script>\n'
)

DEBOUNCE_MS = 400  # at most this long grouping a burst of saves
STEP_MS = 25  # a burst ends after this long without another change
WAKE_MS = 250  # the watcher wakes at least this often (and reports itself ready on the first)
KEEPALIVE_SECONDS = 15.0

Log = Callable[[str], None]


# --- problem pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class SnippetLine:
    number: int
    text: str
    current: bool = False
    caret: str | None = None  # the text before the column: a caret line follows this line


@dataclass(frozen=True)
class Problem:
    where: str  # file:line:col
    code: str
    message: str
    level: str = "error"  # error | warning
    yaml_path: str = ""
    col: int | None = None
    lines: tuple[SnippetLine, ...] = ()
    trace: str = ""


def snippet(text: str, line: int, col: int | None, around: int = 2) -> tuple[SnippetLine, ...]:
    """The lines around `line` (1-based); the column is marked by a caret under that line."""
    lines = [part.removesuffix("\r") for part in text.split("\n")]
    if not text or not 1 <= line <= len(lines):
        return ()
    result = []
    for number in range(max(1, line - around), min(len(lines), line + around) + 1):
        content = lines[number - 1]
        current = number == line
        caret = content[: col - 1].ljust(col - 1) if current and col else None
        result.append(SnippetLine(number, content, current, caret))
    return tuple(result)


def finding_problem(finding: Finding, texts: dict[str, str]) -> Problem:
    line, col = finding.position.line, finding.position.col
    return Problem(
        where=f"{finding.file}:{line}:{col}",
        code=finding.code,
        message=finding.message,
        level="error" if finding.is_error else "warning",
        yaml_path=format_path(finding.path),
        col=col,
        lines=snippet(texts.get(finding.file, ""), line, col),
    )


def failure_problem(exc: Exception, templates: Path) -> Problem:
    """A template mistake (or any other failure) while rendering, located in the template."""
    file, line = _template_location(exc, templates)
    if isinstance(exc, TemplateError):
        message = f"模板错误：{exc.message or exc}"
        trace = ""
    else:
        message = f"生成预览时出错：{exc}"
        trace = "".join(traceback.format_exception(exc)[-6:])
    if file is None:
        return Problem(where="生成预览时", code=type(exc).__name__, message=message, trace=trace)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    shown = display_path(file)
    return Problem(where=f"{shown}:{line}", code=type(exc).__name__, message=message,
                   lines=snippet(text, line, None), trace=trace)


def _template_location(exc: Exception, templates: Path) -> tuple[Path | None, int]:
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return Path(exc.filename), exc.lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve().is_relative_to(templates)]
    if frames and frames[-1].lineno:
        return Path(frames[-1].filename), frames[-1].lineno
    return None, 0


# --- rendering --------------------------------------------------------------------------------


@cache
def pages() -> Environment:
    """The preview's own pages (index, problems): autoescaped, independent of templates/."""
    return Environment(loader=FileSystemLoader(STATIC), autoescape=True, undefined=StrictUndefined)


def seal(html: str) -> tuple[bytes, str]:
    """Fill in the page's version: a digest of the page itself, so equal pages never reload."""
    version = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
    filled = html.replace(VERSION_SLOT, VERSION_SLOT.replace("@@version@@", version), 1)
    return filled.encode("utf-8"), version


def sources(document: Document) -> list[Source]:
    """The files a document is made from: itself, its department.yaml and the shared settings."""
    parts = (document.department, getattr(document, "settings", None))
    return [document.source, *(part.source for part in parts if part is not None)]


def document_findings(document: Document) -> list[Finding]:
    """The findings of every file the document is made from (any of them keeps it from rendering)."""
    findings = list(document.findings)
    for source in sources(document)[1:]:
        findings += [f for f in source.findings if f not in findings]
    return sorted(findings, key=Finding.sort_key)


def document_title(document: Document) -> str:
    model, kind = document.model, document.kind_row
    if model is not None:
        return f"{model.department} {kind.name_output(model.year, getattr(model, kind.subject or '', None))}"
    department = document.department
    year_folder = kind.year_folder(document.path)
    name = department.model.name if department and department.model else year_folder.parent.name
    subject = document.path.parent.name if kind.subject else None
    return f"{name} {kind.name_output(year_folder.name, subject)}"


def preview_html(key: str, document: Document, templates: Path, warnings: int) -> str:
    head = PREVIEW_HEAD.format(key=escape(key), warnings=warnings)
    return render_html(document_context(document), templates=templates, draft=True, head=head)


def finding_problems(document: Document, findings: list[Finding]) -> list[Problem]:
    """Errors first, then warnings, each with the lines of its own file around it."""
    texts = {source.file: source.text for source in sources(document)}
    for finding in findings:  # a finding about another file (the other document of the year)
        if finding.file not in texts:
            texts[finding.file] = _read_yaml(Path(finding.file))
    shown = sorted((f for f in findings if f.waived is None), key=lambda f: (not f.is_error, f.sort_key()))
    return [finding_problem(f, texts) for f in shown]


def _read_yaml(path: Path) -> str:
    """As the loader reads it (any encoding it reads; nothing through a link out of content/)."""
    return load_content_file(path).text if path.suffix in (".yaml", ".yml") else ""


def problems_html(title: str, lead: str, problems: list[Problem], *, key: str | None = None,
                  version: str = "@@version@@") -> str:
    """The problems of a document. With `key` the page follows that document's version (and
    turns into the document once it renders); without, it follows the epoch like the index."""
    template = pages().get_template("problems.html")
    return template.render(key=key, version=version, title=title, lead=lead, problems=problems)


def findings_html(entry: Entry, epoch: int) -> bytes:
    """Every finding of a document, warnings included: the page behind the toolbar's count."""
    findings = document_findings(entry.document)
    problems = finding_problems(entry.document, findings)
    lead = f"检查结果：{summary(findings)}。" + ("" if problems else "没有需要处理的问题。")
    return problems_html(entry.title, lead, problems, version=str(epoch)).encode("utf-8")


@dataclass(frozen=True)
class Entry:
    """One document of the preview: its last load and its last complete page."""

    key: str  # the path under content/, e.g. panyu-media-center/2022/self-evaluation.yaml
    document: Document
    title: str
    html: bytes
    version: str
    ok: bool
    errors: int
    warnings: int

    @property
    def state(self) -> tuple[str, int, int]:
        return self.version, self.errors, self.warnings


def render_entry(key: str, path: Path, loader: Loader, templates: Path) -> Entry:
    document = loader.load_document(path)
    findings = document_findings(document)
    title = document_title(document)
    errors = sum(f.is_error for f in findings)
    warnings = sum(f.is_warning for f in findings)
    if not document.ok:
        lead = f"有 {errors} 个错误，文档暂不能显示。改正并保存后，本页会自动显示文档。"
        html = problems_html(title, lead, finding_problems(document, findings), key=key)
        return Entry(key, document, title, *seal(html), ok=False, errors=max(errors, 1), warnings=warnings)
    try:
        html = preview_html(key, document, templates, warnings)
    except Exception as exc:  # a template mistake must not stop the preview
        lead = "生成预览时出错，文档暂不能显示。改正并保存后，本页会自动显示文档。"
        html = problems_html(title, lead, [failure_problem(exc, templates)], key=key)
        return Entry(key, document, title, *seal(html), ok=False, errors=1, warnings=warnings)
    return Entry(key, document, title, *seal(html), ok=True, errors=errors, warnings=warnings)


# --- the site: documents, versions, epochs --------------------------------------------------


@dataclass
class Rebuild:
    keys: list[str]
    removed: list[str] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    failed: dict[str, str] = field(default_factory=dict)  # key → why it kept its last page


class Site:
    """The rendered documents, swapped in whole after each rebuild, and the epoch that counts them."""

    def __init__(self, content: Path, templates: Path = TEMPLATES) -> None:
        self.content = content
        self.root = content.resolve()
        self.templates = templates.resolve()
        self.entries: dict[str, Entry] = {}
        self.epoch = 0
        self.closed = False
        self.changed = threading.Condition()
        self.render_lock = threading.Lock()  # one download at a time: WeasyPrint is not thread-safe

    def discover(self) -> dict[str, Path]:
        """Documents under content/, by their path there. One leading out of content/ through a
        symbolic link is listed with its error (E802): the loader reads nothing out there."""
        found = {}
        for path in discover([self.content]):
            if kinds.of_file(path) is not None:
                found[path.relative_to(self.content).as_posix()] = path
        return found

    def rebuild(self, changed: Iterable[Path] | None = None) -> Rebuild:
        """Re-render the documents `changed` touches (all when None), then swap them in."""
        started = time.perf_counter()
        found = self.discover()
        keys = self._affected(found, changed)
        fresh, failed = self._render(found, keys)
        with self.changed:
            removed = sorted(set(self.entries) - set(found))
            entries = {key: entry for key in sorted(found)
                       if (entry := fresh.get(key) or self.entries.get(key)) is not None}
            if _states(entries) != _states(self.entries):
                self.epoch += 1
                self.changed.notify_all()
            self.entries = entries
        errors = sum(entry.errors for entry in fresh.values())
        return Rebuild(keys, removed, errors, time.perf_counter() - started, failed)

    def _render(self, found: dict[str, Path], keys: list[str]) -> tuple[dict[str, Entry], dict[str, str]]:
        """Fresh entries; a document whose loading fails unexpectedly keeps its last page."""
        loader = Loader()
        fresh: dict[str, Entry] = {}
        failed: dict[str, str] = {}
        for key in keys:
            try:
                fresh[key] = render_entry(key, found[key], loader, self.templates)
            except Exception as exc:  # a fault in a check must not stop the other documents
                failed[key] = f"{type(exc).__name__}: {exc}"
        return fresh, failed

    def _affected(self, found: dict[str, Path], changed: Iterable[Path] | None) -> list[str]:
        if changed is None:
            return sorted(found)
        keys = {key for key in found if key not in self.entries}
        for path in changed:
            touched = self._touched(found, path)
            if touched is None:
                return sorted(found)
            keys |= touched
        return sorted(keys)

    def _touched(self, found: dict[str, Path], path: Path) -> set[str] | None:
        """The documents a changed file feeds; None when it may feed every document."""
        if path.is_relative_to(self.templates):
            return None
        if not path.is_relative_to(self.root):
            return set()
        if path.name == DEPARTMENT_FILE:
            return {key for key, doc in found.items()
                    if _kind(doc).year_folder(doc.resolve()).parent == path.parent}
        if (kind := kinds.of_file(path)) is not None:  # the documents of its year, which may read it
            year = kind.year_folder(path)
            return {key for key, doc in found.items() if _kind(doc).year_folder(doc.resolve()) == year}
        if path.suffix in (".yaml", ".yml"):
            return None  # a file shared by all documents, such as settings.yaml
        return set()

    def entry(self, key: str) -> Entry | None:
        with self.changed:
            return self.entries.get(key)

    def snapshot(self) -> tuple[int, list[Entry]]:
        with self.changed:
            return self.epoch, list(self.entries.values())

    def state(self) -> dict:
        """What /events announces: the epoch and every document's version."""
        with self.changed:
            return {"epoch": self.epoch, "documents": {k: e.version for k, e in self.entries.items()}}

    def wait(self, seen: int, timeout: float) -> int | None:
        """The epoch once it differs from `seen` (or after `timeout`); None once closed."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.epoch != seen, timeout)
            return None if self.closed else self.epoch

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def _kind(path: Path) -> kinds.Kind:
    kind = kinds.of_file(path)
    assert kind is not None
    return kind


def _states(entries: dict[str, Entry]) -> dict[str, tuple[str, int, int]]:
    return {key: entry.state for key, entry in entries.items()}


def index_html(site: Site) -> bytes:
    epoch, entries = site.snapshot()
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.key.split("/", 1)[0], []).append(entry)
    departments = [
        {"name": _department_name(folder, items), "folder": display_path(site.content / folder) + "/",
         "documents": [_row(entry) for entry in items]}
        for folder, items in groups.items()
    ]
    html = pages().get_template("index.html").render(
        version=str(epoch), departments=departments, total=len(entries),
        errors=sum(e.errors for e in entries), warnings=sum(e.warnings for e in entries),
        content=display_path(site.content) + "/",
    )
    return html.encode("utf-8")


def _department_name(folder: str, entries: list[Entry]) -> str:
    for entry in entries:
        department = entry.document.department
        if department is not None and department.model is not None:
            return department.model.name
    return folder


def _row(entry: Entry) -> dict:
    path = quote(entry.key)
    return {
        "title": entry.title, "file": display_path(entry.document.path), "href": f"/preview/{path}",
        **{fmt: f"/download/{fmt}/{path}" for fmt in DOWNLOADS}, "findings": f"/findings/{path}",
        "errors": entry.errors, "warnings": entry.warnings,
    }


def download_name(document: Document, fmt: str) -> tuple[str, str]:
    """The file name offered for a download, and its ASCII stand-in for old clients."""
    model = document.model
    assert model is not None
    suffix = DOWNLOADS[fmt][0]
    kind = document.kind_row
    name = kind.name_output(model.year, getattr(model, kind.subject or "", None))
    return f"{model.department}{name}{suffix}", f"{kind.name}-{model.year}{suffix}"


def content_disposition(name: str, fallback: str) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name; the percent-encoding also keeps the header intact."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- HTTP -------------------------------------------------------------------------------------


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Site, host: str, port: int, allow: Iterable[str] = ()) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), PreviewHandler)
        self.site = site
        self.hosts = allowed_hosts(host, allow)

    def handle_error(self, request: object, client_address: object) -> None:
        """A page reloaded or closed mid-answer is routine: no traceback for that."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def url(self) -> str:
        host = self.server_address[0]
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.server_address[1]}/"


def allowed_hosts(host: str, allow: Iterable[str] = ()) -> frozenset[str]:
    """Host names a request may be addressed to: a guard against DNS rebinding, where a page of
    any web site makes the browser send its requests here under that site's name. The names
    given with --allow-host; the loopback names when the server listens on loopback (a wildcard
    address listens there too, and the URL printed at start is 127.0.0.1); the address given to
    --host itself. An address typed as digits is never a rebinding name."""
    names = {host_name(name) for name in allow}
    if host in LOOPBACK_ADDRESSES or host in WILDCARD_ADDRESSES:
        names |= {host_name(name) for name in LOOPBACK}
    if host not in WILDCARD_ADDRESSES:
        names.add(host_name(host if ":" not in host else f"[{host}]"))
    return frozenset(names)


LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def host_name(header: str) -> str:
    """The name of a Host header or of an --allow-host value, without its port: `[::1]:8000` →
    `[::1]`, `Preview.LAN.:80` → `preview.lan`."""
    name = header.strip().lower()
    if name.startswith("["):
        return name[: name.find("]") + 1] if "]" in name else name
    before, colon, port = name.rpartition(":")
    if colon and port.isdigit() and ":" not in before:
        name = before
    return name.rstrip(".")


def refused_host_html(header: str, allowed: frozenset[str]) -> bytes:
    """The page shown for a request under a name the preview does not serve."""
    names = "、".join(sorted(allowed)) or "（无）"
    shown = host_name(header) or "（空）"
    html = pages().get_template("refused.html").render(host=shown, names=names)
    return html.encode("utf-8")


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "reportgen"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # the name http.server calls
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows the rebuilds, not every request."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests: a plain-text answer with the same security headers as the rest."""
        self.close_connection = True
        text = message or self.responses.get(code, ("错误",))[0]
        self._send(code, f"{code} {text}\n".encode(), TEXT)

    def _dispatch(self) -> None:
        hosts = self.server.hosts
        header = self.headers.get("Host", "")
        if host_name(header) not in hosts:
            self._send(403, refused_host_html(header, hosts), HTML)
            return
        route = urlsplit(self.path).path
        site = self.server.site
        if route in ("/", "/index.html"):
            self._send(200, index_html(site), HTML)
        elif route == "/events" and self.command == "GET":
            self._events()
        elif route.startswith("/preview/"):
            self._preview(unquote(route.removeprefix("/preview/")))
        elif route.startswith("/findings/"):
            self._findings(unquote(route.removeprefix("/findings/")))
        elif route.startswith("/download/"):
            fmt, _, key = route.removeprefix("/download/").partition("/")
            self._download(fmt, unquote(key))
        elif route.startswith("/_reportgen/") and route.removeprefix("/_reportgen/") in ASSETS:
            self._asset(route.removeprefix("/_reportgen/"))
        else:
            self._not_found()

    def _not_found(self) -> None:
        self._send(404, "没有找到这个页面。请从目录页 / 打开文档。\n".encode(), TEXT)

    def _preview(self, key: str) -> None:
        entry = self.server.site.entry(key)
        if entry is None:
            self._not_found()
        else:
            self._send(200, entry.html, HTML)

    def _findings(self, key: str) -> None:
        epoch, entries = self.server.site.snapshot()
        entry = next((e for e in entries if e.key == key), None)
        if entry is None:
            self._not_found()
        else:
            self._send(200, findings_html(entry, epoch), HTML)

    def _download(self, fmt: str, key: str) -> None:
        site = self.server.site
        entry = site.entry(key)
        if entry is None or fmt not in DOWNLOADS or fmt not in entry.document.kind_row.outputs:
            self._not_found()
            return
        if not entry.ok:
            message = f"这份文档有 {entry.errors} 个错误，暂不能生成。请在预览页查看并改正：/preview/{quote(key)}\n"
            self._send(409, message.encode(), TEXT)
            return
        from .render.formats import RenderError, render_document

        try:
            with site.render_lock:
                data = render_document(entry.document, fmt, templates=site.templates)
        except RenderError as exc:
            self._send(500, f"生成失败：{exc}\n".encode(), TEXT)
            return
        disposition = content_disposition(*download_name(entry.document, fmt))
        self._send(200, data, DOWNLOADS[fmt][1], {"Content-Disposition": disposition})

    def _asset(self, name: str) -> None:
        self._send(200, (STATIC / name).read_bytes(), ASSETS[name])

    def _events(self) -> None:
        """Server-sent events: the versions now, then again whenever the epoch moves."""
        site = self.server.site
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._security_headers()
        self.end_headers()
        self.close_connection = True
        seen: int | None = -1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while (epoch := site.wait(seen, KEEPALIVE_SECONDS)) is not None:
                if epoch == seen:
                    self.wfile.write(b": keepalive\n\n")
                    continue
                seen = epoch
                data = json.dumps(site.state(), ensure_ascii=False)
                self.wfile.write(f"event: versions\ndata: {data}\n\n".encode())
        except ConnectionError:
            return  # the page was closed or reloaded

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._security_headers()
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _security_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")


# --- watching and running -------------------------------------------------------------------


class Watcher(threading.Thread):
    """Re-renders what each burst of saves touches and logs one line per rebuild."""

    def __init__(self, site: Site, log: Log) -> None:
        super().__init__(name="reportgen-watch", daemon=True)
        self.site = site
        self.log = log
        self.ready = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import watchfiles

        paths = [p for p in (self.site.root, self.site.templates) if p.exists()]
        for changes in watchfiles.watch(*paths, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=WAKE_MS,
                                        yield_on_timeout=True, stop_event=self.stopping,
                                        raise_interrupt=False):
            self.ready.set()
            if changes:
                self._rebuild({Path(path) for _, path in changes})

    def _rebuild(self, changed: set[Path]) -> None:
        try:
            result = self.site.rebuild(changed)
        except Exception as exc:  # the preview goes on; the next save retries
            self.log(f"[{time.strftime('%H:%M:%S')}] 更新失败：{exc}")
            return
        if result.keys or result.removed:
            self.log(rebuild_line(changed, result))

    def stop(self) -> None:
        self.stopping.set()


def rebuild_line(changed: Iterable[Path], result: Rebuild) -> str:
    """[18:02:11] 已更新 content/x/2022/self-evaluation.yaml（0.12 秒）：3 个错误"""
    names = sorted({display_path(p) for p in changed if p.suffix in (".yaml", ".yml", ".html", ".css")})
    files = "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")
    text = f"[{time.strftime('%H:%M:%S')}] 已更新 {files or '内容文件'}（{result.seconds:.2f} 秒）"
    if result.removed:
        text += f"，已移除 {len(result.removed)} 份文档"
    if result.errors:
        text += f"：{result.errors} 个错误"
    for key, message in result.failed.items():
        text += f"\n  无法更新 {key}（仍显示上一版）：{message}"
    return text


class Preview:
    """The site, its watcher and its HTTP server, started and stopped together."""

    def __init__(self, content: Path, *, templates: Path = TEMPLATES, host: str = "127.0.0.1",
                 port: int = 8000, allow: Iterable[str] = (), log: Log = print) -> None:
        self.site = Site(content, templates)
        self.first = self.site.rebuild()
        self.server = PreviewServer(self.site, host, port, allow)
        self.watcher = Watcher(self.site, log)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self, *, background: bool = False) -> None:
        """Start watching (ready once this returns); serve in a thread when `background`."""
        self.watcher.start()
        self.watcher.ready.wait(timeout=5)
        if background:
            self.thread = threading.Thread(target=self.server.serve_forever, name="reportgen-http", daemon=True)
            self.thread.start()

    def close(self) -> None:
        self.watcher.stop()
        self.site.close()
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join()
        self.server.server_close()
        self.watcher.join(timeout=5)


def serve(content: Path, *, host: str = "127.0.0.1", port: int = 8000, allow: Iterable[str] = (),
          open_browser: bool = False, templates: Path = TEMPLATES, log: Log = print) -> None:
    """Preview until interrupted (Ctrl+C)."""
    preview = Preview(content, templates=templates, host=host, port=port, allow=allow, log=log)
    preview.start()
    _, entries = preview.site.snapshot()
    errors = sum(e.errors for e in entries)
    log(f"预览地址：{preview.url}（{len(entries)} 份文档" + (f"，{errors} 个错误" if errors else "") + "）")
    if host not in LOOPBACK_ADDRESSES:
        log(f"注意：正在监听 {host}，同一网络中的其他电脑也能看到这些草稿；"
            f"只接受用这些名称打开的页面：{'、'.join(sorted(preview.server.hosts))}（可用 --allow-host 增加）。")
    log("保存内容文件或模板后，页面会自动更新。按 Ctrl+C 停止。")
    if open_browser:
        webbrowser.open(preview.url)
    try:
        preview.server.serve_forever()
    except KeyboardInterrupt:
        log("已停止预览。")
    finally:
        preview.close()
