"""Command line: parse arguments, call one function, map the outcome to an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .findings import summary, to_json

CONTENT = Path("content")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
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
        raise click.UsageError(f"不是 reportgen 内容文件（应为 declaration.yaml、self-evaluation.yaml 或 department.yaml）：{names}")
    if not result.documents and not result.departments:
        raise click.UsageError("没有找到内容文件")
    findings = result.findings
    if output_format == "json":
        click.echo(to_json(findings))
    else:
        for finding in findings:
            click.echo(finding.format())
        count = len(result.documents) + len(result.departments)
        click.echo(f"已校验 {count} 个文件：{summary(findings)}", err=bool(findings))
    failed = any(f.is_error for f in findings) or (strict and any(f.is_warning for f in findings))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"),
              show_default=True, help="JSON Schema 输出文件夹。")
def schema(out: Path) -> None:
    """生成内容文件的 JSON Schema，供编辑器补全和检查键名。"""
    from .schema import write_schemas

    for path in write_schemas(out):
        click.echo(f"已写入 {path}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(["html", "pdf", "docx"]), required=True, help="输出格式。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件（默认与内容文件同名，换扩展名，写在当前文件夹）。")
def render(file: Path, fmt: str, output: Path | None) -> None:
    """生成单个文档（html、pdf 或 docx）。文档有错误时不生成，并列出错误。"""
    from .build import write_atomic
    from .documents import Loader
    from .render.formats import SUFFIX, RenderError, render_document

    if file.name not in ("declaration.yaml", "self-evaluation.yaml"):
        raise click.UsageError("只能生成 declaration.yaml 或 self-evaluation.yaml")
    document = Loader().load_document(file)
    for finding in sorted(document.findings, key=lambda f: f.sort_key()):
        click.echo(finding.format(), err=True)
    if not document.ok:
        click.echo(f"未生成：{summary(document.findings)}", err=True)
        sys.exit(1)
    try:
        data = render_document(document, fmt)
    except RenderError as exc:
        click.echo(f"生成失败：{exc}", err=True)
        sys.exit(1)
    target = output or Path(file.stem).with_suffix(SUFFIX[fmt])
    write_atomic(target, data)
    click.echo(f"已写入 {target}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行进程数（默认每个 CPU 核一个）。")
@click.option("--to", "formats", default="html,pdf,docx", show_default=True,
              help="要生成的格式，逗号分隔。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="输出文件夹。")
@click.option("--force", is_flag=True, help="忽略清单，全部重新生成。")
@click.option("--executor", metavar="dask://主机:端口", help="把任务交给已有的 Dask 集群执行。")
def build(paths: tuple[Path, ...], jobs: int | None, formats: str, out: Path, force: bool,
          executor: str | None) -> None:
    """校验全部文档，并把通过校验的文档生成到输出文件夹（只重建有变化的部分）。

    退出码：0 全部成功；1 有文档校验未通过或生成失败。
    """
    from .build import BuildLocked
    from .build import build as run_build
    from .progress import reporter

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("html", "pdf", "docx")]
    if unknown or not chosen:
        raise click.BadParameter(f"未知格式：{'、'.join(unknown) or '（空）'}；可用 html、pdf、docx", param_hint="--to")
    try:
        with reporter() as progress:
            report = run_build(list(paths or (CONTENT,)), out, formats=chosen, jobs=jobs, force=force,
                               executor=executor, progress=progress)
    except BuildLocked as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except (RuntimeError, ValueError) as exc:
        click.echo(f"构建失败：{exc}", err=True)
        sys.exit(1)
    for finding in report.findings:
        click.echo(finding.format(), err=True)
    for document in report.invalid:
        click.echo(f"未生成 {document.path}：{summary(document.findings)}", err=True)
    for output, message in report.failed.items():
        click.echo(f"生成失败 {output}：{message}", err=True)
    for removed in report.removed:
        click.echo(f"已删除 {removed}（内容文件已不存在）")
    if report.interrupted:
        click.echo("已中断：已完成的输出均已保存，未完成的没有留下半成品。", err=True)
        sys.exit(130)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)
