"""``flask courses import-gift FILE`` and ``flask courses import-moodle-xml FILE``: a question bank
as Markdown quiz blocks, on standard output or in a new file (``--output``).

Exit status: 0 when every question was imported; 1 when some were not (each listed on standard
error with its line or place in the bank, the others still written); 2 when the file cannot be read
as a bank at all (nothing written).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from courseware.question_banks.bank import Bank, BankError, Report, decode_utf8, read_bank_file
from courseware.question_banks.gift import parse_gift
from courseware.question_banks.moodle_xml import parse_moodle_xml
from courseware.question_banks.quiz_markdown import write_quizzes


class UnreadableBank(click.ClickException):
    exit_code = 2


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _read_gift(path: Path) -> Bank:
    return parse_gift(decode_utf8(read_bank_file(path, "GIFT"), path), str(path))


def _read_moodle_xml(path: Path) -> Bank:
    return parse_moodle_xml(read_bank_file(path, "Moodle XML"), str(path))


def _import(path: Path, output: Path | None, read: Callable[[Path], Bank]) -> None:
    if output is not None and output.exists():
        raise UnreadableBank(f"{output} already exists: name a new file, so that nothing is overwritten")
    try:
        bank = read(path)
    except BankError as exc:
        raise UnreadableBank(str(exc)) from exc
    markdown, notes = write_quizzes(bank, path.stem)
    if output is None:
        click.echo(markdown, nl=False)
    else:
        try:
            with output.open("x", encoding="utf-8") as handle:
                handle.write(markdown)
        except OSError as exc:
            raise UnreadableBank(f"{output}: cannot be written ({exc.strerror or exc})") from exc

    def say(report: Report, what: str) -> None:
        click.echo(f"{path}:{report.where}: {what}{report.message}", err=True)

    for report in sorted([*bank.notes, *notes], key=lambda r: _order(r.where)):
        say(report, "note: ")
    for report in bank.skipped:
        say(report, "not imported: ")
    imported = len(bank.questions)
    quizzes = sum(1 for quiz in bank.quizzes if quiz.questions)
    written = f" into {output}" if output is not None else ""
    summary = f"{_plural(imported, 'question')} imported in {_plural(quizzes, 'quiz block')}{written}"
    if bank.skipped:
        raise click.ClickException(f"{summary}; {_plural(len(bank.skipped), 'question')} not imported (listed above)")
    click.echo(summary, err=True)


def _order(where: str) -> tuple[int, str]:
    digits = "".join(c for c in where.split("'")[0] if c.isdigit())
    return (int(digits) if digits else 0, where)


OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the quiz blocks to this new file instead of standard output.",
)


@click.command("import-gift")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@OUTPUT
def import_gift(file: Path, output: Path | None) -> None:
    """Turn the GIFT question bank FILE into Markdown quiz blocks.

    Single and multiple choice, true/false and short-answer questions are written with their
    feedback; every other question is listed with its line, and the command then exits with 1.
    """
    _import(file, output, _read_gift)


@click.command("import-moodle-xml")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@OUTPUT
def import_moodle_xml(file: Path, output: Path | None) -> None:
    """Turn the Moodle XML question bank FILE into Markdown quiz blocks.

    Multichoice, true/false and short-answer questions are written with their feedback; every
    other question is listed by its number and name, and the command then exits with 1.
    """
    _import(file, output, _read_moodle_xml)


COMMANDS = (import_gift, import_moodle_xml)
