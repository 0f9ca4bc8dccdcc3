"""Batch build: validate everything, then render what changed, in parallel, writing atomically.

A job is a plain `RenderJob` and a pure function (`run_job`), so any concurrent.futures
executor runs it: a local process pool by default, a Dask cluster with `--executor dask://…`.
Outputs are written by this process only (temporary file in the same folder, then rename), and
a manifest keyed by a hash of every input decides what is fresh — never modification times.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import checked
from .checked import CheckedDocument, Checks, check_all
from .content import display_path
from .findings import Finding, Position, Severity
from .render.formats import (
    FORMATS,
    SUFFIX,
    PrintJob,
    RenderError,
    RenderJob,
    load_job,
    print_job,
    render_formats,
    run_job,
)
from .render.templates import TEMPLATES

MANIFEST = ".reportgen-manifest.json"
CHECKS_CACHE = ".reportgen-checks.json"  # findings of unchanged documents (checked.py)
LOCK = ".reportgen.lock"
STALE = "【未更新】"  # prefix of the earlier outputs of a document that no longer validates


class BuildError(Exception):
    """The build cannot start; the message says why, in Chinese."""


class BuildLocked(BuildError):
    """Another build holds the output folder."""


_OS_PROBLEMS = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "所在磁盘为只读",
    errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EIO: "磁盘读写出错",
    errno.ENAMETOOLONG: "文件名过长", errno.ENOENT: "文件或文件夹不存在（构建中被删除或移走？）",
}


def os_problem(exc: OSError) -> str:
    """Why a write failed, in words a staff member understands."""
    return _OS_PROBLEMS.get(exc.errno or 0) or str(exc.strerror or exc)


@dataclass
class PlannedJob:
    """One output of one document, with the digest of everything it depends on."""

    document: CheckedDocument
    fmt: str
    output: Path
    digest: str


@dataclass
class DocumentJob:
    """What one worker does for one document: every output of it that is not fresh."""

    outputs: list[PlannedJob]
    job: RenderJob


@dataclass
class BuildReport:
    built: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)  # output → message
    invalid: list[CheckedDocument] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    stale: dict[str, list[Path]] = field(default_factory=dict)  # failed document → its 【未更新】 outputs
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    fonts: list[str] = field(default_factory=list)  # the face used for each official face

    @property
    def ok(self) -> bool:
        return not self.failed and not self.invalid and not self.interrupted

    def summary(self) -> str:
        failed = len(self.failed) + len(self.invalid)
        text = f"{len(self.built)} 个已生成，{len(self.unchanged)} 个未变，{failed} 个失败"
        if self.removed:
            text += f"，{len(self.removed)} 个已删除"
        stale = sum(len(paths) for paths in self.stale.values())
        if stale:
            text += f"，{stale} 个旧输出标为{STALE}"
        return f"{text}（用时 {self.seconds:.2f} 秒）"


# --- inputs and names --------------------------------------------------------------------------


def output_name(document: CheckedDocument) -> Path:
    """build/<部门名称>/<年度>年<标题>…, as the kind's row names it: names a staff member recognises."""
    assert document.department is not None
    folder = output_folder(document.department)
    assert folder is not None
    name = document.kind_row.name_output(document.year, document.subject)
    return Path(folder) / (output_folder(name) or name)


MAX_NAME_BYTES = 255  # of one file or folder name (ext4, XFS, NTFS…)


def output_folder(department: str) -> str | None:
    """The department's folder in build/: its name, with what a file system reads as a path
    (`/`, `\\`, a leading `.`) written full-width, so that it is one folder inside build/ whatever
    the name; None for a name no file system takes."""
    name = department.replace("/", "／").replace("\\", "＼")
    if name.startswith("."):
        name = "．" + name[1:]
    if not name.strip() or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return None
    return name


