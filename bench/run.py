"""Benchmark: build a synthetic corpus of N departments and compare with LibreOffice.

Prints every figure and the ratios the batch-build issue names, measured in one run (this
machine is shared and noisy: only ratios of the same run are compared).

    python bench/run.py [--departments 100] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from reportgen.render.formats import FORMATS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content"
DISTRICTS = ["番禺", "天河", "海珠", "白云", "黄埔", "花都", "南沙", "从化", "增城", "越秀"]
NUMBER_LINE = re.compile(r"^(?P<head>\s*(?:- )?(?P<key>[^:#\n]+):\s*)(?P<number>-?\d+(?:\.\d+)?)(?P<tail>\s*(?:#.*)?)$", re.M)
UNSCALED_KEYS = {"年度"}


def vary(text: str, index: int, *, scale_figures: bool) -> str:
    """Seed text with another district's name; a declaration's figures times an integer.

    The declarations' seeds add up exactly, so their sums stay exact; the self-evaluation's seed
    carries 0.01 rounding gaps that a factor would multiply past the tolerance, so its figures stay.
    """
    factor = 1 + index % 4 if scale_figures else 1
    district = DISTRICTS[index % len(DISTRICTS)]

    def scale(match: re.Match) -> str:
        if match["key"].strip() in UNSCALED_KEYS:
            return match[0]
        from decimal import Decimal

        return f"{match['head']}{Decimal(match['number']) * factor}{match['tail']}"

    text = NUMBER_LINE.sub(scale, text)
    text = text.replace("番禺", district).replace("荔湾", district)
    return text.replace("融媒体中心", f"融媒体中心（{index:03d}）").replace("委员会宣传部", f"委员会宣传部（{index:03d}）")


def make_corpus(folder: Path, departments: int) -> None:
    panyu, liwan = SEED / "panyu-media-center", SEED / "liwan-publicity-department"
    for i in range(departments):
        target = folder / "content" / f"dept-{i:03d}"
        declaration = (panyu / "2023" / "declaration.yaml") if i % 2 == 0 else (liwan / "2024" / "declaration.yaml")
        files = {
            "department.yaml": panyu / "department.yaml",
            "2023/declaration.yaml": declaration,
            "2022/self-evaluation.yaml": panyu / "2022" / "self-evaluation.yaml",
        }
        for name, seed in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            text = vary(seed.read_text(encoding="utf-8"), i, scale_figures=name.endswith("declaration.yaml"))
            if name.endswith("declaration.yaml"):
                text = re.sub(r"^年度: \d+", "年度: 2023", text, flags=re.M)
                text = text.replace("部门名称: 中国共产党广州市" + DISTRICTS[i % len(DISTRICTS)] + "区委员会宣传部（" + f"{i:03d}）",
                                    "部门名称: 广州市" + DISTRICTS[i % len(DISTRICTS)] + f"区融媒体中心（{i:03d}）")
            path.write_text(text, encoding="utf-8")
        for name, seed in project_files(panyu, with_declarations=i % 2 == 0).items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(vary(seed.read_text(encoding="utf-8"), i, scale_figures=False), encoding="utf-8")
    shutil.copytree(ROOT / "templates", folder / "templates")


def project_files(seed: Path, *, with_declarations: bool) -> dict[str, Path]:
    """The seed department's projects: five self-evaluations (2022) for every department, and its
    five declarations (2023) for those whose 2023 declaration is the same seed's (their funds
    belong to its 项目支出)."""
    found = sorted(seed.glob("2022/projects/*/project-self-evaluation.yaml"))
    if with_declarations:
        found += sorted(seed.glob("2023/projects/*/project-declaration.yaml"))
    return {path.relative_to(seed).as_posix(): path for path in found}


def project_count(departments: int) -> int:
    return sum(len(project_files(SEED / "panyu-media-center", with_declarations=i % 2 == 0))
               for i in range(departments))


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - started, result


class WorkerMemory(threading.Thread):
    """Samples the peak resident size (VmHWM) of every process below `root`, the build's workers."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kb = 0
        self.peak_private_kb = 0  # the worker's own pages: not the font files it maps, not shared
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in self.descendants():
                self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmHWM"))
                self.peak_private_kb = max(self.peak_private_kb, _private_kb(pid))
            time.sleep(0.05)

    def descendants(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        found, frontier = [], [self.root]
        while frontier:
            children = [pid for pid, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _private_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in lines if line.startswith(("Private_Clean:", "Private_Dirty:")))


def timed_build(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess, float]:
    """Like timed(), also returning the peak memory of the busiest worker in MB: resident (VmHWM,
    with the font files it maps) and private."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = WorkerMemory(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.running = False
    sampler.join()
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return time.perf_counter() - started, result, (sampler.peak_kb / 1024, sampler.peak_private_kb / 1024)


REBUILDS = 5  # one change, rebuilt: the median of this many (a single run varies by ±0.1 s here)


def rebuild_after_one_change(env_build: list[str], folder: Path, round_: int) -> float:
    """Seconds of a build after one sentence of the seed self-evaluation changed (a report: the
    longest PDF); each round changes it back or forth."""
    changed = folder / "content" / "dept-000" / "2022" / "self-evaluation.yaml"
    old, new = ("中心根据年初", "本中心根据年初") if round_ % 2 == 0 else ("本中心根据年初", "中心根据年初")
    changed.write_text(changed.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    seconds, result = timed(env_build, folder)
    assert re.search(rf"(?<!\d){len(FORMATS)} 个已生成", result.stdout), result.stdout
    return seconds


def dask_build(reportgen: list[str], folder: Path, jobs: int) -> tuple[float, list[str]]:
    """Seconds of the same build through a Dask cluster of `jobs` worker processes on this
    machine, and the documents whose bytes differ from the local build's (none expected; the
    index page, which counts what each build did and its time, is not compared)."""
    import distributed

    with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        seconds, result = timed([*reportgen, "build", "--executor", address, "--out", "build-dask"], folder)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    local, remote = folder / "build", folder / "build-dask"
    def documents(root: Path) -> list[Path]:
        return [path for path in root.rglob("*")
                if path.is_file() and path.parent != root and not path.name.startswith(".")]

    outputs = documents(local)
    assert outputs and len(outputs) == len(documents(remote))
    differing = [str(path.relative_to(local)) for path in outputs
                 if (remote / path.relative_to(local)).read_bytes() != path.read_bytes()]
    return seconds, differing


def libreoffice_seconds(soffice: str, groups: list[list[Path]], folder: Path) -> float:
    """Wall seconds of LibreOffice converting each group of .docx to PDF, the groups at the same
    time, each in a process (and user profile) of its own."""
    started = time.perf_counter()
    processes = [subprocess.Popen([soffice, f"-env:UserInstallation=file://{folder / f'profile-{i}'}", "--headless",
                                   "--convert-to", "pdf", "--outdir", str(folder / "out"), *map(str, group)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for i, group in enumerate(groups)]
    for process in processes:
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr[-2000:]
    seconds = time.perf_counter() - started
    converted = len(list((folder / "out").glob("*.pdf")))
    assert converted == sum(map(len, groups)), f"LibreOffice converted {converted} files"
    return seconds


def per_format_times(folder: Path, sample: int) -> dict[str, float]:
    """Seconds per document and format, rendered in this process (after a warm-up)."""
    sys.path.insert(0, str(ROOT))
    from reportgen.documents import Loader
    from reportgen.render.formats import render_document

    documents = sorted((folder / "content").rglob("*.yaml"))
    documents = [d for d in documents if d.name != "department.yaml" and "projects" not in d.parts][:sample]
    loaded = [Loader().load_document(d) for d in documents]
    render_document(loaded[0], "pdf")  # warm-up: imports and font loading
    figures = {}
    for fmt in ("html", "pdf", "docx"):
        started = time.perf_counter()
        for document in loaded:
            render_document(document, fmt, templates=folder / "templates")
        figures[fmt] = (time.perf_counter() - started) / len(loaded)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    reportgen = [sys.executable, "-m", "reportgen"]
    projects = project_count(args.departments)
    print(f"语料：{args.departments} 个部门（{args.departments * 2} 个部门文书，{projects} 个项目表），工作进程 {args.jobs} 个")
    make_corpus(folder, args.departments)
    env_build = [*reportgen, "build", "--jobs", str(args.jobs)]

    validate_s, result = timed([*reportgen, "validate"], folder)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    full_s, result, peak_mb = timed_build(env_build, folder)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    print(f"  {result.stdout.strip().splitlines()[-1]}")

    noop_s, result = timed(env_build, folder)
    assert re.search(r"(?<!\d)0 个已生成", result.stdout), result.stdout  # not "760 个已生成"
    one_runs = [rebuild_after_one_change(env_build, folder, round_) for round_ in range(REBUILDS)]
    one_s = statistics.median(one_runs)

    dask_s, dask_differing = dask_build(reportgen, folder, args.jobs)

    docx = sorted((folder / "build").rglob("*.docx"))
    staging = folder / "lo-in"
    staging.mkdir(exist_ok=True)
    for i, path in enumerate(docx):
        shutil.copy(path, staging / f"{i:04d}.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    lo_s = lo_parallel_s = None
    if soffice:
        files = sorted(staging.glob("*.docx"))
        lo_s = libreoffice_seconds(soffice, [files], folder / "lo-one")
        lo_parallel_s = libreoffice_seconds(soffice, [files[i::args.jobs] for i in range(args.jobs)],
                                            folder / "lo-parallel")

    per_format = per_format_times(folder, sample=10)
    n_docs = args.departments * 2 + projects
    print("\n结果")
    print(f"  完整构建（{n_docs} 个文档 × {len(FORMATS)} 种格式）  {full_s:8.2f} 秒")
    for fmt, seconds in per_format.items():
        print(f"  单文档 {fmt:<4}（进程内，取 10 个平均）     {seconds:8.3f} 秒")
    print(f"  无变化重建                            {noop_s:8.2f} 秒   （目标 ≤ 1 秒）")
    print(f"  改动一个文件后重建（{REBUILDS} 次中位数）        {one_s:8.2f} 秒   （目标 ≤ 1.5 秒；"
          f"各次 {'、'.join(f'{s:.2f}' for s in one_runs)}）")
    print(f"  校验全部语料（validate）              {validate_s:8.2f} 秒   （目标 ≤ 2 秒）")
    print(f"  同一语料交给 Dask 集群（本机 {args.jobs} 个工作进程）{dask_s:8.2f} 秒   "
          f"（输出与本地构建{'逐字节相同' if not dask_differing else '不同：' + '、'.join(dask_differing[:5])}）")
    print(f"  单个工作进程峰值内存                  {peak_mb[0]:8.0f} MB  （目标 ≤ 250 MB；VmHWM，含映射的字体文件）")
    print(f"    其中私有内存峰值                    {peak_mb[1]:8.0f} MB  （不含与其他进程共享的页）")
    if lo_s is not None and lo_parallel_s is not None:
        print(f"  LibreOffice 转换 {len(docx)} 个 .docx 为 PDF  {lo_s:8.2f} 秒（一个进程，每个 {lo_s / len(docx):.3f} 秒）")
        print(f"    {args.jobs} 个进程同时转换（各转一部分）      {lo_parallel_s:8.2f} 秒")
        print(f"\n比值：完整构建 ÷ LibreOffice 转换 = {full_s / lo_s:.2f}（目标 ≤ 0.8；LibreOffice 一个进程）")
        print(f"      完整构建 ÷ LibreOffice {args.jobs} 个进程转换 = {full_s / lo_parallel_s:.2f}（同样的核数）")
    else:
        print("\n未找到 LibreOffice（soffice），无法计算比值")
    print(f"语料与输出：{folder}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
