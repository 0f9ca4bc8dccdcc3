"""Command line: parse arguments, call one function, map the outcome to an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, kinds
from .cli_text import Group, install
from .findings import summary, to_json

install()  # click's own messages in Chinese, before the options below are declared

CONTENT = Path("content")
SCHEMAS = Path("schemas")
OUTPUT_FORMATS = kinds.FORMATS
INTERRUPTED = "已中断：已完成的输出均已保存，未完成的没有留下半成品。"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group("reportgen", cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="reportgen %(version)s")
def main() -> None:
    """reportgen：由 YAML 数据生成部门整体预算绩效目标申报表与绩效自评报告。"""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式：text 供阅读，json 供程序处理。")
@click.option("--strict", is_flag=True, help="警告也视为失败（退出码 1）。")
def validate(paths: tuple[Path, ...], output_format: str, strict: bool) -> None:
    """校验内容文件（默认 content/ 下全部），逐行列出错误与警告。

    退出码：0 无错误；1 有错误（或 --strict 时有警告）；2 用法错误。
    """
    from .documents import validate as run_validation

    result = run_validation(paths or (CONTENT,))
    if result.unknown:
        names = "、".join(str(p) for p in result.unknown)
        known = "、".join((*kinds.document_files(), "department.yaml"))
        raise click.UsageError(f"不是 reportgen 内容文件（应为 {known} 或 settings.yaml）：{names}")
    if not result.documents and not result.departments and not result.settings:
        raise click.UsageError("没有找到内容文件")
    findings = result.findings
    if output_format == "json":
        click.echo(to_json(findings))
    else:
        for finding in findings:
            click.echo(finding.format())
        count = len(result.documents) + len(result.departments) + len(result.settings)
        click.echo(f"已校验 {count} 个文件：{summary(findings)}", err=bool(findings))
    failed = any(f.is_error for f in findings) or (strict and any(f.is_warning for f in findings))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), metavar="文件夹",
              show_default=True, help="JSON Schema 输出文件夹。")
def schema(out: Path) -> None:
    """生成内容文件的 JSON Schema，供编辑器补全和检查键名。"""
    from .schema import write_schemas

    for path in write_schemas(out):
        click.echo(f"已写入 {path}")


@main.command()
@click.argument("department")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--name", metavar="名称", help="新建部门时的部门全称（写入 department.yaml 的“部门名称”）；"
                                            "新建项目时的项目名称。")
@click.option("--project", metavar="项目文件夹",
              help="生成部门的一个项目的表（content/部门/年度/projects/项目文件夹/）：有上一年度的项目表时沿用，"
                   "否则用 --name 给出项目名称，生成项目支出绩效目标申报表骨架。")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), default=CONTENT, metavar="文件夹",
              show_default=True, help="内容文件夹。")
def new(department: str, year: int, name: str | None, project: str | None, content: Path) -> None:
    """新建 DEPARTMENT 部门 YEAR 年度的内容文件。

    已有部门：按 YEAR-1 年的申报表和/或自评报告生成 YEAR 年的文件，沿用名称等稳定内容，
    数字和当年文字写成“待填写”（validate 会逐项列出，填好后即可通过）。

    新部门：加 --name 部门全称，生成带注释的 department.yaml 和 YEAR 年的 declaration.yaml。

    项目：加 --project 项目文件夹（新项目另加 --name 项目名称），生成该项目 YEAR 年的项目表。

    不会覆盖已有文件。退出码：0 已生成；1 未生成（原因见提示）。
    """
    from .scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(content, department, year, name=name, schemas=SCHEMAS, project=project)
    except ScaffoldError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"已写入 {path}")
    click.echo(f"请把其中的“待填写”改为实际内容，再运行 reportgen validate {content / department} 检查。")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(OUTPUT_FORMATS), required=True,
              help="输出格式：html、pdf、docx，或 xlsx（申报表的绩效指标表、自评报告的自评表）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="输出文件（默认与内容文件同名，换扩展名，写在当前文件夹）。")
def render(file: Path, fmt: str, output: Path | None) -> None:
    """生成单个文档（html、pdf、docx 或 xlsx）。文档有错误时不生成，并列出错误。"""
    from .build import write_atomic
    from .documents import Loader
    from .render.formats import SUFFIX, RenderError, render_document

    kind = kinds.of_file(file)
    if kind is None:
        raise click.UsageError(f"只能生成这些文书的内容文件：{'、'.join(kinds.document_files())}")
    if fmt not in kind.outputs:
        raise click.UsageError(f"{kind.title}没有 {fmt} 格式；可用：{'、'.join(kind.outputs)}")
    document = Loader().load_document(file)
    for finding in sorted(document.findings, key=lambda f: f.sort_key()):
        click.echo(finding.format(), err=True)
    if not document.ok:
        click.echo(f"未生成：{summary(document.findings)}", err=True)
        sys.exit(1)
    target = output or Path(file.stem).with_suffix(SUFFIX[fmt])
    if target.resolve() in {path.resolve() for path in document.input_paths}:
        raise click.UsageError(f"输出文件 {target} 是本文档的内容文件，不能用生成的文书覆盖；请用 -o 另指一个文件")
    try:
        data = render_document(document, fmt)
        write_atomic(target, data)
    except RenderError as exc:
        click.echo(f"生成失败：{exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo(f"已中断：没有写入 {target}（原有文件未改动）。", err=True)
        sys.exit(130)
    except OSError as exc:
        from .build import os_problem

        click.echo(f"写入 {target} 失败：{os_problem(exc)}（原有文件未改动）", err=True)
        sys.exit(1)
    click.echo(f"已写入 {target}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="个数", help="并行进程数（默认每个 CPU 核一个）。")
@click.option("--to", "formats", default=",".join(OUTPUT_FORMATS), show_default=True, metavar="格式",
              help="要生成的格式，逗号分隔。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), metavar="文件夹",
              show_default=True, help="输出文件夹。")
@click.option("--force", is_flag=True, help="忽略清单，全部重新生成。")
@click.option("--executor", metavar="dask://主机:端口", help="把任务交给已有的 Dask 集群执行。")
def build(paths: tuple[Path, ...], jobs: int | None, formats: str, out: Path, force: bool,
          executor: str | None) -> None:
    """校验全部文档，并把通过校验的文档生成到输出文件夹（只重建有变化的部分）。

    退出码：0 全部成功；1 有文档校验未通过或生成失败。
    """
    from .build import BuildError, interrupt_on_stop_signals, os_problem
    from .build import build as run_build
    from .progress import reporter

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in OUTPUT_FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"未知格式：{'、'.join(unknown) or '（空）'}；可用 {'、'.join(OUTPUT_FORMATS)}", param_hint="--to")
    try:
        with interrupt_on_stop_signals(), reporter() as progress:
            report = run_build(list(paths or (CONTENT,)), out, formats=chosen, jobs=jobs, force=force,
                               executor=executor, progress=progress)
    except BuildError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except (RuntimeError, ValueError) as exc:
        click.echo(f"构建失败：{exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"构建失败：{exc.filename or ''}{os_problem(exc)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:  # outside the rendering (which reports it below): nothing half-written
        _ignore_further_interrupts()
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    if report.interrupted:
        _ignore_further_interrupts()
    for line in report.fonts:
        click.echo(f"字体：{line}")
    for finding in report.findings:  # errors here; warnings are listed in index.html and by validate
        if finding.is_error:
            click.echo(finding.format(), err=True)
    warnings = sum(f.is_warning for f in report.findings)
    if warnings:
        click.echo(f"另有 {warnings} 个警告，见 {out / 'index.html'}，或运行 reportgen validate 逐条查看", err=True)
    for document in report.invalid:
        click.echo(f"未生成 {document.path}：{summary(document.findings)}", err=True)
        for stale in report.stale.get(str(document.path), []):
            click.echo(f"  上次生成的输出已改名为 {stale}，以免被当作当前的文书", err=True)
    for output, message in report.failed.items():
        click.echo(f"生成失败 {output}：{message}", err=True)
    for removed in report.removed:
        click.echo(f"已删除 {removed}（内容文件已不存在）")
    if report.interrupted:
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _ignore_further_interrupts() -> None:
    """The build has stopped; another Ctrl+C would only cut its report short."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听地址。默认只有本机能访问；改为 0.0.0.0 会让同一网络中的其他电脑也能看到草稿。")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="端口",
              help="端口（0 表示任选一个空闲端口）。")
