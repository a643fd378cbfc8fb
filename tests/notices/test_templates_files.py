"""The message texts shipped in tenants/ and a province's overrides, read through the tenancy loader."""

import shutil
from pathlib import Path

import pytest
import yaml

from platform_core.notices import shipped as shipped_module
from platform_core.notices import templates
from platform_core.notices.kinds import MESSAGE_KINDS
from platform_core.notices.rendering import SAMPLE_CONTEXT, WORST_CASE_CONTEXT, build_card, render_text, validate
from platform_core.notices.shipped import read_messages
from platform_core.provisioning.sync import read_sources
from platform_core.tenancy.files import SourcesInvalid
from tests.conftest import as_tenant

OVERRIDE = {"received": {"text": "Bắc Ninh đã nhận hồ sơ {{ ma_ho_so }}.", "zns_template_id": "231001"}}


@pytest.fixture(scope="module")
def shipped(app) -> dict[str, dict]:
    return read_messages("ha-noi", app.config["TENANTS_DIR"])  # ha-noi changes nothing: the defaults


@pytest.fixture
def tenants_dir(tmp_path, app) -> Path:
    """The shipped defaults and Bắc Ninh's folder, to edit freely (without its demo messages file)."""
    target = tmp_path / "tenants"
    for name in ("_defaults", "bac-ninh"):
        shutil.copytree(Path(app.config["TENANTS_DIR"]) / name, target / name)
    (target / "bac-ninh" / "messages.vi.yaml").unlink()
    return target


