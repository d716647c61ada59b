"""The ``/// worksheet`` and ``/// reflection`` blocks.

    /// worksheet | My starting point
        id: m1-starting-point

    ### Where do I see stress show up in my work? {#where-stress}
    Type: long text
    Required: yes
    Help: A few sentences are enough.

    ### My next steps {#next-steps}
    Type: table
    Columns: Step | Who | By when
    Rows: 3
    ///

A reflection is a worksheet with one required long-text field; its body is the prompt.
"""

from __future__ import annotations

import re
from typing import Any

from courseware.courses.blocks import (
    SLUG_RE,
    BlockContext,
    BlockType,
    Option,
    flag_option,
    minutes_option,
    register,
    slug_option,
    slugify,
    split_id,
)
from courseware.courses.source import Line, RawBlock
from courseware.courses.worksheet import (
    CHECKLIST,
    CHOICE,
    FIELD_TYPES,
    LONG_TEXT,
    TABLE,
    TABLE_ROWS_MAX,
    Field,
    FieldOption,
    Worksheet,
    WorksheetSegment,
)

FIELD_RE = re.compile(r"^###(?!#)\s*(.*?)\s*$")
SETTING_RE = re.compile(r"^(Type|Required|Help|Columns|Rows)\s*:\s*(.*)$", re.IGNORECASE)
OPTION_RE = re.compile(r"^[-*+]\s+(?!\[[ xX]\])(.*?)\s*$")
YES = {"yes", "true", "required"}
NO = {"no", "false", "optional"}


class _Draft:
    def __init__(self, line: int, prompt: str, explicit_id: str | None) -> None:
        self.line, self.prompt, self.explicit_id = line, prompt, explicit_id
        self.settings: dict[str, tuple[int, str]] = {}
        self.options: list[tuple[int, str, str | None]] = []
        self.details: list[str] = []


