"""Every saved PDF embeds its fonts as TrueType (Type 42), as IEEE PDF eXpress requires, also
for a figure drawn outside the shared rc context (the drop view is saved after its context)."""

import matplotlib.pyplot as plt

from coopsat.experiments.views.style import save


def test_a_pdf_saved_through_the_style_embeds_no_type3_font(tmp_path):
    fig, ax = plt.subplots()  # default rc: pdf.fonttype would be 3
    ax.set_title("R_E (bit/s/Hz) 0123456789")
    assert plt.rcParams["pdf.fonttype"] == 3
    png, pdf = save(fig, tmp_path / "figure")
    data = pdf.read_bytes()
    assert b"/Type3" not in data
    assert b"/TrueType" in data or b"/CIDFontType2" in data
    assert png.stat().st_size > 1000


def test_save_writes_the_formats_asked_for_in_their_order_and_refuses_others(tmp_path):
    import pytest

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    svg, png = save(fig, tmp_path / "a.b", ("svg", "png"))  # a dotted base name is kept whole
    assert (svg.name, png.name) == ("a.b.svg", "a.b.png")
    assert svg.read_bytes().startswith(b"<?xml") and png.read_bytes()[:4] == b"\x89PNG"
    assert save(plt.figure(), tmp_path / "none", ()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.b.png", "a.b.svg"]
    with pytest.raises(ValueError, match=r"figure format 'jpg': allowed png, pdf, svg"):
        save(plt.figure(), tmp_path / "c", ("png", "jpg"))
    assert not (tmp_path / "c.png").exists()  # checked before anything is written
