"""``mattebox preview``: a contact sheet whose cells really are source, matte and composite."""

from __future__ import annotations

import cv2
import numpy as np
from cli_helpers import run_cli
from fixtures.index_backend import level
from media_factory import make_clip

from mattebox.cli.preview import make_contact_sheet


def test_contact_sheet_layout_and_content(tmp_path, index_registry):
    src = make_clip(str(tmp_path / "c.mp4"), frames=21, width=160, height=96)
    out = make_contact_sheet("greenscreen", src, str(tmp_path / "sheet.png"), count=3, width=160, registry=index_registry)
    sheet = cv2.cvtColor(cv2.imread(out), cv2.COLOR_BGR2RGB)
    assert sheet.shape == (3 * 96, 3 * 160, 3)
    for row, index in enumerate((0, 10, 20)):
        matte = sheet[row * 96 : (row + 1) * 96, 160:320]
        assert matte[60, 100, 0] == round(level(index) * 255)  # the matte column shows that frame's alpha
        assert matte[60, 5].max() == 0  # the alpha-0 band
        comp = sheet[row * 96 : (row + 1) * 96, 320:480]
        assert comp[60, 2:18].std() > 10  # the checkerboard shows through where alpha is 0


def test_preview_cli(tmp_path, mattebox_home):
    src = make_clip(str(tmp_path / "c.mp4"), frames=8, width=96, height=64)
    proc = run_cli(mattebox_home, "preview", "greenscreen", src, "-o", str(tmp_path / "s.png"), "--backend", "index", "--count", "2")
    assert proc.returncode == 0, proc.stderr
    # backend options reach the preview too: a failing frame fails the preview with its code
    proc = run_cli(mattebox_home, "preview", "greenscreen", src, "-o", str(tmp_path / "f.png"), "--backend", "index", "--fail-at", "0")
    assert proc.returncode == 4 and proc.stderr.startswith("InternalServerError.Algo: test failure at frame 0")
    assert cv2.imread(str(tmp_path / "s.png")) is not None
    proc = run_cli(mattebox_home, "preview", "greenscreen", src, "-o", str(tmp_path / "missing" / "s.png"), "--backend", "index")
    assert proc.returncode == 2 and proc.stderr.startswith("InvalidOutput.Path")
