"""Hostile input and failures: nothing is executed or fetched, nothing good is lost.

Each test is named in docs/bad-input.md with what the user sees.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree
from tools import ROOT, require_tool, run_build, stray_files

from reportgen import build as build_module
from reportgen import prose
from reportgen.build import CRASHED, MANIFEST
from reportgen.cli import main
from reportgen.documents import Document, Loader
from reportgen.render import fonts
from reportgen.render import pdf as pdf_module
from reportgen.render.formats import RenderError, render_document, run_job
from reportgen.source import MAX_DEPTH

PANYU = "广州市番禺区融媒体中心"
LIWAN = "中国共产党广州市荔湾区委员会宣传部"
CONTENT = Path("content/media")  # never read: texts are handed to the loader
GOAL = "总体绩效目标: 深入开展宣传工作。"  # line 16 of DECLARATION, value from column 9
ACHIEVEMENTS = "  主要成效: 成效明显。"


def load(name: str, text: str, department: str = DEPARTMENT) -> Document:
    return Loader().load_from_bytes(CONTENT / "2024" / name, text.encode(), CONTENT / "department.yaml",
                                    department.encode())


def with_goal(value: str) -> str:
    """DECLARATION with 总体绩效目标 (line 16) written as given (already YAML)."""
    return edit(DECLARATION, GOAL, f"总体绩效目标: {value}")


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def codes(document: Document) -> set[str]:
    return {f.code for f in document.findings}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


# --- 2. template injection -----------------------------------------------------------------------

# (text in 主要成效, the codes it gets). Every finding is located at that line of SELF_EVALUATION.
INJECTIONS = [
    pytest.param("{{ 收入.__class__ }}", {"E503"}, id="dunder-class"),
    pytest.param("{{ 收入.__class__.__mro__[1].__subclasses__() }}", {"E503"}, id="mro-subclasses"),
    pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", {"E503"}, id="str-subclasses"),
    pytest.param("{{ 收入.合计.__class__.__base__.__subclasses__() }}", {"E503"}, id="decimal-base"),
    pytest.param("{{ cycler.__init__.__globals__.os.system('touch /tmp/pwned') }}", {"E503"}, id="cycler-globals"),
    pytest.param("{{ joiner.__init__.__globals__ }}", {"E503"}, id="joiner-globals"),
    pytest.param("{{ namespace.__init__.__globals__.os }}", {"E503"}, id="namespace-globals"),
    pytest.param("{{ lipsum.__globals__['os'].popen('id').read() }}", {"E503"}, id="lipsum-globals"),
    pytest.param("{{ lipsum.__globals__.__builtins__.__import__('os') }}", {"E503"}, id="builtins-import"),
    pytest.param("{{ lipsum() }}", {"E503"}, id="lipsum-call"),
    pytest.param("{{ lipsum }}", {"E501"}, id="lipsum-global-removed"),
    pytest.param("{{ cycler }}", {"E501"}, id="cycler-global-removed"),
    pytest.param("{{ range(99999999) }}", {"E503"}, id="range-call"),
    pytest.param("{{ '{0.__class__}'.format(收入) }}", {"E503"}, id="str-format-attribute"),
    pytest.param("{{ '{0.__init__.__globals__}'.format(cycler) }}", {"E503"}, id="str-format-globals"),
    pytest.param("{{ '%s'|format(收入) }}", {"E503"}, id="format-filter"),
    pytest.param("{{ '%(合计)s' % 收入 }}", {"E503"}, id="percent-formatting"),
    pytest.param("{{ 收入|attr('__class__') }}", {"E503"}, id="attr-filter"),
    pytest.param("{{ 收入|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", {"E503"}, id="attr-filter-escaped"),
    pytest.param("{{ 收入['__class__'] }}", {"E503"}, id="subscript-dunder"),
    pytest.param("{{ 收入['\\x5f\\x5fclass\\x5f\\x5f'] }}", {"E503"}, id="subscript-escaped-dunder"),
    pytest.param("{{ request.application.__globals__ }}", {"E503"}, id="request-object"),
    pytest.param("{{ request }}", {"E501"}, id="request-undefined"),
    pytest.param("{{ config.items() }}", {"E503"}, id="config-object"),
    pytest.param("{{ config }}", {"E501"}, id="config-undefined"),
    pytest.param("{{ self._TemplateReference__context }}", {"E503"}, id="self-context"),
    pytest.param("{{ self }}", {"E503"}, id="self-object"),
    pytest.param("{{ 收入.pop('合计') }}", {"E503"}, id="mutating-call"),
    pytest.param("{{ 收入.pop }}", {"E503"}, id="sandbox-unsafe-attribute"),
    pytest.param("{{ 收入.update }}", {"E503"}, id="sandbox-unsafe-update"),
    pytest.param("{{ 收入.items }}", {"E503"}, id="method-not-data"),
    pytest.param("{{ 9**9**9 }}", {"E503"}, id="power-bomb"),
    pytest.param("{{ 'a' * 1000000000 }}", {"E503"}, id="string-bomb"),
    pytest.param("{{ 收入 }}", {"E502"}, id="mapping-not-value"),
    pytest.param("{{ 收入.合计 }", {"E502"}, id="unclosed"),
    pytest.param("{{ }}", {"E502"}, id="empty"),
    pytest.param("{{ 收入.总计 }}", {"E501"}, id="unknown-key"),
    pytest.param("{# {{ 收入.__class__ }} #}", {"W504", "E503"}, id="comment-hides-nothing"),
    pytest.param("{%raw%}{{ 收入.__class__ }}{%endraw%}", {"W504", "E503"}, id="raw-block-hides-nothing"),
    pytest.param("{% set x = cycler.__init__.__globals__.os.system('touch /tmp/pwned') %}", {"W504"},
                 id="statement-printed-literally"),
    pytest.param("{% for c in ().__class__.__base__.__subclasses__() %}子类{% endfor %}", {"W504"},
                 id="loop-printed-literally"),
]
ACHIEVEMENTS_LINE = SELF_EVALUATION.splitlines().index(ACHIEVEMENTS) + 1


@pytest.fixture
def no_shell(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    monkeypatch.setattr(os, "popen", lambda *args, **kwargs: calls.append(str(args)))
    return calls


@pytest.mark.parametrize(("text", "expected"), INJECTIONS)
def test_template_injection_is_refused_and_printed_literally(text, expected, no_shell):
    started = time.perf_counter()
    document = load("self-evaluation.yaml", edit(SELF_EVALUATION, ACHIEVEMENTS, f"  主要成效: {quoted(text)}"))
    assert time.perf_counter() - started < 2  # nothing computed (9**9**9 would never end)
    assert codes(document) == expected, [f.format() for f in document.findings]
    for finding in document.findings:
        assert (finding.position.line, finding.path) == (ACHIEVEMENTS_LINE, ("综合评价分析", "主要成效"))
    renderer = prose.ProseRenderer(prose.self_evaluation_namespace(document.model))
    assert renderer.render(text) == text  # literal, never a value
    if document.ok:  # statements only: the document is made, with the text as written
        html = render_document(document, "html").decode()
        assert squash(text.replace("'", "&#39;")) in squash(html)
    assert no_shell == [] and not Path("/tmp/pwned").exists()


def test_valid_reference_prints_its_value():
    document = load("self-evaluation.yaml",
                    edit(SELF_EVALUATION, ACHIEVEMENTS, "  主要成效: 收入{{ 收入.合计 }}万元，执行率{{ 预算.执行率 }}。"))
    assert document.findings == []
    assert "收入10,109.30万元，执行率99.11%。" in render_document(document, "html").decode()


def test_unsafe_undefined_is_e503_not_e501():
    """The sandbox reports an unsafe attribute through an Undefined whose message says "unsafe"."""
    from jinja2 import UndefinedError

    problem = prose._undefined("收入.pop", UndefinedError("access to attribute 'pop' of 'dict' object is unsafe."))
    assert problem.code == "E503"
    assert prose._undefined("收入.x", UndefinedError("'dict object' has no attribute 'x'")).code == "E501"


# --- 1. characters no document may hold: raw and escaped -----------------------------------------

# (how 总体绩效目标 is written in the file, the code point, the column where it is written)
FORBIDDEN = [
    pytest.param('"深入\\x01开展"', 0x01, 12, id="escaped-x01"),
    pytest.param('"深入\\u0001开展"', 0x01, 12, id="escaped-u0001"),
    pytest.param('"深入\\b开展"', 0x08, 12, id="escaped-b"),
    pytest.param('"深入\\e开展"', 0x1B, 12, id="escaped-e"),
    pytest.param('"深入\\0开展"', 0x00, 12, id="escaped-nul"),
    pytest.param('"深入\\v开展"', 0x0B, 12, id="escaped-vt"),
    pytest.param('"深入\\x7f开展"', 0x7F, 12, id="escaped-del"),
    pytest.param('"深入\\N开展"', 0x85, 12, id="escaped-nel"),
    pytest.param('"深入\\x9f开展"', 0x9F, 12, id="escaped-c1"),
    pytest.param('"深入\\uffff开展"', 0xFFFF, 12, id="escaped-uffff"),
    pytest.param('"深入\\ud840\\udc00开展"', 0xD840, 12, id="escaped-surrogate-pair"),
    pytest.param('"\\\\x01 不是转义，\\x02 是"', 0x02, 21, id="escaped-after-literal-backslash"),
    pytest.param("深入\x01开展", 0x01, 11, id="raw-x01"),
    pytest.param("深入\x7f开展", 0x7F, 11, id="raw-del"),
    pytest.param("深入\x9f开展", 0x9F, 11, id="raw-c1"),
    pytest.param("深入\ufffe开展", 0xFFFE, 11, id="raw-ufffe"),
    pytest.param("|\n  深入\x0c开展", 0x0C, 5, id="raw-in-block-scalar"),
]


@pytest.mark.parametrize(("value", "code_point", "col"), FORBIDDEN)
def test_forbidden_character_is_located_and_never_dropped_silently(value, code_point, col):
    document = load("declaration.yaml", with_goal(value))
    [finding] = [f for f in document.findings if f.code == "E108"]
    assert f"U+{code_point:04X}" in finding.message
    line = 17 if value.startswith("|") else 16
    assert (finding.position.line, finding.position.col) == (line, col)
    assert not document.ok  # refused: a build reports the document, and writes nothing for it


def test_forbidden_character_in_a_key_is_reported():
    document = load("declaration.yaml", edit(DECLARATION, "年度: 2024", '"年度\\x01": 2024'))
    assert "E108" in codes(document) and not document.ok


def test_build_refuses_a_document_with_a_forbidden_character(tmp_path):
    root = write_tree(tmp_path / "content", {"media/department.yaml": DEPARTMENT,
                                            "media/2024/declaration.yaml": with_goal('"深入\\x01开展"')})
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out"), "--to", "html"])
    assert result.exit_code == 1
    assert "declaration.yaml:16:12: 错误 E108 [总体绩效目标] 含有文档中不允许的控制字符 U+0001，请删除" in result.output
    assert [p.name for p in (tmp_path / "out").rglob("*.html")] == ["index.html"]


# --- 3. no fetching ------------------------------------------------------------------------------


@pytest.fixture
def fetcher(tmp_path):
    templates = tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    (templates / "style.css").write_text("p { color: black }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (templates / "link.css").symlink_to(tmp_path / "secret.txt")
    (templates / "outside").symlink_to(tmp_path, target_is_directory=True)
    return pdf_module._fetcher_class()(templates)


REFUSED_URLS = [
    "file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd", "http://127.0.0.1:9/x.css",
    "https://example.com/x.png", "ftp://example.com/x", "data:text/css,p{color:red}",
    "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "/etc/passwd", "x.css",
    "file://{templates}/../secret.txt", "file://{templates}/%2e%2e/secret.txt",
    "file://{templates}/html/../../secret.txt", "file://{templates}/link.css",
    "file://{templates}/outside/secret.txt", "file://example.com{templates}/style.css",
    "file://{templates}/style.css%00.png",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_fetcher_refuses_everything_outside_the_templates(fetcher, url):
    url = url.replace("{templates}", str(fetcher.root))
    with pytest.raises(ValueError, match="已拒绝读取外部资源"):
        fetcher.fetch(url)


def test_fetcher_reads_the_templates_folder(fetcher):
    response = fetcher.fetch((fetcher.root / "style.css").as_uri())
    assert response.read() == b"p { color: black }"


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the handler's API)
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Counting.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_content_fetches_nothing_and_prints_literally(http_server, monkeypatch):
    calls: list[str] = []
    base = pdf_module._fetcher_class()

    class Recording(base):
        def fetch(self, url, headers=None):
            calls.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf_module, "_fetcher_class", lambda: Recording)
    hostile = (f'<img src="file:///etc/passwd"> <link rel="stylesheet" href="{http_server}/a.css"> '
               f'<style>@import "{http_server}/b.css"; p {{ background: url({http_server}/c.png) }}</style>'
               f'<iframe src="{http_server}/d"></iframe>')
    document = load("declaration.yaml", with_goal(quoted(hostile)))
    assert document.ok, [f.format() for f in document.findings]
    html = render_document(document, "html").decode()
    assert '&lt;img src=&#34;file:///etc/passwd&#34;&gt;' in html and "<img" not in html
    pdf = render_document(document, "pdf")
    assert calls == [] and _Counting.requests == []
    text = squash(pdf_text(pdf))
    assert squash('<img src="file:///etc/passwd">') in text
    assert squash(f'<link rel="stylesheet" href="{http_server}/a.css">') in text


# --- 4. failures -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".lock"}


def outputs(folder: Path) -> dict[Path, bytes]:
    return {p: b for p, b in snapshot(folder).items() if p.suffix in (".html", ".docx", ".pdf")
            and p.name != "index.html"}


def change_every_document(project: Path) -> None:
    """Every document changes (one full stop of its prose), so that every output is rebuilt (a
    comment alone would not be: tests/test_build.py)."""
    for path in (project / "content").rglob("*.yaml"):
        if path.name in ("declaration.yaml", "self-evaluation.yaml"):
            text = path.read_text(encoding="utf-8")
            assert "。" in text
            path.write_text(text.replace("。", "；", 1), encoding="utf-8")


class _FullDisk(io.RawIOBase):
    """A file whose write stores half the data, then fails: ENOSPC."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def write(self, data) -> int:
        self.handle.write(bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self) -> int:
        return self.handle.fileno()

    def close(self) -> None:
        self.handle.close()


