"""Build ``static/suptui-symbols.ttf`` and ``static/fonts.css`` (a development tool, not run by suptui).

The browser page draws the terminal in Roboto Mono (served from textual-serve's own files), which
has no arrows, circles, triangles or the other symbols the app draws; without the internet the
browser would fall back to whatever fonts the viewer's machine has, and show a missing glyph for
those it has not (the header's icon, U+2B58, is in none of Debian's default fonts). This takes every
character outside ASCII that suptui's and Textual's widget code contain, keeps those DejaVu Sans
Mono has (box drawing and block elements are left out: xterm.js draws those itself), maps U+2B58
HEAVY CIRCLE to DejaVu's large circle, and writes the subset under its own family name. The page
declares it as part of "Roboto Mono" for exactly those characters (``unicode-range``).

DejaVu's licence (Bitstream Vera's, with DejaVu's changes in the public domain) allows this with a
renamed font; it is in ``static/LICENSE-DejaVu.txt``.

Run: ``python -m suptui.web.fontbuild /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf``
(needs ``fonttools``, which suptui does not depend on).
"""

from __future__ import annotations

import sys
from pathlib import Path

FAMILY = "suptui symbols"
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
HEAVY_CIRCLE = 0x2B58
LARGE_CIRCLE = 0x25EF
DRAWN_BY_XTERM = range(0x2500, 0x25A0)  # box drawing and block elements


def used_characters() -> set[int]:
    import textual

    sources = [*(HERE.parent).rglob("*.py"), *(HERE.parent).rglob("*.tcss"),
               *(Path(textual.__file__).parent / "widgets").rglob("*.py")]
    chars: set[int] = {HEAVY_CIRCLE}
    for path in sources:
        chars.update(ord(c) for c in path.read_text(encoding="utf-8", errors="replace") if ord(c) > 0x7E)
    return {c for c in chars if c not in DRAWN_BY_XTERM and not 0xD800 <= c < 0xE000}


def build(dejavu: Path, roboto: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    have = TTFont(str(dejavu)).getBestCmap()
    roboto_has = TTFont(str(roboto)).getBestCmap()
    wanted = sorted(c for c in used_characters() if c not in roboto_has and (c in have or c == HEAVY_CIRCLE))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    font = TTFont(str(dejavu))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for c in wanted if c != HEAVY_CIRCLE] + [LARGE_CIRCLE])
    subsetter.subset(font)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[HEAVY_CIRCLE] = table.cmap[LARGE_CIRCLE]
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "-")
    font.save(str(STATIC / "suptui-symbols.ttf"))
    (STATIC / "fonts.css").write_text(fonts_css(sorted(font.getBestCmap())), encoding="utf-8")
    print(f"{len(wanted)} characters; {(STATIC / 'suptui-symbols.ttf').stat().st_size} bytes")


def fonts_css(codepoints: list[int]) -> str:
    ranges = ", ".join(f"U+{c:04X}" for c in codepoints if c > 0x7E)
    return f"""/* Made by suptui/web/fontbuild.py. Roboto Mono from textual-serve's static files, and the
   symbols it lacks from a subset of DejaVu Sans Mono, all under the family the terminal asks for. */
@font-face {{
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
  font-weight: 100 700;
  font-style: normal;
}}
@font-face {{
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
  font-weight: 100 700;
  font-style: italic;
}}
@font-face {{
  font-family: "Roboto Mono";
  src: url("/suptui-static/suptui-symbols.ttf") format("truetype");
  font-weight: 100 700;
  font-style: normal;
  unicode-range: {ranges};
}}
@font-face {{
  font-family: "Roboto Mono";
  src: url("/suptui-static/suptui-symbols.ttf") format("truetype");
  font-weight: 100 700;
  font-style: italic;
  unicode-range: {ranges};
}}
"""


def main() -> None:
    import textual_serve

    roboto = Path(textual_serve.__file__).parent / "static" / "fonts" / "RobotoMono-VariableFont_wght.ttf"
    build(Path(sys.argv[1]), roboto)


if __name__ == "__main__":
    main()
