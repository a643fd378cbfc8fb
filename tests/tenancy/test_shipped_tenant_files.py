"""The files shipped in tenants/ are valid and say what the 2025 reform says."""

import pytest

from platform_core.provisioning.sync import read_sources

DEMO_PROVINCES = {
    "bac-ninh": ("Trung tâm PVHCC thành phố Bắc Ninh", "Bắc Ninh"),
    "da-nang": ("Trung tâm PVHCC TP Đà Nẵng", "Đà Nẵng"),
    "an-giang": ("Trung tâm PVHCC tỉnh An Giang", "An Giang"),
}
SEED_CODES = {"1.001193", "1.000894", "1.004873", "2.000635", "1.004222",
              "1.013978", "1.013831", "1.013225", "1.012575", "1.012812"}
# The only fees a source gave (docs/domain.md §8.4); every other fee must stay unknown (null).
KNOWN_FEES = {"1.001193": 0, "1.000894": 0, "2.000635": 8000, "1.004222": 20000, "1.012812": 0}


@pytest.fixture(scope="module")
def sources(app):
    return read_sources(app.config["TENANTS_DIR"])


def test_all_34_provinces_load(sources):
    assert len(sources.provinces) == 34
    assert len({province["code"] for province in sources.provinces.values()}) == 34
    assert set(sources.catalogues) == set(sources.provinces)


def test_25_provinces_and_9_centrally_run_cities(sources):
    """Six cities after the 2025 merger, then Đồng Nai, Quảng Ninh and Bắc Ninh (Resolutions 30, 36 and
    39/2026/QH16; docs/domain.md §5.3)."""
    cities = {slug for slug, p in sources.provinces.items() if p["unit_type"] == "thanh_pho"}
    assert cities == {"ha-noi", "hai-phong", "hue", "da-nang", "ho-chi-minh", "can-tho", "dong-nai", "quang-ninh",
                      "bac-ninh"}
    assert {"30/2026/QH16", "36/2026/QH16", "39/2026/QH16"} <= {
        ref for slug in ("dong-nai", "quang-ninh", "bac-ninh") for ref in sources.provinces[slug]["legal_refs"]}


@pytest.mark.parametrize(("slug", "code", "old_codes"), [
    ("an-giang", "91", ["89", "91"]),     # took Kiên Giang's code, not An Giang's 89
    ("bac-ninh", "24", ["27", "24"]),     # took Bắc Giang's code
    ("dong-thap", "82", ["87", "82"]),    # took Tiền Giang's code
    ("ha-noi", "01", ["01"]),
])
def test_merged_provinces_keep_the_capital_hosts_code(sources, slug, code, old_codes):
    province = sources.provinces[slug]
    assert province["code"] == code
    assert [p["old_code"] for p in province["predecessors"]] == old_codes


def test_every_province_cites_the_reform(sources):
    for province in sources.provinces.values():
        assert province["legal_refs"][:2] == ["202/2025/QH15", "19/2025/QĐ-TTg"]
        assert province["timezone"] == "Asia/Ho_Chi_Minh"


def test_default_catalogue_has_the_seed_procedures_and_invents_no_fee(sources):
    defaults = {record["code"]: record for record in sources.catalogues["ha-noi"]}  # ha-noi changes nothing
    assert set(defaults) >= SEED_CODES
    assert {code: r["fee_vnd"] for code, r in defaults.items() if r["fee_vnd"] is not None} == KNOWN_FEES
    assert defaults["1.004222"]["processing_time"] == {"value": 7, "unit": "working_day", "note": None}


@pytest.mark.parametrize("slug", sorted(DEMO_PROVINCES))
def test_demo_provinces_have_a_profile_and_their_own_agencies(sources, slug):
    oa_name, place = DEMO_PROVINCES[slug]
    profile = sources.provinces[slug]["profile"]
    assert profile["oa_name"] == oa_name
    assert any(agency["one_stop_centre"] for agency in profile["agencies"])
    catalogue = sources.catalogues[slug]
    assert len(catalogue) == len(sources.catalogues["ha-noi"])
    assert all(place in record["agency"] for record in catalogue)


def test_provinces_without_a_catalogue_get_the_defaults(sources):
    assert sources.provinces["hue"]["profile"] is None
    assert sources.catalogues["hue"] == sources.catalogues["ha-noi"]
    assert {record["agency"] for record in sources.catalogues["hue"]} >= {"UBND cấp xã", "Công an cấp xã"}