def refuse_conflicts(checks: Checks, out: Path) -> None:
    """Every output path planned before anything is rendered: documents that would write the same
    one (the same 部门名称, 年度 and kind: a department folder copied to start another, a link to
    another department's file) are all refused, so that none overwrites another (E801); so is a
    部门名称 that cannot name a folder (E803)."""
    by_output: dict[Path, list[CheckedDocument]] = {}
    for document in checks.documents:
        if document.department is None or document.year is None:
            continue
        if output_folder(document.department) is None:
            _refuse(document, "E803", f"部门名称过长（{len(document.department.encode('utf-8'))} 字节，"
                                      f"上限 {MAX_NAME_BYTES}），不能用作输出文件夹的名称；请改用部门的规范名称")
            continue
        by_output.setdefault(output_name(document), []).append(document)
    for name, documents in by_output.items():
        for document in documents if len(documents) > 1 else ():
            others = "、".join(_where(other) for other in documents if other is not document)
            _refuse(document, "E801", f"与 {others} 的输出相同（都是 {display_path(out / name)}.*：部门名称和年度都相同），"
                                      "两份都不生成，以免一份覆盖另一份；复制部门文件夹后，请改正其中一份的"
                                      f"{'或'.join(document.kind_row.name_field)}或年度")


def _where(document: CheckedDocument) -> str:
    position = document.name_at or Position(1, 1)
    return f"{display_path(document.path)}:{position.line}"


def _refuse(document: CheckedDocument, code: str, message: str) -> None:
    document.ok = False
    document.findings.append(Finding(display_path(document.path), document.name_at or Position(1, 1),
                                     Severity.ERROR, code, message, ("部门名称",)))


class InputHasher:
    """Hashes of files and of the code, read once per build."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self._files: dict[Path, str] = {}
        self.code = checked.code_fingerprint()

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"
        return self._files[path]

    def output(self, document: CheckedDocument, fmt: str) -> str:
        """Of everything one output depends on. The content files count by what they say
        (CheckedDocument.digests), so an edited comment rebuilds nothing."""
        roles = ["document", *render_roles(document)]
        digest = hashlib.sha256()
        for part in (self.code, fmt, *(f"{role}:{document.digests[role]}" for role in roles)):
            digest.update(part.encode())
        for path in document.kind_row.template_files(fmt, self.templates):
            digest.update(self.file(path).encode())
        if fmt == "pdf":
            from .render.fonts import cjk_families

            digest.update("\n".join(cjk_families()).encode())
            folder = document.fonts_folder
            for font in sorted(folder.iterdir()) if folder and folder.is_dir() else ():
                digest.update(f"{font.name}\0{self.file(font)}".encode())
        return digest.hexdigest()


def font_report(jobs: list[PlannedJob], templates: Path) -> list[str]:
    """Which face the PDFs use for each official face, for the first PDF to make."""
    from .render.fonts import stand_ins

    pdf = next((p for p in jobs if p.fmt == "pdf"), None)
    if pdf is None:
        return []
    folder = pdf.document.fonts_folder
    lines = stand_ins((templates / "style.css").read_text(encoding="utf-8"), folder)
    if folder is not None and not folder.is_dir():
        lines.insert(0, f"字体文件夹 {folder} 不存在，使用替代字体")
    return lines


def plan(checks: Checks, out: Path, formats: tuple[str, ...], templates: Path) -> list[PlannedJob]:
    """Every output of every valid document (its kind's outputs among `formats`), with its digest."""
    hasher = InputHasher(templates)
    return [PlannedJob(document, fmt, out / output_name(document).with_suffix(SUFFIX[fmt]),
                       hasher.output(document, fmt))
            for document in checks.documents if document.ok
            for fmt in formats if fmt in document.kind_row.outputs]


def document_jobs(todo: list[PlannedJob], templates: Path) -> list[DocumentJob]:
    """One job per document for its outputs to render: it is loaded and checked once and renders
    all of them. Texts are read here, for the documents that have something to render."""
    by_document: dict[Path, list[PlannedJob]] = {}
    for planned in todo:
        by_document.setdefault(planned.document.path, []).append(planned)
    jobs = []
    for outputs in by_document.values():
        document = outputs[0].document
        department = document.inputs.get("department") if "department" in render_roles(document) else None
        jobs.append(DocumentJob(outputs, RenderJob(
            document_path=str(document.path), document_text=document.path.read_bytes(),
            department_path=str(department) if department else None,
            department_text=department.read_bytes() if department else None,
            formats=tuple(p.fmt for p in outputs), templates=str(templates), related=related_inputs(document),
        )))
    return sorted(jobs, key=_longest_first)


def render_roles(document: CheckedDocument) -> list[str]:
    """The related files (of those that exist) that the document's outputs print."""
    wanted = document.kind_row.renders_from
    return [role for role in document.inputs
            if role in wanted or (role.startswith("part:") and "parts" in wanted)]


def related_inputs(document: CheckedDocument) -> tuple[tuple[str, str, bytes], ...]:
    """What a render job needs besides the document and its department.yaml: settings.yaml and,
    where its kind prints what its sibling states, the sibling."""
    return tuple((role, str(document.inputs[role]), document.inputs[role].read_bytes())
                 for role in render_roles(document) if role != "department")


# --- manifest, lock, atomic writes -------------------------------------------------------------


def load_manifest(out: Path) -> dict[str, dict]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# write_atomic's temporary files: .<name>.<8 random characters>.tmp
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_temporaries(out: Path) -> None:
    """Temporary files a killed build left behind (the lock is held: nobody else writes here)."""
    for path in out.rglob("*.tmp"):
        if _TEMPORARY.match(path.name):
            with contextlib.suppress(OSError):
                path.unlink()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename: the old file stays until the new is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # as an ordinary new file (mkstemp's own mode is 0600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = open(out / LOCK, "w")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise BuildError(f"无法写入输出文件夹 {out}：{os_problem(exc)}") from exc
    with lock as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLocked(f"另一个构建正在写入 {out}，请等它结束后再试") from exc
        _HELD_LOCKS.add(handle.fileno())  # forked workers close their copy (_start_worker)
        try:
            yield
        finally:
            _HELD_LOCKS.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)


