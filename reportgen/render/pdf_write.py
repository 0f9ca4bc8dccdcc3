"""Two costs WeasyPrint's PDF writer pays per document that give nothing back here.

- Each face's whole font file is copied into memory when the face is first drawn (about 90 MB for
  the four CJK faces of a report, 26 MB each), although HarfBuzz subsets the face from the font it
  already has open and the copy is then thrown away. The copy is made only if something reads it.
- Every stream is deflated at zlib level 9: for these PDFs (mostly subset fonts) level 6 takes
  about half the time for 0.4 % more bytes.

Both change no drawn glyph and no page (the golden pages check that); `install` applies them once
per process, and leaves WeasyPrint as it is if its internals are not the ones expected;
`weasyprint_own_writer` puts WeasyPrint's back for a while (to compare, in tests and benchmarks).
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
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

    if not (hasattr(stream, "Font") and hasattr(fonts, "get_hb_object_data") and hasattr(pydyf, "zlib")):
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

    return Font
