"""Benchmark: where a document's time goes, stage by stage, and its fixed and per-page costs.

For each document kind and format, in a warmed process of its own, the time of each stage:

- load+check: YAML read, model, cross-field checks (a fresh loader each round);
- context: model → the data every format renders from;
- html: the HTML template;
- glyphs: the check that every character has a font;
- layout: WeasyPrint's layout of the pages;
- justify: the inter-character justification of full lines (render/justify.py);
- draw: the pages drawn into PDF operators;
- subset: the fonts subset to the glyphs drawn (HarfBuzz);
- deflate: the streams compressed (zlib);
- pdf rest: the rest of writing (PDF objects, metadata, serialization);
- docx, xlsx: the Word and Excel writers, from the same context.

Each seed document is also rendered at 2× and 3× its size (its lists of indicators, tasks and
narrative items repeated), so that time = fixed + per-page × pages can be fitted per kind: the
fixed per-document cost apart from the cost of each page.

    python bench/stages.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import yaml

from reportgen import kinds
from reportgen.documents import Loader
from reportgen.render.fonts import ensure_cjk_fonts, ensure_glyphs
from reportgen.render.formats import content_sources
from reportgen.render.html import document_context, render_html
from reportgen.render.pdf import collector_paused, lay_out, render_pdf

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
STAGES = ("load+check", "context", "html", "glyphs", "layout", "justify", "draw", "subset", "deflate",
          "pdf rest", "docx", "xlsx")
PDF_STAGES = ("glyphs", "layout", "justify", "draw", "subset", "deflate", "pdf rest")
WRITE_PARTS = ("draw", "subset", "deflate")
SCALES = (1, 2, 3)


def repeat_lists(data: object, factor: int, keys: set[str]) -> object:
    """`data` with every list under one of `keys` repeated `factor` times."""
    if isinstance(data, dict):
        return {key: (value * factor if key in keys and isinstance(value, list) else
                      repeat_lists(value, factor, keys)) for key, value in data.items()}
    if isinstance(data, list):
        return [repeat_lists(item, factor, keys) for item in data]
    return data


# Lists whose length makes a document longer without changing its figures or its score.
GROWING = {
    "declaration": {"年度重点工作任务", "数量指标", "质量指标", "时效指标", "社会效益指标", "可持续影响指标"},
    "self-evaluation": {"条目", "重点工作", "主要成效", "存在的主要问题", "下一步改进措施"},
}


# The sample projects state no indicators (the seeds publish none): a project form grows by its
# indicator table, 8 rows per factor, so that its cost per page can be fitted.
PROJECT_ROWS = 8


def project_indicators(kind: str, rows: int) -> dict:
    items = [{"三级指标": f"完成项目内容第{k}项", "年度指标值": f"≥{k}个",
              **({"实际完成值": f"{k}个"} if kind == "project-self-evaluation" else {})} for k in range(1, rows + 1)]
    return {"产出指标": {"数量指标": items}, "效益指标": {"社会效益指标": items[:1]},
            "满意度指标": {"服务对象满意度指标": items[:1]}}


def scaled_tree(folder: Path, factor: int) -> list[Path]:
    """A copy of content/ with each document's growing lists repeated `factor` times (one project
    of each kind, its indicator table grown)."""
    target = folder / f"x{factor}"
    shutil.copytree(CONTENT, target)
    documents = []
    projects: set[str] = set()
    for path in sorted(target.rglob("*.yaml")):
        kind = path.name.removesuffix(".yaml")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if kind in GROWING:
            grown = repeat_lists(copy.deepcopy(data), factor, GROWING[kind])
        elif kind.startswith("project-") and kind not in projects:
            projects.add(kind)
            grown = {**data, "绩效指标": project_indicators(kind, PROJECT_ROWS * factor)}
        else:
            continue
        path.write_text(yaml.safe_dump(grown, allow_unicode=True, sort_keys=False), encoding="utf-8")
        documents.append(path)
    return documents


class Clock:
    """Seconds spent in the functions `inside` wraps, by name, since the last `reset`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def reset(self) -> None:
        self.seconds = {}

    def wrap(self, name: str, function: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


@contextlib.contextmanager
def inside(clock: Clock) -> Iterator[None]:
    """The justification pass, page drawing, font subsetting and compression timed by `clock`."""
    import pydyf
    from weasyprint.document import Page
    from weasyprint.pdf import fonts

    from reportgen.render import pdf

    pdf.tune_pdf_writer()  # the writer as render_pdf uses it, before its parts are wrapped
    deflate = pydyf.zlib

    class Deflate:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.compressor = deflate.compressobj(*args, **kwargs)
            self.compress = clock.wrap("deflate", self.compressor.compress)
            self.flush = clock.wrap("deflate", self.compressor.flush)

    saved = (pdf.justify_lines, Page.paint, fonts.Font.clean)
    pdf.justify_lines = clock.wrap("justify", pdf.justify_lines)
    Page.paint = clock.wrap("draw", Page.paint)
    fonts.Font.clean = clock.wrap("subset", fonts.Font.clean)
    pydyf.zlib = SimpleNamespace(compress=clock.wrap("deflate", deflate.compress), compressobj=Deflate)
    try:
        yield
    finally:
        pdf.justify_lines, Page.paint, fonts.Font.clean = saved
        pydyf.zlib = deflate


def measure(path: Path, rounds: int) -> tuple[int, dict[str, float]]:
    """Pages and the median seconds of each stage for one document."""
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    clock = Clock()

    def run(stage: str, action: Callable[..., object], *args: object) -> object:
        started = time.perf_counter()
        result = action(*args)
        times[stage].append(time.perf_counter() - started)
        return result

    def check_glyphs(page: str, document: object) -> None:
        ensure_cjk_fonts()
        ensure_glyphs(page, content_sources(document))

    pages = 0
    for _ in range(rounds):
        document = run("load+check", Loader().load_document, path)
        context = run("context", document_context, document)
        page = run("html", render_html, context)
        run("glyphs", check_glyphs, page, document)
        with collector_paused(), inside(clock):
            clock.reset()
            laid_out = run("layout", lay_out, page)
            times["layout"][-1] -= clock.seconds.get("justify", 0.0)
            run("pdf rest", laid_out.write_pdf)
            times["pdf rest"][-1] -= sum(clock.seconds.get(part, 0.0) for part in WRITE_PARTS)
            for part in ("justify", *WRITE_PARTS):
                times[part].append(clock.seconds.get(part, 0.0))
        pages = len(laid_out.pages)
        writers = document.kind_row.writers
        run("docx", kinds.resolve(writers["docx"]), context, ROOT / "templates")
        run("xlsx", kinds.resolve(writers["xlsx"]), context, ROOT / "templates")
    return pages, {stage: statistics.median(values) for stage, values in times.items()}


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: seconds = fixed + per_page × pages."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return mean_y - slope * mean_x, slope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="reportgen-stages-"))
    try:
        trees = {factor: scaled_tree(folder, factor) for factor in SCALES}
        warm = Loader().load_document(trees[1][0])
        render_pdf(render_html(document_context(warm)))  # imports done, fonts opened

        print(f"各阶段用时（毫秒，{args.rounds} 轮中位数；同一进程，预热后）")
        header = f"{'文档':<28}{'页':>4}" + "".join(f"{stage:>11}" for stage in STAGES) + f"{'PDF/页':>9}"
        print(header)
        pdf_points: dict[str, list[tuple[int, float]]] = {}
        docx_points: dict[str, list[tuple[int, float]]] = {}
        part_points: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for factor, documents in trees.items():
            for path in documents:
                pages, stage = measure(path, args.rounds)
                kind = path.name.removesuffix(".yaml")
                pdf = sum(stage[s] for s in PDF_STAGES)
                for s in PDF_STAGES:
                    part_points.setdefault((kind, s), []).append((pages, stage[s]))
                pdf_points.setdefault(kind, []).append((pages, pdf))
                docx_points.setdefault(kind, []).append((pages, stage["docx"]))
                name = f"{path.parent.parent.name[:12]}/{path.parent.name}/{kind[:16]} ×{factor}"
                print(f"{name:<30}{pages:>4}" + "".join(f"{stage[s] * 1000:>11.1f}" for s in STAGES)
                      + f"{pdf / pages * 1000:>9.1f}")

        print("\n按 PDF 页数拟合：用时 = 固定 + 每页 × 页数（PDF = 缺字检查 + 排版 + 两端对齐 + 绘制 + 字体子集"
              " + 压缩 + 其余写出）")
        for kind in pdf_points:
            fixed, per_page = fit(pdf_points[kind])
            word_fixed, word_per_page = fit(docx_points[kind])
            print(f"  {kind:<24} PDF 固定 {fixed * 1000:7.1f} 毫秒，每页 {per_page * 1000:6.1f} 毫秒；"
                  f"Word 固定 {word_fixed * 1000:6.1f} 毫秒，每页 {word_per_page * 1000:5.1f} 毫秒")
            parts = (fit(part_points[kind, s]) for s in PDF_STAGES)
            print(f"  {'':<16} 其中（固定/每页，毫秒）" + "，".join(
                f"{s} {part_fixed * 1000:.0f}/{part_per_page * 1000:.1f}"
                for s, (part_fixed, part_per_page) in zip(PDF_STAGES, parts, strict=True)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