_HELD_LOCKS: set[int] = set()


# --- executors ---------------------------------------------------------------------------------


def make_executor(spec: str | None, jobs: int) -> cf.Executor:
    """`None`: a local process pool; `dask://host:port`: an existing Dask cluster."""
    if spec and spec.startswith("dask://"):
        return DaskExecutor(spec.replace("dask://", "tcp://", 1))
    if spec:
        raise ValueError(f"不支持的执行器：{spec}（可用：dask://主机:端口）")
    return local_pool(jobs)


TASKS_PER_WORKER = 40  # jobs per worker before its pool is renewed


def local_pool(jobs: int) -> cf.ProcessPoolExecutor:
    """Workers forked from this process once it has the renderers imported and the fonts loaded,
    so that each starts ready. (A forkserver outlives a killed build, and its workers with it.)"""
    from .render.warm import warm_renderers

    warm_renderers()
    context = multiprocessing.get_context("fork")
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                                  initargs=(os.getpid(),))


def _start_printer(build_pid: int) -> None:
    """The worker of warming_pool: forked before the renderers are loaded, it loads what a print
    job needs itself."""
    from .render.warm import warm_printer

    _start_worker(build_pid)
    warm_printer()


def _start_worker(build_pid: int) -> None:
    """Ctrl+C is the build's to handle (it stops the workers); a worker told to stop just ends, and
    so does one whose build was killed: no worker outlives its build, nor holds its lock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_DFL)
    for descriptor in _HELD_LOCKS:  # the lock stays with the build: released when the build ends
        with contextlib.suppress(OSError):
            os.close(descriptor)
    with contextlib.suppress(OSError, AttributeError):  # Linux only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != build_pid:  # the build died before the line above took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # kill, a closed terminal: handled as Ctrl+C


@contextlib.contextmanager
def interrupt_on_stop_signals() -> Iterator[None]:
    """A build told to stop ends as after Ctrl+C: workers stopped, outputs whole, lock released."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {stop: signal.signal(stop, interrupt) for stop in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


