"""Benchmark: the seed self-evaluation's PDF, laid out and written in this process.

Run in a process of its own, so that nothing measured before it (a corpus build, loaded
documents) weighs on it. After one warm-up, each round renders, in turn:

- reportgen: `render_pdf`, what `render` and `build` call (glyph check, layout, write);
- the same, split into layout and write, and the same pages written by WeasyPrint's own writer
  (whole font files read, level 9 compression; see render/pdf_write.py);
- WeasyPrint's defaults on the same HTML (a font configuration per document, the garbage
  collector running, its own writer): what reportgen's settings gain, as a ratio of the same run;
- the same text as plain paragraphs in one font, no tables: what the tables and faces cost.

Target: the seed report's PDF in under 0.4 s.

    python bench/pdf.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import html as markup
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from weasyprint import HTML

from reportgen.documents import Loader
from reportgen.render.formats import render_document
from reportgen.render.pdf import collector_paused, lay_out, render_pdf
from reportgen.render.pdf_write import weasyprint_own_writer
from reportgen.render.templates import TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "panyu-media-center" / "2022" / "self-evaluation.yaml"
TARGET_S = 0.4


def plain_paragraphs(page: str) -> str:
    """The text of `page` as paragraphs of 三号 Noto Serif CJK SC on the same type area."""
    text = re.sub(r"<[^>]+>", "\n", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
    paragraphs = "".join(f"<p>{markup.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return ("<style>@page { size: A4; margin: 37mm 26mm 35mm 28mm } body { font: 16pt/28.95pt 'Noto Serif CJK SC' }"
            f" p {{ margin: 0; text-indent: 2em }}</style>{paragraphs}")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    page = render_document(Loader().load_document(SEED), "html").decode("utf-8")
    plain = plain_paragraphs(page)
    base_url = str(TEMPLATES) + "/"
    pages = len(lay_out(page).pages)
    render_pdf(page)  # warm-up: fonts opened, imports done
    HTML(string=plain).write_pdf()

    figures: dict[str, list[float]] = {name: [] for name in ("reportgen", "layout", "write", "own writer",
                                                            "defaults", "plain")}
    for _ in range(args.rounds):
        figures["reportgen"].append(timed(lambda: render_pdf(page)))
        with collector_paused():
            started = time.perf_counter()
            laid_out = lay_out(page)
            figures["layout"].append(time.perf_counter() - started)
            figures["write"].append(timed(laid_out.write_pdf))
            with weasyprint_own_writer():  # fresh pages: a document keeps the fonts it wrote
                figures["own writer"].append(timed(lay_out(page).write_pdf))
        with weasyprint_own_writer():
            figures["defaults"].append(timed(lambda: HTML(string=page, base_url=base_url).write_pdf()))
        figures["plain"].append(timed(lambda: HTML(string=plain).write_pdf()))

    best = {name: min(values) for name, values in figures.items()}
    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"种子自评报告 PDF（{pages} 页），进程内，{args.rounds} 轮，单位：秒（最快 / 中位数）")
    print(f"  reportgen render_pdf               {best['reportgen']:.3f} / {median['reportgen']:.3f}"
          f"   （目标 < {TARGET_S:.1f}）")
    print(f"    其中排版 {median['layout']:.3f}，写出 {median['write']:.3f}（中位数）；"
          f"同样的页面用 WeasyPrint 自带的写出 {median['own writer']:.3f}，"
          f"比值 {median['write'] / median['own writer']:.2f}")
    print(f"  WeasyPrint 默认设置                {best['defaults']:.3f} / {median['defaults']:.3f}")
    print(f"  同样文字排成无表格的纯段落         {best['plain']:.3f} / {median['plain']:.3f}")
    print(f"比值（中位数）：reportgen ÷ 默认设置 = {median['reportgen'] / median['defaults']:.2f}，"
          f"reportgen ÷ 纯段落 = {median['reportgen'] / median['plain']:.2f}")
    verdict = "达到" if median["reportgen"] < TARGET_S else "未达到"
    print(f"目标 < {TARGET_S:.1f} 秒（按中位数）：{verdict}")


if __name__ == "__main__":
    main()