@register
class WorksheetBlock(BlockType):
    name = "worksheet"
    options = {"id": Option(slug_option, required=True), "minutes": Option(minutes_option)}

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> WorksheetSegment | None:
        intro, drafts = self._read(block.body, ctx)
        if not drafts:
            ctx.report(block.line, "a worksheet needs at least one field, starting with a '### ' line")
            return None
        if not ctx.claim_id("worksheet", options["id"], block.line):
            return None
        fields = [self._field(d, ctx) for d in drafts]
        seen: set[str] = set()
        for draft, built in zip(drafts, fields, strict=True):
            if built is not None and built.id in seen:
                ctx.report(draft.line, f"two fields in this worksheet have the id '{built.id}' (add '{{#another-id}}')")
                return None
            if built is not None:
                seen.add(built.id)
        built_fields = [f for f in fields if f is not None]
        if len(built_fields) != len(fields):
            return None
        intro_html = ctx.render("\n".join(intro)) if any(t.strip() for t in intro) else ""
        worksheet = Worksheet(options["id"], block.title or "Worksheet", intro_html, built_fields, line=block.line)
        return WorksheetSegment(worksheet, minutes=options.get("minutes"))

    def _read(self, body: list[Line], ctx: BlockContext) -> tuple[list[str], list[_Draft]]:
        intro: list[str] = []
        drafts: list[_Draft] = []
        for line in body:
            heading = FIELD_RE.match(line.text)
            if heading:
                prompt, explicit = split_id(heading.group(1))
                if not prompt:
                    ctx.report(line.number, "a field needs its prompt after '###'")
                drafts.append(_Draft(line.number, prompt, explicit))
                continue
            if not drafts:
                intro.append(line.text)
                continue
            draft = drafts[-1]
            setting = SETTING_RE.match(line.text)
            option = OPTION_RE.match(line.text)
            if setting:
                key = setting.group(1).lower()
                if key in draft.settings:
                    ctx.report(line.number, f"'{setting.group(1)}:' is given twice for this field")
                draft.settings[key] = (line.number, setting.group(2).strip())
            elif option:
                label, explicit = split_id(option.group(1))
                draft.options.append((line.number, label, explicit))
            elif line.text.strip():
                draft.details.append(line.text)
        return intro, drafts

    def _field(self, draft: _Draft, ctx: BlockContext) -> Field | None:
        field_id = draft.explicit_id or slugify(draft.prompt)
        if not SLUG_RE.match(field_id):
            ctx.report(draft.line, f"field id '{field_id}' must use lowercase letters, digits and hyphens")
            return None
        type_line, raw_type = draft.settings.get("type", (draft.line, ""))
        kind = raw_type.lower().replace(" ", "-")
        if not raw_type:
            ctx.report(
                draft.line,
                "say what kind of field this is: 'Type: long text' (or short text, checklist, choice, date, table)",
            )
            return None
        if kind not in FIELD_TYPES:
            ctx.report(
                type_line,
                f"unknown field type '{raw_type}' (types: {', '.join(t.replace('-', ' ') for t in FIELD_TYPES)})",
            )
            return None
        required = self._required(draft, ctx)
        if required is None:
            return None
        built = Field(
            id=field_id,
            type=kind,
            prompt=draft.prompt,
            prompt_html=ctx.render_inline(draft.prompt),
            details_html=ctx.render("\n".join(draft.details)) if draft.details else "",
            help=draft.settings.get("help", (0, ""))[1],
            required=required,
        )
        if kind in (CHECKLIST, CHOICE):
            if len(draft.options) < 2:
                ctx.report(draft.line, f"a {kind} field needs at least two options, one per '- ' line")
                return None
            ids = [explicit or slugify(label) for _, label, explicit in draft.options]
            for (number, _, explicit), option_id in zip(draft.options, ids, strict=True):
                if explicit and not SLUG_RE.match(option_id):
                    ctx.report(number, f"option id '{option_id}' must use lowercase letters, digits and hyphens")
                    return None
            for index, ((number, _, _), option_id) in enumerate(zip(draft.options, ids, strict=True)):
                if option_id in ids[:index]:
                    ctx.report(number, f"two options of this field have the id '{option_id}' (add '{{#another-id}}')")
                    return None
            built.options = [FieldOption(i, label) for i, (_, label, _) in zip(ids, draft.options, strict=True)]
        elif draft.options:
            ctx.report(
                draft.options[0][0],
                f"a {kind.replace('-', ' ')} field has no options; use 'Type: checklist' or 'Type: choice'",
            )
            return None
        if kind == TABLE:
            return self._table(built, draft, ctx)
        for key in ("columns", "rows"):
            if key in draft.settings:
                ctx.report(draft.settings[key][0], f"'{key.title()}:' belongs to table fields only")
                return None
        return built

    def _required(self, draft: _Draft, ctx: BlockContext) -> bool | None:
        if "required" not in draft.settings:
            return False
        number, value = draft.settings["required"]
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        ctx.report(number, "write 'Required: yes' or 'Required: no'")
        return None

    def _table(self, built: Field, draft: _Draft, ctx: BlockContext) -> Field | None:
        number, columns = draft.settings.get("columns", (draft.line, ""))
        names = [c.strip() for c in columns.split("|")] if columns else []
        if len(names) < 1 or not all(names):
            ctx.report(number, "a table field needs its columns, such as 'Columns: Step | Who | By when'")
            return None
        built.columns = names
        if "rows" in draft.settings:
            number, rows = draft.settings["rows"]
            if not rows.isdigit() or not 1 <= int(rows) <= TABLE_ROWS_MAX:
                ctx.report(number, f"'Rows:' must be a whole number from 1 to {TABLE_ROWS_MAX}")
                return None
            built.rows = int(rows)
        return built


@register
class ReflectionBlock(BlockType):
    name = "reflection"
    options = {
        "id": Option(slug_option, required=True),
        "required": Option(flag_option),
        "minutes": Option(minutes_option),
    }

    def build(self, block: RawBlock, options: dict[str, Any], ctx: BlockContext) -> WorksheetSegment | None:
        if not any(line.text.strip() for line in block.body):
            ctx.report(block.line, "a reflection needs a prompt: the question the learner reflects on")
            return None
        if not ctx.claim_id("worksheet", options["id"], block.line):
            return None
        title = block.title or "Reflection"
        prompt = ctx.render_lines(block.body)
        question = " ".join(" ".join(line.text.split()) for line in block.body if line.text.strip())
        response = Field(
            id="response",
            type=LONG_TEXT,
            prompt=question[:1000],
            prompt_html="Your reflection",
            details_html=prompt,
            required=options.get("required", True),
        )
        reflection = Worksheet(options["id"], title, "", [response], is_reflection=True, line=block.line)
        return WorksheetSegment(reflection, minutes=options.get("minutes"))