class DaskExecutor(cf.Executor):
    """The executor of a Dask distributed client, closing the client with the executor."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise RuntimeError("使用 Dask 需要安装可选依赖：pip install 'reportgen[distributed]'") from exc
        try:
            self.client = Client(address, timeout=10)
        except OSError as exc:
            raise RuntimeError(f"无法连接 Dask 集群 {address}：{exc}") from exc
        self.executor = self.client.get_executor()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        return self.executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait)
        self.client.close()


# --- the build ---------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def build(paths: list[Path], out: Path, *, formats: tuple[str, ...] = FORMATS, jobs: int | None = None,
          force: bool = False, executor: str | None = None, templates: Path = TEMPLATES,
          progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    workers = jobs or os.cpu_count() or 1
    with warming_pool(executor is None and "pdf" in formats and workers > 1) as early:
        checks = check_all(paths, out / CHECKS_CACHE)
        refuse_conflicts(checks, out)
        report.findings = checks.findings
        report.invalid = [d for d in checks.documents if not d.ok]
        with build_lock(out):
            remove_temporaries(out)
            manifest = load_manifest(out)
            planned = plan(checks, out, formats, templates)
            todo = [p for p in planned if force or not _fresh(p, manifest, out)]
            report.unchanged = [p.output for p in planned if p not in todo]
            report.removed = _remove_deleted(manifest, out, {_key(p.output, out) for p in planned})
            report.stale = mark_stale(manifest, out, report)
            report.fonts = font_report(todo, templates)
            workbook = cache(lambda: _summary_workbook(checks))  # made while the workers render
            try:
                _run(document_jobs(todo, templates), len(todo), out, manifest, report, executor, workers,
                     progress, early, meanwhile=workbook)
            except KeyboardInterrupt:
                report.interrupted = True
            finally:
                report.seconds = time.perf_counter() - started  # as index.html states it
                with interrupts_deferred():  # a Ctrl+C pressed again must not cut the saving short
                    _save(out, manifest, checks, planned, report, workbook)
    return report


def _summary_workbook(checks: Checks) -> bytes:
    from .summary import rows, workbook_bytes

    return workbook_bytes(rows(checks.documents))


@contextlib.contextmanager
def warming_pool(wanted: bool) -> Iterator[cf.ProcessPoolExecutor | None]:
    """A worker started before the checks, which loads WeasyPrint and opens the fonts (0.6 s) on a
    spare core while this process checks and plans: a build of fewer documents than workers hands
    it their PDFs to lay out and write (_pdfs_beside). Stopped at the end of the build.

    Wanted only with cores to spare: on one core the warm-up would delay the checks.
    """
    if not wanted:
        yield None
        return
    context = multiprocessing.get_context("fork")
    pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_printer,
                                  initargs=(os.getpid(),))
    pool.submit(int)  # a fork pool starts all its workers on the first job
    try:
        yield pool
    finally:
        stop_now(pool)  # a no-op once _run has shut it down


def _save(out: Path, manifest: dict[str, dict], checks: Checks, planned: list[PlannedJob],
          report: BuildReport, workbook: Callable[[], bytes]) -> None:
    """Manifest, findings cache, summary workbook and index.html; a failed write is reported (the
    previous file stays)."""
    from .index import write_index
    from .summary import WORKBOOK, rows

    summary = rows(checks.documents)
    for name, write in ((MANIFEST, lambda: _write_manifest(out, manifest)),
                        (CHECKS_CACHE, lambda: write_atomic(out / CHECKS_CACHE, checks.cache_bytes())),
                        (WORKBOOK, lambda: write_atomic(out / WORKBOOK, workbook())),
                        ("index.html", lambda: write_index(out, checks, planned, report, summary))):
        try:
            write()
        except OSError as exc:
            report.failed[out / name] = f"写入失败：{os_problem(exc)}（原有文件未改动）"
    remove_temporaries(out)


def _longest_first(job: DocumentJob) -> tuple[bool, int]:
    """Long jobs first (a PDF, a long text), so that no worker starts a 2-second PDF when the
    others are about to finish."""
    return "pdf" not in job.job.formats, -len(job.job.document_text)


def _fresh(job: PlannedJob, manifest: dict[str, dict], out: Path) -> bool:
    entry = manifest.get(_key(job.output, out))
    return entry is not None and entry.get("hash") == job.digest and job.output.exists()


def _key(output: Path, out: Path) -> str:
    return output.relative_to(out).as_posix()


def _run(todo: list[DocumentJob], outputs: int, out: Path, manifest: dict[str, dict], report: BuildReport,
         executor_spec: str | None, workers: int, progress: Progress | None,
         early: cf.ProcessPoolExecutor | None = None, meanwhile: Callable[[], object] = lambda: None) -> None:
    """Renders the jobs and writes their outputs as they come; `meanwhile` runs in this process
    once the first jobs are handed to the workers."""
    if not todo:
        return
    done = 0

    def finish(job: DocumentJob, outcome: JobOutcome) -> None:
        nonlocal done
        for planned in job.outputs:
            done += 1
            result = outcome.get(planned.fmt, RenderError(NOT_RENDERED)) if isinstance(outcome, dict) else outcome
            _finish(planned, result, manifest, report, out, progress, done, outputs)

    if early is not None and len(todo) < workers:
        _pdfs_beside(todo, early, finish, meanwhile)
        return
    if early is not None:
        stop_now(early)  # the pools below are forked from this process, warmed
    if len(todo) == 1 and executor_spec is None:
        finish(todo[0], _call(todo[0].job))
        return
    # A local pool is renewed every few dozen jobs per worker: WeasyPrint's caches grow with
    # every PDF. (ProcessPoolExecutor's max_tasks_per_child can deadlock on Python 3.11.)
    batches = [todo] if executor_spec else _batches(todo, TASKS_PER_WORKER * workers)
    crashed: list[DocumentJob] = []
    for batch in batches:
        pool = make_executor(executor_spec, min(workers, len(batch)))
        try:
            crashed += _run_batch(pool, batch, finish, meanwhile)
        except KeyboardInterrupt:
            stop_now(pool)
            raise
        pool.shutdown()
    if crashed:
        _retry_alone(crashed, workers, finish)


def _pdfs_beside(todo: list[DocumentJob], worker: cf.ProcessPoolExecutor, finish: Finish,
                 meanwhile: Callable[[], object]) -> None:
    """Fewer documents than workers: each is loaded and rendered here, but for its PDF's layout
    and writing (most of its time), handed to the worker warmed during the checks."""
    printing: dict[cf.Future, tuple[DocumentJob, PrintJob]] = {}
    for job in todo:
        pdf, rest = _pdf_and_rest(job)

        def submit(printed: PrintJob, pdf: DocumentJob | None = pdf) -> cf.Future:
            future = worker.submit(print_job, printed)
            printing[future] = (pdf, printed)
            return future

        try:
            outcome = render_formats(load_job(job.job), sorted(job.job.formats, key=lambda fmt: fmt != "pdf"),
                                     templates=Path(job.job.templates), printer=submit)
        except Exception as exc:  # reported per job; the others go on
            finish(job, exc)
            continue
        if rest:
            finish(rest, outcome)
        if pdf and not isinstance(outcome["pdf"], cf.Future):  # failed before printing
            finish(pdf, outcome)
    meanwhile()
    for future in cf.as_completed(printing):
        pdf, printed = printing[future]
        outcome = _outcome(future)
        if isinstance(outcome, _WorkerDied):
            outcome = _print_alone(printed)
        finish(pdf, {"pdf": outcome} if isinstance(outcome, bytes) else outcome)


def _pdf_and_rest(job: DocumentJob) -> tuple[DocumentJob | None, DocumentJob | None]:
    pdf = [p for p in job.outputs if p.fmt == "pdf"]
    rest = [p for p in job.outputs if p.fmt != "pdf"]
    return (DocumentJob(pdf, job.job) if pdf else None), (DocumentJob(rest, job.job) if rest else None)


def _print_alone(printed: PrintJob) -> bytes | Exception:
    """Once more in a worker of its own, after the warmed worker died printing it."""
    pool = local_pool(1)
    try:
        outcome = _outcome(pool.submit(print_job, printed))
    finally:
        pool.shutdown()
    return RuntimeError(CRASHED) if isinstance(outcome, _WorkerDied) else outcome


JobOutcome = dict[str, bytes | Exception] | Exception  # per format, or the whole job failed
Finish = Callable[[DocumentJob, JobOutcome], None]
NOT_RENDERED = "没有生成（渲染任务没有给出这个格式）"


def _run_batch(pool: cf.Executor, batch: list[DocumentJob], finish: Finish,
               meanwhile: Callable[[], object]) -> list[DocumentJob]:
    """Runs a batch; returns the jobs left unfinished because a worker process died."""
    futures = {pool.submit(run_job, p.job): p for p in batch}
    meanwhile()
    crashed = []
    try:
        for future in cf.as_completed(futures):
            outcome = _outcome(future)
            if isinstance(outcome, _WorkerDied):
                crashed.append(futures[future])
            else:
                finish(futures[future], outcome)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        raise
    return crashed


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl+C ignored for the duration (in the main thread; elsewhere signals are not ours)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_now(pool: cf.Executor) -> None:
    """After Ctrl+C: the running jobs are dropped, not awaited. Nothing is lost, since only this
    process writes outputs; more Ctrl+C while the workers stop is ignored, so none is left behind."""
    with interrupts_deferred():
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()  # ProcessPoolExecutor has no public way to stop a running job
        pool.shutdown(wait=True, cancel_futures=True)


def _retry_alone(jobs: list[DocumentJob], workers: int, finish: Finish) -> None:
    """Once more, each job in a pool of its own (`workers` at a time): one that kills its worker
    again fails alone, and every other job is built."""
    waiting = list(jobs)
    running: dict[cf.Future, tuple[DocumentJob, cf.Executor]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                planned = waiting.pop(0)
                pool = local_pool(1)
                running[pool.submit(run_job, planned.job)] = (planned, pool)
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                planned, pool = running.pop(future)
                pool.shutdown()
                outcome = _outcome(future)
                finish(planned, RuntimeError(CRASHED) if isinstance(outcome, _WorkerDied) else outcome)
    except KeyboardInterrupt:
        for _, pool in running.values():
            stop_now(pool)
        raise
    finally:
        for _, pool in running.values():
            pool.shutdown(wait=False, cancel_futures=True)


CRASHED = "生成时工作进程意外退出（已在新进程中重试一次，仍然退出）；可能是内存不足或渲染程序崩溃"


def _batches(items: list[DocumentJob], size: int) -> list[list[DocumentJob]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _call(job: RenderJob) -> dict[str, bytes | Exception] | Exception:
    try:
        return run_job(job)
    except Exception as exc:  # reported per job; the others go on
        return exc


class _WorkerDied(Exception):
    """The job's worker process ended abruptly (killed, crashed): the job did not finish."""


