"""Documentation pointers stay inside the repository and resolve.

Scanned: every Python file of the package layers, ``coopsat/``, the tests and the benchmarks
(docstrings, comments and strings alike: a pointer in a message is a pointer too), the comment
lines of the shipped data files, and the README. Rules:

- nothing points outside the repository: no design-notes file named without its ``docs/``
  folder, no path into a sibling folder of the checkout (``../NAME/``), no absolute path of the
  machine the code was written on;
- code and data name no ticket numbers ("issue 12", "issues 4, 11", "#12"): say why, not which
  ticket (the README may);
- every ``*.md`` file cited exists, and every cited ``docs/NAME.md#anchor`` is the GitHub anchor
  of a heading of that file (``docs/design.md#algorithm-1`` for "## Algorithm 1").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CODE_DIRS = ("constellation", "channel", "precoding", "experiments", "coopsat", "tests",
             "benchmarks")
DATA_SUFFIXES = (".toml", ".md", ".csv")

_DESIGN_NOTES = "DESIGN" + r"\.md"
OUTSIDE = re.compile(
    r"(?<!docs/)(?<![\w/.-])" + _DESIGN_NOTES       # the notes without their folder
    + r"|\.\./(?!\.)[\w.-]+/"                       # a sibling folder of the checkout
    + r"|(?<![\w.])/(?:" + "work" + "|home|Users)/"  # an absolute machine path
)
TICKET = re.compile(r"\b[Ii]" + r"ssues?\s*#?\s*\d+|(?<![\w&#/])#\d{1,5}\b(?![\w-])")
MD_CITATION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-][\w.-]*\.md)(#[\w-]+)?(?![\w-])")


def _files() -> list[Path]:
    """Every scanned file: Python sources of CODE_DIRS (but this file, which spells the
    patterns out), data text files, the README."""
    files = [p for d in CODE_DIRS for p in sorted((REPO / d).rglob("*.py"))
             if "__pycache__" not in p.parts and p != Path(__file__).resolve()]
    files += [p for p in sorted((REPO / "data").rglob("*")) if p.suffix in DATA_SUFFIXES]
    return [*files, REPO / "README.md"]


def _text(path: Path) -> str:
    """The scanned text of a file: whole for code and markdown, comment lines for data tables."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".csv":
        return "\n".join(line for line in text.splitlines() if line.startswith("#"))
    return text


def github_anchor(heading: str) -> str:
    """GitHub's anchor of a markdown heading: lower case, punctuation but '-' and '_' dropped,
    spaces as '-'."""
    text = re.sub(r"[`*]", "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of the headings of a markdown file (outside fenced code blocks)."""
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6}\s+(.*)", line)):
            found.add(github_anchor(match.group(1)))
    return found


def pointer_problems(text: str) -> list[str]:
    """The pointers out of the repository in ``text``."""
    return [m.group(0) for m in OUTSIDE.finditer(text)]


def ticket_problems(text: str) -> list[str]:
    """The ticket numbers named in ``text``."""
    return [m.group(0) for m in TICKET.finditer(text)]


def citation_problems(text: str, where: Path, names: set[str]) -> list[str]:
    """Cited markdown files that do not exist (relative to the repository root or to ``where``;
    a bare file name anywhere in the repository, ``names``) and cited anchors of ``docs/``
    files that are no heading there."""
    problems = []
    for match in MD_CITATION.finditer(text):
        cited, anchor = match.group(1), match.group(2)
        candidates = [REPO / cited, where.parent / cited]
        exists = any(c.is_file() for c in candidates) or ("/" not in cited and cited in names)
        if not exists:
            problems.append(f"{cited}: no such file")
        elif anchor and cited.startswith("docs/") and anchor[1:] not in anchors(REPO / cited):
            problems.append(f"{cited}{anchor}: no such heading")
    return problems


def _markdown_names() -> set[str]:
    """Names of the markdown files of the repository (its own folders, not a virtual env)."""
    roots = (*CODE_DIRS, "data", "docs")
    return {p.name for d in roots for p in (REPO / d).rglob("*.md")} | {"README.md"}


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("Conventions (" + "DESIGN" + ".md, section Channel).", True),
        ("see ``" + "DESIGN" + ".md``", True),
        ("# ../" + "shared/tables/README.md: 1931.6 km", True),
        ("read /" + "work/shared/paper.txt", True),
        ("Conventions (docs/design.md#channel).", False),
        ("x = a/b/c.md and ../coopsat is fine", False),
        ("relative path ./data/tables/SOURCES.md", False),
    ],
)
def test_pointer_rule_flags_what_leaves_the_repository(line, bad):
    assert bool(pointer_problems(line)) is bad, line


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("# the commit " + "issue 12 started from", True),
        ("(" + "Issue #3)", True),
        ("Benchmarks (" + "issues 4, 11, 12)", True),
        ("fixed in " + "#14", True),
        ('colour = "#1f77b4"  # tab:blue', False),
        ('colours "#0072B2", "#000000"', False),
        ("ticket-free: the receiver issue at 10 dB", False),
        ("f'{x:#10x}' and `&#39;`", False),
    ],
)
def test_ticket_rule_flags_issue_numbers_only(line, bad):
    assert bool(ticket_problems(line)) is bad, line


def test_github_anchors_of_the_design_notes_headings():
    assert github_anchor("Per-satellite power constraints (41)-(51)") == (
        "per-satellite-power-constraints-41-51"
    )
    assert github_anchor("Algorithm 1") == "algorithm-1"
    assert github_anchor("`ic-wmmse`, the reference") == "ic-wmmse-the-reference"
    design = anchors(REPO / "docs" / "design.md")
    assert {"geometry", "channel", "rates", "algorithm-1", "link-budget"} <= design


def test_citation_rule_checks_files_and_anchors():
    names = _markdown_names()
    where = REPO / "precoding" / "rates.py"
    assert citation_problems("see docs/design.md#rates and SOURCES.md", where, names) == []
    assert citation_problems("see docs/design.md#no-such-section", where, names) == [
        "docs/design.md#no-such-section: no such heading"
    ]
    assert citation_problems("see docs/missing.md", where, names) == [
        "docs/missing.md: no such file"
    ]
    assert citation_problems("see " + "DESIGN" + ".md", where, names) == [
        "DESIGN" + ".md: no such file"
    ]


def test_no_pointer_leaves_the_repository():
    problems = [f"{p.relative_to(REPO)}: {hit}" for p in _files()
                for hit in pointer_problems(_text(p))]
    assert problems == []


def test_code_and_data_name_no_ticket_numbers():
    problems = [f"{p.relative_to(REPO)}: {hit}" for p in _files() if p.name != "README.md"
                for hit in ticket_problems(_text(p))]
    assert problems == []


def test_every_cited_markdown_file_and_section_exists():
    names = _markdown_names()
    files = [*_files(), *sorted((REPO / "docs").glob("*.md"))]
    problems = [f"{p.relative_to(REPO)}: {hit}" for p in files
                for hit in citation_problems(_text(p), p, names)]
    assert problems == []
    cited = {m.group(0) for p in files for m in MD_CITATION.finditer(_text(p))}
    assert "docs/design.md#algorithm-1" in cited  # the scan does see the code's citations


def test_links_inside_the_docs_point_to_their_own_headings():
    for path in sorted((REPO / "docs").glob("*.md")):
        own = anchors(path)
        links = re.findall(r"\]\(#([\w-]+)\)", path.read_text(encoding="utf-8"))
        assert links, path  # the check sees the links
        assert [a for a in links if a not in own] == [], path
