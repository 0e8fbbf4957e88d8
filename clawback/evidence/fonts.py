"""The CJK TrueType font the report and figures embed.

Looked up in this order: ``$CLAWBACK_CJK_FONT`` (a .ttf or .ttc with TrueType outlines), then
WenQuanYi Zen Hei and Micro Hei and AR PL UMing where Debian installs them. CFF-flavoured
OpenType (Noto CJK .ttc) cannot be embedded by reportlab and is not tried. When none is found
the error names the Debian package to install (``fonts-wqy-zenhei``).
"""

from __future__ import annotations

import os
from pathlib import Path

from clawback.errors import ClawbackError

__all__ = ["CANDIDATES", "cjk_font"]

CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


def cjk_font() -> Path:
    """The path of the CJK TrueType font to embed (ClawbackError when there is none)."""
    override = os.environ.get("CLAWBACK_CJK_FONT")
    if override:
        if not Path(override).is_file():
            raise ClawbackError(f"CLAWBACK_CJK_FONT={override} is not a font file")
        return Path(override)
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise ClawbackError("no CJK TrueType font found for the report (looked for "
                        + ", ".join(str(p) for p in CANDIDATES)
                        + "); install the Debian package fonts-wqy-zenhei or set "
                          "CLAWBACK_CJK_FONT")