def fail_writes(monkeypatch, error: int, where: str = "") -> None:
    """Writes of build outputs whose path contains `where` fail in the write with `error`."""
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        handle = real(fd, *args, **kwargs)
        path = os.readlink(f"/proc/self/fd/{fd}")
        if path.endswith(".tmp") and where in path:
            return _FullDisk(handle) if error == errno.ENOSPC else _raise(handle, error)
        return handle

    monkeypatch.setattr(build_module.os, "fdopen", fdopen)


def _raise(handle, error: int):
    handle.close()
    raise OSError(error, os.strerror(error))


def test_disk_full_in_one_write_keeps_the_old_file(project, monkeypatch):
    run_build(project)
    before = snapshot(project / "build")
    change_every_document(project)
    with monkeypatch.context() as patched:
        fail_writes(patched, errno.ENOSPC, where=f"{PANYU}/.2023")
        report = run_build(project)
    target = project / "build" / PANYU / "2023年部门整体预算绩效目标申报表.html"
    assert target.read_bytes() == before[target]
    assert report.failed[target] == "写入失败：磁盘空间不足（原有文件未改动）"
    assert len(report.built) == 4 and not stray_files(project / "build")


def test_disk_full_everywhere_keeps_every_earlier_output(project, monkeypatch):
    monkeypatch.chdir(project)
    run_build(project)
    before = snapshot(project / "build")
    change_every_document(project)
    with monkeypatch.context() as patched:
        fail_writes(patched, errno.ENOSPC)
        result = CliRunner().invoke(main, ["build", "--to", "html,docx", "-j", "2"])
    assert result.exit_code == 1
    assert "写入失败：磁盘空间不足（原有文件未改动）" in result.output
    assert f"生成失败 build/{MANIFEST}：写入失败：磁盘空间不足" in result.output
    assert snapshot(project / "build") == before  # outputs, manifest and index.html untouched
    assert not stray_files(project / "build")
    json.loads((project / "build" / MANIFEST).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("error", "message"), [
    (errno.EROFS, "所在磁盘为只读"), (errno.EACCES, "没有写入权限"),
], ids=["erofs", "eacces"])
def test_read_only_output_folder_is_a_clear_error(project, monkeypatch, error, message):
    """As root chmod does not stop writes: the refusal is simulated where the build first writes."""
    monkeypatch.chdir(project)
    run_build(project)
    before = snapshot(project / "build")
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if str(file).endswith(build_module.LOCK):
            raise OSError(error, os.strerror(error), str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(build_module, "open", refusing_open, raising=False)
    result = CliRunner().invoke(main, ["build", "--to", "html"])
    assert result.exit_code == 1
    assert f"无法写入输出文件夹 build：{message}" in result.output
    assert snapshot(project / "build") == before


@pytest.mark.parametrize(("error", "message"), [
    (errno.EROFS, "所在磁盘为只读"), (errno.EACCES, "没有写入权限"),
], ids=["erofs", "eacces"])
def test_unwritable_output_files_keep_the_old_ones(project, monkeypatch, error, message):
    run_build(project)
    before = snapshot(project / "build")
    change_every_document(project)

    def refusing_mkstemp(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    with monkeypatch.context() as patched:
        patched.setattr(build_module.tempfile, "mkstemp", refusing_mkstemp)
        report = run_build(project)
    assert not report.ok and report.built == []
    assert set(report.failed.values()) >= {f"写入失败：{message}（原有文件未改动）"}
    assert snapshot(project / "build") == before


def test_render_command_reports_a_failed_write(tmp_path, monkeypatch):
    root = write_tree(tmp_path, {"media/department.yaml": DEPARTMENT, "media/2024/declaration.yaml": DECLARATION})
    fail_writes(monkeypatch, errno.ENOSPC)
    out = tmp_path / "x.html"
    out.write_text("旧文件", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(root / "media/2024/declaration.yaml"), "--to", "html", "-o", str(out)])
    assert result.exit_code == 1
    assert f"写入 {out} 失败：磁盘空间不足（原有文件未改动）" in result.output
    assert out.read_text(encoding="utf-8") == "旧文件" and not stray_files(tmp_path)


def crash_job(job):
    """A render job that SIGKILLs its own worker when its document's folder holds a marker file:
    `crash-always`, or `crash-once` (removed by the one job that crashes)."""
    folder = Path(job.document_path).parent
    if (folder / "crash-always").exists():
        os.kill(os.getpid(), signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        (folder / "crash-once").unlink()
        os.kill(os.getpid(), signal.SIGKILL)
    return run_job(job)


def test_worker_killed_once_is_retried(project, monkeypatch):
    monkeypatch.setattr(build_module, "run_job", crash_job)
    (project / "content/panyu-media-center/2023/crash-once").touch()
    report = run_build(project)
    assert report.ok, report.failed
    assert len(report.built) == 6
    assert not (project / "content/panyu-media-center/2023/crash-once").exists()  # it did crash


def test_worker_killed_twice_fails_alone(project, monkeypatch):
    monkeypatch.chdir(project)
    run_build(project)
    before = snapshot(project / "build")
    change_every_document(project)
    monkeypatch.setattr(build_module, "run_job", crash_job)
    (project / "content/liwan-publicity-department/2024/crash-always").touch()
    result = CliRunner().invoke(main, ["build", "--to", "html,docx", "-j", "2"])
    assert result.exit_code == 1
    for suffix in ("html", "docx"):
        assert f"生成失败 build/{LIWAN}/2024年部门整体预算绩效目标申报表.{suffix}：{CRASHED}" in result.output
    assert "4 个已生成，0 个未变，2 个失败" in result.output  # every other job was built
    for path in (project / "build" / LIWAN).iterdir():
        assert path.read_bytes() == before[path]
    assert not stray_files(project / "build")


BUILD = [sys.executable, "-m", "reportgen", "build", "--to", "html,docx", "-j", "1"]


def building(project: Path, *options: str) -> subprocess.Popen:
    """A build in a subprocess of its own session, returned once it has written its first output.

    Ctrl+C is restored in the child: a test run started in the background has it ignored."""
    started = time.time_ns()
    process = subprocess.Popen([*BUILD[:5], "html,docx,pdf", *options, "--force"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not any(p.stat().st_mtime_ns >= started for p in (project / "build").rglob("*.*")
                  if p.suffix in (".html", ".docx", ".pdf") and p.name != "index.html"):
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it was interrupted"
        time.sleep(0.01)
    return process


@pytest.mark.slow
def test_ctrl_c_during_build(project):
    """`python -m reportgen build` in a subprocess; SIGINT to its process group (as Ctrl+C does)."""
    command = BUILD
    subprocess.run(command, cwd=project, check=True, capture_output=True, timeout=120)
    before = outputs(project / "build")
    process = building(project, "-j", "1")
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert "已中断：已完成的输出均已保存，未完成的没有留下半成品。" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    after = outputs(project / "build")
    for path, data in before.items():
        assert after[path] == data, path  # rewritten with the same bytes, or not touched
    pdfs = [p for p in after if p.suffix == ".pdf"]
    assert len(pdfs) < 3, "every PDF was made: the interruption came too late to test anything"
    index = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert "未完成（构建已中断）" in index and "用时 0.00 秒" not in index
    for path in pdfs:
        assert after[path].startswith(b"%PDF-") and after[path].rstrip().endswith(b"%%EOF")
    assert not stray_files(project / "build")
    manifest = json.loads((project / "build" / MANIFEST).read_text(encoding="utf-8"))
    assert all((project / "build" / key).exists() for key in manifest)
    rerun = subprocess.run([*command[:5], "html,docx,pdf", "-j", "1"], cwd=project, capture_output=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert len([p for p in outputs(project / "build") if p.suffix == ".pdf"]) == 3


@pytest.mark.slow
def test_ctrl_c_pressed_again_while_the_build_stops(project):
    subprocess.run(BUILD, cwd=project, check=True, capture_output=True, timeout=120)
    process = building(project, "-j", "2")
    for _ in range(3):
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.05)
    stdout, stderr = process.communicate(timeout=30)  # it used to wait for the workers for good
    assert process.returncode == 130 and "Traceback" not in stderr.decode(), stderr.decode()
    assert not stray_files(project / "build")


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_build_leaves_the_output_folder_usable(project, stop):
    """Only the build process is signalled, not its workers; the next build must not find the folder
    locked (workers do not inherit the lock) and must complete."""
    subprocess.run(BUILD, cwd=project, check=True, capture_output=True, timeout=120)
    process = building(project, "-j", "2")
    os.kill(process.pid, stop)
    stdout, stderr = process.communicate(timeout=30)
    if stop == signal.SIGTERM:
        assert process.returncode == 130 and "已中断" in stderr.decode(), stderr.decode()
    rerun = subprocess.run([*BUILD[:5], "html,docx,pdf", "-j", "2"], cwd=project, capture_output=True,
                           timeout=120)
    assert rerun.returncode == 0 and "另一个构建" not in rerun.stderr.decode(), rerun.stderr.decode()
    assert not stray_files(project / "build")


# --- 5. limits: bounded time and memory --------------------------------------------------------------

# Runs in a child process, so that its peak memory is its own. The peak is VmHWM of
# /proc/self/status: getrusage's ru_maxrss of a child also counts the (large) pytest process it was
# forked from.
PEAK = """
def peak_mb():
    import resource
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
VALIDATE = PEAK + """
import json, sys, time
from pathlib import Path
from reportgen.documents import Loader
started = time.perf_counter()
document = Loader().load_document(Path(sys.argv[1]))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "mb": peak_mb(), "findings": [f.format() for f in document.findings]}))
"""


def measure(code: str, path: Path) -> dict:
    """The child's JSON: seconds (of the work alone), peak resident MB (the whole process), …"""
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, cwd=ROOT,
                            timeout=300, check=True)
    return json.loads(result.stdout)


