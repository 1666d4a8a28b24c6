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