def _outcome(future: cf.Future) -> dict[str, bytes | Exception] | Exception:
    try:
        return future.result()
    except cf.process.BrokenProcessPool as exc:
        return _WorkerDied(str(exc))
    except Exception as exc:
        return exc


def _finish(planned: PlannedJob, outcome: bytes | Exception, manifest: dict[str, dict], report: BuildReport,
            out: Path, progress: Progress | None, done: int, total: int) -> None:
    if not isinstance(outcome, Exception):
        try:
            write_atomic(planned.output, outcome)
        except OSError as exc:  # disk full, read-only folder…: the old file is untouched
            outcome = OSError(f"写入失败：{os_problem(exc)}（原有文件未改动）")
    if isinstance(outcome, Exception):
        report.failed[planned.output] = str(outcome) or type(outcome).__name__
    else:
        manifest[_key(planned.output, out)] = {"hash": planned.digest, "source": str(planned.document.path)}
        _drop_stale_copy(planned.output, manifest, out)
        report.built.append(planned.output)
    if progress:
        progress(str(planned.output.relative_to(out)), done, total)


def _remove_deleted(manifest: dict[str, dict], out: Path, planned: set[str]) -> list[Path]:
    """Outputs whose content file is gone are deleted, and said so."""
    removed = []
    for key, entry in list(manifest.items()):
        if key not in planned and not Path(entry["source"]).exists():
            target = out / key
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            with contextlib.suppress(OSError):
                target.parent.rmdir()  # only when empty
            del manifest[key]
            removed.append(target)
    return removed