def billion_laughs() -> str:
    """Nine levels of nine aliases: 9**9 strings once expanded, from 500 bytes."""
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def tasks(rows: int) -> str:
    task = "  - 名称: 任务{i}\n    主要实施内容: 内容{i}\n    拟投入的资金: 1.00\n    期望达到的目标: 目标{i}\n"
    head, tail = DECLARATION.split("年度重点工作任务:\n")
    return head + "年度重点工作任务:\n" + "".join(task.format(i=i) for i in range(rows)) + "绩效指标:" + \
        tail.split("绩效指标:")[1]


# (file text, expected finding, bound in seconds, bound in MB of the whole process). Measured (see
# docs/bad-input.md): 0.4 s/85 MB, 0.01 s/44 MB, 0.3 s/36 MB, 0.02 s/40 MB, 2.9 s/166 MB, 1 s/76 MB,
# 0.3 s/48 MB. The time bounds leave room for a busy machine (the alias bomb took 2.4 s under load)
# and still catch what they guard against: the same bomb took 46 s before composition was bounded.
LIMITS = [
    pytest.param(billion_laughs, "E106", 5, 200, id="alias-bomb"),
    pytest.param(lambda: "a: " + "x" * (10 * 1024 * 1024) + "\n", "E109", 5, 150, id="10-mb-file"),
    pytest.param(lambda: "a: " + "[" * 10_000 + "]" * 10_000 + "\n", f"1:{MAX_DEPTH + 4}: 错误 E107", 5, 150,
                 id="nesting-10000-deep"),
    pytest.param(lambda: "".join(" " * i + f"k{i}:\n" for i in range(2_000)), "201:201: 错误 E107", 5, 150,
                 id="block-nesting-2000-deep"),
    pytest.param(lambda: "a: [" + "1," * 2_450_000 + "1]\n", "E106", 15, 400, id="4.9-mb-of-list-items",
                 marks=pytest.mark.slow),
    pytest.param(lambda: tasks(5_000), "E110", 10, 400, id="5000-row-table"),
    pytest.param(lambda: with_goal('"' + "字" * 1_600_000 + '"'), "16:9: 错误 E111", 6, 200, id="4.8-mb-string"),
]


