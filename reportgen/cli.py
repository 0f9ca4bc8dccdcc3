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