def write_yaml(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems(directory: Path) -> list[str]:
    with pytest.raises(SourcesInvalid) as refused:
        read_sources(directory)
    return [str(problem) for problem in refused.value.problems]


# --- the shipped defaults --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_shipped_defaults_validate_and_render_for_every_kind(shipped, kind):
    assert validate(shipped[kind]) == {}
    text = render_text(shipped[kind], SAMPLE_CONTEXT)
    assert SAMPLE_CONTEXT["ma_ho_so"] in text and SAMPLE_CONTEXT["ten_thu_tuc"] in text
    for context in (SAMPLE_CONTEXT, WORST_CASE_CONTEXT):
        payload = build_card(shipped[kind], context).to_payload()
        rows = {row["key"]: row for row in payload["payload"]["elements"][2]["content"]}
        assert rows["Mã hồ sơ"]["value"] == context["ma_ho_so"]
        assert rows["Trạng thái"]["style"] == shipped[kind]["status_colour"]
        assert payload["payload"]["buttons"][0]["title"] == "Tra cứu"


def test_status_colours_follow_the_outcome(shipped):
    colours = {kind: texts["status_colour"] for kind, texts in shipped.items()}
    assert colours == {"received": "blue", "supplement_required": "yellow", "apology": "yellow",
                       "result_ready": "green", "returned": "green", "refused": "red", "stopped": "grey"}


def test_supplement_request_lists_every_document_on_its_own_line(shipped):
    documents = ["Tờ khai (Mẫu CT01)", "Bản sao sổ đỏ", "Văn bản ủy quyền", "Giấy xác nhận tình trạng hôn nhân"]
    lines = render_text(shipped["supplement_required"], {**SAMPLE_CONTEXT, "giay_to_can_bo_sung": documents})
    assert [line for line in lines.splitlines() if line.startswith("- ")] == [f"- {d}" for d in documents]


def test_apology_gives_the_new_date_and_the_reason(shipped):
    text = render_text(shipped["apology"], SAMPLE_CONTEXT)
    assert f"Ngày hẹn trả kết quả mới: {SAMPLE_CONTEXT['ngay_hen_moi']}" in text
    assert f"Lý do: {SAMPLE_CONTEXT['ly_do']}" in text


def test_result_ready_says_where_and_how_to_collect_it(shipped):
    text = render_text(shipped["result_ready"], SAMPLE_CONTEXT)
    assert SAMPLE_CONTEXT["co_quan"] in text
    assert "Giấy tiếp nhận hồ sơ" in text and "bưu chính" in text


def test_refusal_and_stop_give_the_reason(shipped):
    for kind in ("refused", "stopped"):
        assert f"Lý do: {SAMPLE_CONTEXT['ly_do']}" in render_text(shipped[kind], SAMPLE_CONTEXT)


def test_every_province_gets_every_kind(app):
    sources = read_sources(app.config["TENANTS_DIR"])
    assert len(sources.messages) == 34
    assert all(set(messages) == set(MESSAGE_KINDS) for messages in sources.messages.values())


# --- a province's overrides ------------------------------------------------------------------------------------

def test_a_province_file_replaces_only_the_kinds_and_fields_it_names(tenants_dir):
    defaults = read_messages("bac-ninh", tenants_dir)
    write_yaml(tenants_dir / "bac-ninh" / "messages.vi.yaml", OVERRIDE)
    merged = read_messages("bac-ninh", tenants_dir)
    assert merged["received"] == {**defaults["received"], **OVERRIDE["received"]}
    assert {kind: merged[kind] for kind in MESSAGE_KINDS if kind != "received"} == {
        kind: defaults[kind] for kind in MESSAGE_KINDS if kind != "received"
    }


def test_the_texts_are_read_once_per_process_until_a_file_changes(tenants_dir, monkeypatch):
    checked = []
    monkeypatch.setattr(shipped_module, "validate_template", lambda texts: checked.append(texts) or {})
    first = read_messages("bac-ninh", tenants_dir)
    first["received"]["text"] = "changed by a caller"
    again = read_messages("bac-ninh", tenants_dir)
    read_messages("ha-noi", tenants_dir)  # another province, without a file of its own
    assert checked and len(checked) == len(MESSAGE_KINDS)  # the defaults, checked once for all three calls
    assert again["received"]["text"] != "changed by a caller"  # each caller gets its own copy

    write_yaml(tenants_dir / "bac-ninh" / "messages.vi.yaml", OVERRIDE)
    assert read_messages("bac-ninh", tenants_dir)["received"]["text"] == OVERRIDE["received"]["text"]


def test_the_service_makes_version_1_from_the_province_file(tenants_dir, app, monkeypatch, tenant_a):
    write_yaml(tenants_dir / "bac-ninh" / "messages.vi.yaml", OVERRIDE)
    monkeypatch.setitem(app.config, "TENANTS_DIR", str(tenants_dir))
    with as_tenant(tenant_a):
        received = templates.current_template("received")
        assert (received.text, received.zns_template_id) == (OVERRIDE["received"]["text"], "231001")
        assert templates.current_template("returned").text == read_messages("ha-noi", tenants_dir)["returned"]["text"]


def test_a_province_template_with_an_unknown_field_is_refused_by_the_loader(tenants_dir):
    write_yaml(tenants_dir / "bac-ninh" / "messages.vi.yaml", {"refused": {"card_text": "CMND {{ so_cmnd }}"}})
    assert problems(tenants_dir) == ["tenants/bac-ninh/messages.vi.yaml: refused.card_text: unknown field “so_cmnd”"]


def test_unknown_kinds_and_keys_are_refused(tenants_dir):
    write_yaml(tenants_dir / "bac-ninh" / "messages.vi.yaml",
               {"recieved": {"text": "x"}, "received": {"colour": "red"}})
    assert problems(tenants_dir) == [
        "tenants/bac-ninh/messages.vi.yaml: received.colour: unknown field (see tenants/README.md for the format)",
        "tenants/bac-ninh/messages.vi.yaml: recieved: unknown field (see tenants/README.md for the format)",
    ]


def test_the_defaults_must_cover_every_kind(tenants_dir):
    path = tenants_dir / "_defaults" / "messages.vi.yaml"
    defaults = yaml.safe_load(path.read_text(encoding="utf-8"))
    del defaults["apology"]
    write_yaml(path, defaults)
    assert problems(tenants_dir) == ["tenants/_defaults/messages.vi.yaml: apology: Missing data for required field."]


def test_the_demo_provinces_use_the_sandbox_zns_templates():
    for slug in ("bac-ninh", "da-nang", "an-giang"):
        messages = read_messages(slug)
        assert [messages[kind]["zns_template_id"] for kind in ("received", "supplement_required", "result_ready")] \
            == ["231001", "231003", "231002"]