@pytest.mark.parametrize(("make", "expected", "seconds", "megabytes"), LIMITS)
def test_limits_give_a_finding_in_bounded_time_and_memory(tmp_path, make, expected, seconds, megabytes):
    path = write_tree(tmp_path, {"d/2024/declaration.yaml": make(), "d/department.yaml": DEPARTMENT}) \
        / "d/2024/declaration.yaml"
    result = measure(VALIDATE, path)
    assert any(expected in f for f in result["findings"]), result["findings"][:3]
    assert result["seconds"] < seconds and result["mb"] < megabytes, (result["seconds"], result["mb"])


@pytest.mark.slow
def test_rendering_5000_rows_is_bounded():
    """The renderers themselves (E110 keeps such a table from a build): HTML and Word."""
    source_doc = load("declaration.yaml", tasks(5_000))
    assert codes(source_doc) == {"E110"}
    started = time.perf_counter()
    html = render_document(source_doc, "html")
    html_seconds = time.perf_counter() - started
    started = time.perf_counter()
    render_document(source_doc, "docx")
    docx_seconds = time.perf_counter() - started
    assert html.count(b"<tr>") >= 5_000
    assert html_seconds < 5 and docx_seconds < 20, (html_seconds, docx_seconds)  # measured 0.05 s, 2 s


