"""The reference course is written in its own words, in US English.

Its text (module files and guide.md) shares no run of eight words with the articles it is based
on, compared through tests/reference_shingles.txt (hashes of the articles' runs; regenerate with
scripts/reference-shingles).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.shingles import markdown_lines, read_hashes, shingles, tokens

COURSE = Path(__file__).resolve().parent.parent / "modules" / "compassionate-schools"
FILES = sorted(COURSE.glob("*.md"))

UK_SPELLINGS = (
    "behaviour",
    "colour",
    "organisation",
    "programme",
    "centre",
    "counsellor",
    "counselling",
    "recognise",
    "realise",
    "apologise",
    "favour",
    "honour",
    "labour",
    "neighbour",
    "practise",
    "judgement",
    "analyse",
    "emphasise",
    "prioritise",
    "minimise",
    "summarise",
    "utilise",
    "organise",
    "learnt",
    "traumatis",
    "maths",
    "towards",
    "defence",
    "licence",
    "modelled",
    "travelled",
    "enrolment",
    "enrols",
)
_UK = re.compile(r"\w*(?:" + "|".join(UK_SPELLINGS) + r")\w*", re.IGNORECASE)


def test_the_course_has_module_files_and_a_guide():
    assert len(FILES) >= 7 and COURSE / "guide.md" in FILES


def test_the_shingles_find_a_copied_run():
    reference = read_hashes()
    assert len(reference) > 1000
    text = "Trauma-informed schools are places that provide safe and supportive environments for children"
    copied = [line for h, line, _ in shingles(tokens(markdown_lines(text))) if h in reference]
    assert copied, "the hashes do not match a sentence of healing-schools.txt"


def test_no_run_of_eight_words_is_copied_from_the_reference_articles():
    reference = read_hashes()
    copied = []
    for path in FILES:
        lines = markdown_lines(path.read_text(encoding="utf-8"))
        for h, line, run in shingles(tokens(lines)):
            if h in reference:
                copied.append(f"{path.name}:{line}: '{run}' (as in {reference[h]})")
    assert not copied, "runs of 8 words copied from the reference articles:\n" + "\n".join(copied)


def test_the_course_is_in_us_english():
    found = []
    for path in [*FILES, COURSE / "course.yml"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found += [f"{path.name}:{number}: {m.group(0)}" for m in _UK.finditer(line)]
    assert not found, "UK spellings (write US English):\n" + "\n".join(found)