def mark_stale(manifest: dict[str, dict], out: Path, report: BuildReport) -> dict[str, list[Path]]:
    """The earlier outputs of a document that failed validation are renamed 【未更新】<name>: kept
    (nothing the office had is lost), but no longer under the name of a current document, in
    build/ or wherever a copy is sent. Returns every such file of the failed documents."""
    failed = {str(document.path) for document in report.invalid}
    stale: dict[str, list[Path]] = {}
    for key, entry in list(manifest.items()):
        if entry.get("source") not in failed:
            continue
        if not entry.get("stale"):
            current = out / key
            marked = current.with_name(STALE + current.name)
            try:
                os.replace(current, marked)  # over an older 【未更新】 copy: this one is newer
            except FileNotFoundError:
                del manifest[key]
                continue
            except OSError as exc:
                report.failed[current] = f"无法标为{STALE}：{os_problem(exc)}（文档未通过校验，此文件是上次生成的）"
                continue
            del manifest[key]
            key = _key(marked, out)
            manifest[key] = {"source": entry["source"], "stale": True}
        if (out / key).exists():
            stale.setdefault(entry["source"], []).append(out / key)
        else:  # deleted by hand
            del manifest[key]
    return stale


def _drop_stale_copy(output: Path, manifest: dict[str, dict], out: Path) -> None:
    """Once an output is written again, its 【未更新】 copy has served its turn."""
    key = _key(output.with_name(STALE + output.name), out)
    if manifest.get(key, {}).get("stale"):
        with contextlib.suppress(FileNotFoundError):
            (out / key).unlink()
        del manifest[key]


def _write_manifest(out: Path, manifest: dict[str, dict]) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_atomic(out / MANIFEST, data)


def is_terminal() -> bool:
    return sys.stderr.isatty()