@click.option("--allow-host", "allow", multiple=True, metavar="名称",
              help="监听本机以外的地址时，允许用这个名称（如本机的局域网名称或 IP）打开预览；可重复。"
                   "其他名称的请求一律拒绝，以防其他网站借用指向本机的名称读取草稿。")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开目录页。")
def serve(host: str, port: int, allow: tuple[str, ...], open_browser: bool) -> None:
    """在浏览器中预览 content/ 下的文档草稿。

    保存 YAML 或模板后，打开的页面自动更新；有错误时页面直接显示出错的行。每份文档可下载 PDF 和 Word。

    按 Ctrl+C 停止。
    """
    from .serve import serve as run_preview

    if not CONTENT.is_dir():
        raise click.UsageError(f"当前文件夹下没有 {CONTENT}/ 文件夹，请在项目根目录运行")
    try:
        run_preview(CONTENT, host=host, port=port, allow=allow, open_browser=open_browser, log=click.echo)
    except OSError as exc:
        click.echo(f"无法在 {host}:{port} 启动预览：{_bind_problem(exc, port)}", err=True)
        sys.exit(1)


def _bind_problem(exc: OSError, port: int) -> str:
    import errno
    import socket

    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用，请用 --port 换一个端口"
    if exc.errno == errno.EACCES:
        return f"没有权限使用端口 {port}，请用 --port 换一个大于 1024 的端口"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return "本机没有这个地址，请检查 --host"
    return str(exc.strerror or exc)