PDF = PEAK + """
import json, sys, time
from pathlib import Path
from reportgen.documents import Loader
from reportgen.render.formats import render_document
document = Loader().load_document(Path(sys.argv[1]))
assert document.ok
started = time.perf_counter()
render_document(document, "pdf")
print(json.dumps({"seconds": time.perf_counter() - started, "mb": peak_mb()}))
"""


@pytest.mark.slow
def test_pdf_at_the_table_limit_is_bounded(tmp_path):
    """1,000 rows, the most E110 allows: measured 4 s and 320 MB."""
    path = write_tree(tmp_path, {"d/2024/declaration.yaml": tasks(1_000), "d/department.yaml": DEPARTMENT}) \
        / "d/2024/declaration.yaml"
    result = measure(PDF, path)
    assert result["seconds"] < 30 and result["mb"] < 800, result


# --- 6. characters no font draws --------------------------------------------------------------------


def uncovered_private_use() -> str:
    return next(chr(c) for c in range(0xE000, 0xF900) if not fonts.drawable(chr(c)))


@pytest.fixture
def fonts_installed():
    if not fonts.coverage()[0]:
        if os.environ.get("CI"):
            pytest.fail("fontconfig is required in CI")
        pytest.skip("fontconfig not installed")


@pytest.mark.parametrize(("value", "char", "col"), [
    pytest.param("深入开展𠀀宣传工作。", "\U00020000", 13, id="cjk-ext-b"),
    pytest.param("深入开展𪚥宣传工作。", "\U0002A6A5", 13, id="cjk-ext-b-2"),
    pytest.param("深入开展\U00030000宣传工作。", "\U00030000", 13, id="cjk-ext-g"),
    pytest.param('"深入开展\\U00020000宣传工作。"', "\U00020000", 9, id="escaped-at-the-value"),
    pytest.param("PRIVATE", None, 13, id="private-use"),
])
def test_missing_glyph_is_located_before_rendering(fonts_installed, monkeypatch, value, char, col):
    if value == "PRIVATE":
        char = uncovered_private_use()
        value = f"深入开展{char}宣传工作。"
    laid_out: list[str] = []
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda *a, **k: laid_out.append("pdf"))
    document = load("declaration.yaml", with_goal(value))
    assert document.ok  # validation does not depend on this machine's fonts
    with pytest.raises(RenderError) as caught:
        render_document(document, "pdf")
    message = str(caught.value)
    assert (f"content/media/2024/declaration.yaml:16:{col}: 错误 E701 [总体绩效目标] "
            f"字符“{char}”（U+{ord(char):04X}）没有可用的字体，PDF 中会显示为方框") in message
    assert laid_out == []  # refused before WeasyPrint ran


