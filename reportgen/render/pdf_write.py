"""Three costs WeasyPrint's PDF writer pays per document that give nothing back here.

- Each face's whole font file is copied into memory when the face is first drawn (about 90 MB for
  the four CJK faces of a report, 26 MB each), although HarfBuzz subsets the face from the font it
  already has open and the copy is then thrown away. The copy is made only if something reads it.
- Every stream is deflated at zlib level 9: for these PDFs (mostly subset fonts) level 6 takes
  about half the time for 0.4 % more bytes.
- Each face is subset twice: once keeping the glyph ids, then again to drop the glyphs after the
  last one used. For a CJK face each pass costs about 25 ms, whatever the glyphs used. The first
  pass, told to drop hinting as the second would (and FontForge's FFTM table, which the second
  drops), gives the same bytes when it already ends at the last glyph used (tested for the CFF
  Noto CJK faces and the TrueType AR PL UKai), so the second runs only when it does not.

None of them changes a drawn glyph or a page (the golden pages check that); `install` applies them
once per process, and leaves WeasyPrint as it is if its internals are not the ones expected;
`weasyprint_own_writer` puts WeasyPrint's back for a while (to compare, in tests and benchmarks).
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator, Sequence
from functools import cache
from types import SimpleNamespace
from typing import Any

ZLIB_LEVEL = 6
_UNREAD = object()


@cache
def install() -> bool:
    """Apply both changes; False when this WeasyPrint or pydyf is not laid out as expected."""
    import pydyf
    from weasyprint.pdf import fonts, stream

    if not (hasattr(stream, "Font") and hasattr(fonts, "get_hb_object_data") and hasattr(pydyf, "zlib")
            and hasattr(fonts.Font, "_harfbuzz_subset")):
        return False
    stream.Font = _font_class(fonts)
    pydyf.zlib = SimpleNamespace(compress=zlib.compress, compressobj=_compressobj)
    return True


@contextlib.contextmanager
def weasyprint_own_writer() -> Iterator[None]:
    """WeasyPrint's font reading and pydyf's compression, as they come, inside the block."""
    import pydyf
    from weasyprint.pdf import fonts, stream

    install()
    tuned = stream.Font, pydyf.zlib
    stream.Font, pydyf.zlib = fonts.Font, zlib
    try:
        yield
    finally:
        stream.Font, pydyf.zlib = tuned


def _compressobj(level: int = ZLIB_LEVEL, *args: Any, **kwargs: Any) -> Any:
    """pydyf asks for level 9 on every stream."""
    return zlib.compressobj(ZLIB_LEVEL, *args, **kwargs)


def _font_class(fonts: Any) -> type:
    read_face = fonts.get_hb_object_data
    harfbuzz, ffi = fonts.harfbuzz, fonts.ffi

    def unread_face(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        return _UNREAD if ot_color is None else read_face(hb_object, ot_color, glyph)

    class Font(fonts.Font):
        """WeasyPrint's font, whose whole file is read only when asked for (after subsetting, it
        holds the subset instead: the whole file is then never read)."""

        def __init__(self, *args: Any) -> None:
            # The constructor reads the whole face through this module function; PDFs are written
            # one at a time in a process (pdf._ONE_AT_A_TIME), so swapping it here is safe.
            fonts.get_hb_object_data = unread_face
            try:
                super().__init__(*args)
            finally:
                fonts.get_hb_object_data = read_face

        @property
        def file_content(self) -> bytes:
            if self._file_content is _UNREAD:
                self._file_content = read_face(self.hb_face)
            return self._file_content

        @file_content.setter
        def file_content(self, content: bytes) -> None:
            self._file_content = content

        def _harfbuzz_subset(self, to_unicode: Any, hinting: bool) -> None:
            hb_subset = fonts.harfbuzz_subset
            flags = hb_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hb_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
            if not hinting:
                flags |= hb_subset.HB_SUBSET_FLAGS_NO_HINTING
            if self.missing:
                flags |= hb_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
            last = max(to_unicode)
            face = _subset(self.hb_face, sorted(to_unicode), flags | hb_subset.HB_SUBSET_FLAGS_RETAIN_GIDS)
            if face and harfbuzz.hb_face_get_glyph_count(face) > last + 1:
                face = _subset(face, range(last + 1), flags)  # glyphs the first pass added past the last
            if not face:
                return super()._harfbuzz_subset(to_unicode, hinting)
            self.file_content = read_face(face)
            return None

    def _subset(face: Any, glyphs: Sequence[int], flags: int) -> Any:
        """`face` cut to `glyphs` (sorted) as WeasyPrint cuts it; NULL when HarfBuzz fails."""
        hb_subset = fonts.harfbuzz_subset
        subset_input = ffi.gc(hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy)
        # "[]" and not "[N]": cffi parses each new type string with pycparser (1–40 ms)
        harfbuzz.hb_set_add_sorted_array(hb_subset.hb_subset_input_glyph_set(subset_input),
                                         ffi.new("hb_codepoint_t[]", list(glyphs)), len(glyphs))
        hb_subset.hb_subset_input_set_flags(subset_input, flags)
        dropped = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
        harfbuzz.hb_set_add_sorted_array(
            hb_subset.hb_subset_input_set(subset_input, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
            ffi.new("hb_codepoint_t[]", dropped), len(dropped))
        return ffi.gc(hb_subset.hb_subset_or_fail(face, subset_input), harfbuzz.hb_face_destroy)

    return Font


# The tables WeasyPrint's subsetting drops (weasyprint/pdf/fonts.py), and FFTM, which its second
# pass drops.
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"FFTM", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
                   b"PCLT", b"SVG ")
