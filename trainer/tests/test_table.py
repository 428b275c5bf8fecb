"""Results markdown: a data set's section is replaced in place, other text is kept,
and results.py keeps every section after its marker when it rewrites the file."""
from dynapruner_trainer.results import KEEP_MARKER
from dynapruner_trainer.table import write_section


def test_sections_are_replaced_and_kept(tmp_path):
    md = tmp_path / "RESULTS.md"
    md.write_text("## Table I\nstorm rows\n")
    write_section(str(md), "hgt", "<!-- section hgt -->\nold\n<!-- end hgt -->\n")
    write_section(str(md), "other", "<!-- section other -->\nx\n<!-- end other -->\n")
    write_section(str(md), "hgt", "<!-- section hgt -->\nnew\n<!-- end hgt -->\n")
    text = md.read_text()
    assert text.startswith("## Table I\nstorm rows\n") and text.count(KEEP_MARKER) == 1
    assert "new" in text and "old" not in text and text.index("hgt -->\nnew") < text.index("section other")