def test_missing_glyph_in_department_yaml_is_located_there(fonts_installed):
    department = edit(DEPARTMENT, "简称: 区融媒体中心", "简称: 区融媒体𪚥中心")
    document = load("self-evaluation.yaml", SELF_EVALUATION, department)
    with pytest.raises(RenderError, match=r"content/media/department.yaml:2:9: 错误 E701 \[简称\]"):
        render_document(document, "pdf")


def test_invisible_characters_are_not_missing_glyphs(fonts_installed):
    assert fonts.missing_glyphs("甲\u200f\u200e\u202e\u200b\ufeff\u2060\ufe0f\U000e0100乙\n\t") == []


def test_glyph_coverage_is_read_once_and_fast(fonts_installed, monkeypatch):
    fonts.coverage.cache_clear()
    calls: list[list[str]] = []
    real = subprocess.run
    monkeypatch.setattr(fonts.subprocess, "run", lambda args, **kw: calls.append(args) or real(args, **kw))
    started = time.perf_counter()
    text = "".join(chr(c) for c in range(0x4E00, 0x9FA6)) * 50  # 1 MB of every common CJK character
    assert fonts.missing_glyphs(text) == []
    assert fonts.missing_glyphs(text + "𠀀") == ["\U00020000"]
    assert len(calls) == 1 and time.perf_counter() - started < 2


