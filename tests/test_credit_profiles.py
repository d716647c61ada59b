"""Credit profiles: the files in credit_profiles/ load and convert hours; a mistake is reported at its file and line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from courseware.credit.profiles import load_profiles

PROFILES = Path(__file__).resolve().parent.parent / "credit_profiles"
SHIPPED = [
    "clock-hours", "contact-hours", "iacet-ceu", "il-pd-hours", "ma-pdp",
    "ny-ctle", "pa-act48", "tx-cpe", "wa-clock-hours",
]  # fmt: skip

GOOD = """\
title: Demo hours
credit: Demo professional learning
unit: demo hours
unit_one: demo hour
conversion:
  factor: 1
  round_to: 0.5
  rounding: down
number_label: Demo number
statement: "{learner} completed {course} for {amount} {unit}, by {provider}, no. {number}."
lines:
  - label: Provider
    value: "{provider}"
  - label: Contact
    value: "{contact}"
signature: true
requires: [name, number, signatory]
"""


def write(tmp_path: Path, text: str, name: str = "demo-hours.yml") -> Path:
    folder = tmp_path / "credit_profiles"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text))
    return folder


def problems(tmp_path: Path, text: str, name: str = "demo-hours.yml") -> list[str]:
    loaded = load_profiles(write(tmp_path, text, name))
    assert not loaded, "a file with a mistake is not loaded"
    return [str(problem) for problem in loaded.problems]


def test_every_shipped_profile_loads_without_a_mistake():
    loaded = load_profiles(PROFILES)
    assert [str(p) for p in loaded.problems] == []
    assert sorted(loaded) == SHIPPED
    for profile in loaded.values():
        assert profile.notes, f"{profile.key} says where its rules come from"
        assert "name" in profile.requires and profile.statement and profile.dates == ("completed", "issued")


@pytest.mark.parametrize(
    ("key", "hours", "amount", "unit"),
    [
        ("contact-hours", 12, 12, "contact hours"),
        ("contact-hours", 1, 1, "contact hour"),
        ("contact-hours", 1.4, 1.25, "contact hours"),  # down to the quarter hour
        ("iacet-ceu", 12, 1.2, "IACET CEUs"),  # one CEU is ten contact hours
        ("iacet-ceu", 0.5, 0.1, "IACET CEUs"),  # to the nearest tenth
        ("iacet-ceu", 10, 1, "IACET CEU"),
        ("ma-pdp", 12.5, 12, "PDPs"),  # whole points, rounded down
        ("tx-cpe", 12, 12, "CPE clock-hours"),
        ("ny-ctle", 6.75, 6.75, "CTLE clock hours"),
    ],
)
def test_hours_convert_with_the_profile_s_factor_and_rounding(key, hours, amount, unit):
    profile = load_profiles(PROFILES)[key]
    assert profile.amount(hours) == amount
    assert profile.unit_for(profile.amount(hours)) == unit


def test_the_state_profiles_require_what_their_rules_say():
    loaded = load_profiles(PROFILES)
    assert "number" in loaded["tx-cpe"].requires and "{number}" in loaded["tx-cpe"].statement
    assert "number" in loaded["ny-ctle"].requires and "{number}" in loaded["ny-ctle"].statement
    assert "signatory" in loaded["ma-pdp"].requires and loaded["ma-pdp"].minimum_hours == 10
    assert "signatory" in loaded["il-pd-hours"].requires


def test_a_good_file_loads(tmp_path):
    loaded = load_profiles(write(tmp_path, GOOD))
    assert loaded.problems == []
    profile = loaded["demo-hours"]
    assert (profile.title, profile.unit_one, profile.requires) == (
        "Demo hours",
        "demo hour",
        ("name", "number", "signatory"),
    )
    assert [(line.label, line.value) for line in profile.lines] == [
        ("Provider", "{provider}"),
        ("Contact", "{contact}"),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("title: Demo hours", "title: [Demo"), "credit_profiles/demo-hours.yml:2: not valid YAML"),
        (
            ("unit_one: demo hour\n", "unit_one: demo hour\ncolour: blue\n"),
            "demo-hours.yml:5: unknown setting 'colour'",
        ),
        (("credit: Demo professional learning\n", ""), "demo-hours.yml:1: 'credit' is required"),
        (("  factor: 1", "  factor: ten"), "demo-hours.yml:6: 'conversion.factor' must be a number"),
        (("  factor: 1", "  factor: 0"), "demo-hours.yml:6: 'conversion.factor' must be more than 0"),
        (("  rounding: down", "  rounding: up"), "demo-hours.yml:8: 'conversion.rounding' must be 'down' or 'nearest'"),
        (
            ("  round_to: 0.5\n", "  round_to: 0.5\n  step: 1\n"),
            "demo-hours.yml:8: unknown setting 'step' in 'conversion'",
        ),
        (("for {amount} {unit}", "for {amount} {units}"), "demo-hours.yml:10: unknown placeholder '{units}'"),
        (("for {amount} {unit}", "for {amount:.1f} {unit}"), "demo-hours.yml:10: '{amount:.1f}' is not a placeholder"),
        (('    value: "{contact}"', '    value: "{email}"'), "demo-hours.yml:15: unknown placeholder '{email}'"),
        (("  - label: Contact\n", "  - labels: Contact\n"), "demo-hours.yml:14: unknown setting 'labels' in a line"),
        (
            ('  - label: Contact\n    value: "{contact}"\n', "  - Contact\n"),
            "demo-hours.yml:14: each line is a 'label'",
        ),
        (("requires: [name, number, signatory]", "requires: [name, fax]"), "demo-hours.yml:17: 'fax' in 'requires'"),
        (("signature: true", "signature: yes please"), "demo-hours.yml:16: 'signature' must be true or false"),
        (("signature: true", "signature: false"), "demo-hours.yml:17: 'requires' names 'signatory': print it"),
        (("number_label: Demo number\n", ""), "demo-hours.yml:9: {number} prints the provider's number"),
        (
            (", no. {number}.", "."),
            "demo-hours.yml:17: 'requires' names 'number', but neither the statement nor a line prints {number}",
        ),
        (("requires: [name, number, signatory]", "requires: [name, signatory]"), "the statement prints {number}"),
        (("signature: true", "dates: [completed]\nsignature: true"), None),
    ],
)
def test_a_mistake_is_reported_at_its_file_and_line(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    text = GOOD.replace(old, new)
    if expected is None:
        assert load_profiles(write(tmp_path, text)).problems == []
        return
    found = problems(tmp_path, text)
    assert any(expected in problem for problem in found), found


def test_the_file_name_is_the_key(tmp_path):
    assert problems(tmp_path, GOOD, "Demo Hours.yml") == [
        "credit_profiles/Demo Hours.yml:1: name the file after the profile's key: "
        "lowercase letters, digits and hyphens, not 'Demo Hours'"
    ]


def test_a_file_that_is_not_a_mapping_or_not_utf8(tmp_path):
    assert problems(tmp_path, "- just\n- a list\n") == [
        "credit_profiles/demo-hours.yml:1: a profile is a set of 'key: value' lines"
    ]
    folder = tmp_path / "credit_profiles"
    (folder / "demo-hours.yml").write_bytes("title: Caf\xe9".encode("latin-1"))
    assert [str(p) for p in load_profiles(folder).problems] == [
        "credit_profiles/demo-hours.yml:1: save the file as UTF-8"
    ]


def test_a_profile_with_a_mistake_is_left_out_and_reported_by_the_check(make_app, tmp_path):
    folder = tmp_path / "profiles"
    shutil.copytree(PROFILES, folder)
    (folder / "tx-cpe.yml").write_text((folder / "tx-cpe.yml").read_text().replace("{provider}", "{provider_name}", 1))
    app = make_app(CREDIT_PROFILES_DIR=folder)
    with app.app_context():
        from courseware.credit import all_profiles

        assert "tx-cpe" not in all_profiles() and "ny-ctle" in all_profiles()
        result = app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "profiles/tx-cpe.yml:11: unknown placeholder '{provider_name}'" in result.output
    assert "(credit profile not loaded)" in result.output
