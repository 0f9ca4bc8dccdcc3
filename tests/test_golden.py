"""Golden pages: chosen pages rendered to PNG and compared with the approved images in tests/golden/.

A page differs when more than TOLERANCE of its pixels differ after a small blur (which forgives
anti-aliasing and sub-pixel shifts); the failure writes the page and a diff image into
tests/golden/failed/. After looking at the new pages, approve them with
`make golden` (pytest tests/test_golden.py --update-golden).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from tools import ROOT, libreoffice_pdf, page_image

from reportgen.documents import Loader
from reportgen.render.formats import render_document

GOLDEN = Path(__file__).parent / "golden"
FAILED = GOLDEN / "failed"
TOLERANCE = 0.0002  # of the page's pixels: one erased word of body text is 0.045 % at 40 dpi
THRESHOLD = 48  # grey levels a blurred pixel may differ by and still count as the same

REPORT = "content/panyu-media-center/2022/self-evaluation.yaml"
PAGES = {  # approved image → (document, format rendered to PDF, page; 0 = the last)
    "report-1": (REPORT, "pdf", 1),
    "report-tables": (REPORT, "pdf", 16),
    "report-annex": (REPORT, "pdf", 0),
    "declaration-panyu-1": ("content/panyu-media-center/2023/declaration.yaml", "pdf", 1),
    "declaration-liwan-1": ("content/liwan-publicity-department/2024/declaration.yaml", "pdf", 1),
    "declaration-panyu-docx-1": ("content/panyu-media-center/2023/declaration.yaml", "docx", 1),
}


def rendered_page(name: str, folder: Path) -> Path:
    document_path, fmt, page = PAGES[name]
    document = Loader().load_document(ROOT / document_path)
    source = folder / f"{name}.{fmt}"
    source.write_bytes(render_document(document, fmt))
    pdf = libreoffice_pdf(source, folder) if fmt == "docx" else source
    if page == 0:
        from pypdf import PdfReader

        page = len(PdfReader(pdf).pages)
    return page_image(pdf, page, folder / f"{name}.png")


def differing_pixels(approved: Image.Image, rendered: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that differ, and an image of them (red over the approved page)."""
    blur = ImageFilter.GaussianBlur(1)
    a, b = (image.convert("L").filter(blur) for image in (approved, rendered))
    mask = ImageChops.difference(a, b).point(lambda v: 255 if v > THRESHOLD else 0)
    share = mask.histogram()[255] / (mask.width * mask.height)
    diff = Image.composite(Image.new("RGB", approved.size, "red"), approved.convert("RGB"), mask)
    return share, diff


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_page_matches_the_approved_image(name, tmp_path, update_golden):
    page = rendered_page(name, tmp_path)
    approved = GOLDEN / f"{name}.png"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        shutil.copyfile(page, approved)
        return
    assert approved.exists(), f"no approved image {approved}: look at the page, then run make golden"
    with Image.open(approved) as old, Image.open(page) as new:
        same_size = old.size == new.size
        share, diff = differing_pixels(old, new) if same_size else (1.0, new.convert("RGB"))
    if same_size and share <= TOLERANCE:
        return
    FAILED.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, FAILED / f"{name}.png")
    diff.save(FAILED / f"{name}-diff.png")
    pytest.fail(f"{name}: {share:.2%} of the page differs from {approved.name} "
                f"(size {new.size} vs {old.size}); see {FAILED}/{name}.png and {name}-diff.png, "
                "and if the change is wanted, approve it with make golden")


def test_a_moved_line_is_a_difference_and_antialiasing_is_not():
    with Image.open(GOLDEN / "report-1.png") as page:
        page = page.convert("RGB")
    assert differing_pixels(page, page)[0] == 0
    brighter = page.point(lambda v: min(255, v + 20))  # anti-aliasing and hinting shift greys
    assert differing_pixels(page, brighter)[0] <= TOLERANCE
    moved = page.copy()
    moved.paste(page.crop((0, 140, page.width, 154)), (0, 154))  # a line of text, one line lower
    assert differing_pixels(page, moved)[0] > TOLERANCE
    erased = page.copy()
    ImageDraw.Draw(erased).rectangle((60, 200, 120, 212), fill="white")  # a word of body text
    assert differing_pixels(page, erased)[0] > TOLERANCE