def test_cli_render_names_the_character_and_line(fonts_installed, tmp_path):
    root = write_tree(tmp_path, {"media/department.yaml": DEPARTMENT,
                                 "media/2024/declaration.yaml": with_goal("深入开展𠀀宣传工作。")})
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["render", str(root / "media/2024/declaration.yaml"), "--to", "pdf", "-o", str(out)])
    assert result.exit_code == 1
    assert "生成失败：以下字符没有可用的字体，PDF 中会显示为方框，未生成 PDF：" in result.output
    assert "declaration.yaml:16:13: 错误 E701 [总体绩效目标] 字符“𠀀”（U+20000）" in result.output
    assert not out.exists()


# --- a hostile sample opens in LibreOffice ------------------------------------------------------------

NASTY = ("& < > \" ' &amp; <b>粗</b> <script>alert(1)</script> 换行\n同段\t制表 𠀀 𪚥 \U0001f600 "
         "\u200f右\u200e左\u202e反\u202c {{ 年度 }} }} {% %} {# #} %s {0} \\x01 " + "长" * 3000)


@pytest.mark.slow
def test_libreoffice_opens_a_hostile_docx(tmp_path):
    soffice = require_tool("soffice")
    text = edit(tasks(500), GOAL, f"总体绩效目标: {quoted(NASTY)}")
    text = edit(text, "  - 名称: 任务0\n    主要实施内容: 内容0", f"  - 名称: 任务0\n    主要实施内容: {quoted(NASTY[:200])}")
    document = load("declaration.yaml", text)
    assert codes(document) == {"W504"}
    (tmp_path / "hostile.docx").write_bytes(render_document(document, "docx"))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "hostile.docx")], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    converted = squash(pdf_text((tmp_path / "hostile.pdf").read_bytes()))
    assert squash("<script>alert(1)</script>") in converted
    assert "任务499" in converted
