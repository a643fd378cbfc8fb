"""Reading and checking an import file, without a request: what is refused as a whole, which row errors are
reported (row numbers as Excel shows them), and what the plan says would change."""

import codecs
import io
import zipfile

import pytest
from openpyxl import Workbook

from platform_core.catalogue import exporter, importer
from platform_core.catalogue.columns import KEYS
from platform_core.catalogue.constants import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    MAX_XLSX_COLUMNS_READ,
    MAX_XLSX_ROWS_READ,
)
from platform_core.catalogue.importer import CHANGED, NEW, UNCHANGED, FileRefused

HEADER = ",".join(KEYS)
BIRTH = {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": "xa",
         "agency": "UBND cấp xã", "online_level": "toan_trinh", "processing_time_value": 0,
         "processing_time_unit": "working_day", "processing_time_note": "trong ngày", "fee_vnd": 0,
         "fee_note": None, "result": "Giấy khai sinh", "required_documents": "Tờ khai\nGiấy chứng sinh",
         "enabled": True}
CURRENT = {"1.001193": BIRTH}


@pytest.fixture(autouse=True)
def english(app):
    """Messages are lazy translations; they are read in an English request, as a page would show them."""
    with app.test_request_context("/?lang=en"):
        yield


def read(text: str | bytes, filename: str = "file.csv") -> importer.Table:
    return importer.read_table(filename, text.encode() if isinstance(text, str) else text)


def check(text: str, current=None):
    return importer.check_rows(read(text), CURRENT if current is None else current)


def errors_of(text: str) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, str(error.message)) for error in check(text)[1]]


def refusal(data: bytes | str, filename: str = "file.csv") -> str:
    with pytest.raises(FileRefused) as refused:
        read(data, filename)
    return str(refused.value.message)


# --- files refused as a whole -------------------------------------------------------------------------------

def test_only_csv_and_xlsx_names_are_taken():
    assert "Choose a .csv or .xlsx file." in refusal("code\n1.001193\n", "danh-muc.pdf")
    assert "Choose a .csv or .xlsx file." in refusal("code\n1.001193\n", "")


def test_a_binary_file_named_csv_is_not_a_csv():
    assert "This is not a CSV file." in refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_an_old_excel_file_is_explained():
    assert "old Excel file (.xls)" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls.csv")


def test_a_damaged_workbook_is_refused():
    assert "could not be read as an Excel workbook" in refusal(b"PK\x03\x04 not really a zip", "a.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "could not be read as an Excel workbook" in refusal(buffer.getvalue(), "a.xlsx")


def test_a_workbook_that_unpacks_too_large_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/bomb.xml", b"0" * (41 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_UPLOAD_BYTES
    assert "too large once unpacked" in refusal(buffer.getvalue(), "a.xlsx")


def test_a_file_over_the_size_limit_is_refused():
    data = (HEADER + "\n").encode() + b"#" * MAX_UPLOAD_BYTES
    assert "larger than 2 MB" in refusal(data)


def test_too_many_rows_are_refused():
    rows = "".join(f"1.{number:06d},x\n" for number in range(MAX_UPLOAD_ROWS + 1))
    assert "more than 5.000 procedures" in refusal("code,agency\n" + rows)
    assert len(read("code,agency\n" + rows[: -len("1.005000,x\n")]).rows) == MAX_UPLOAD_ROWS


def test_text_that_is_not_utf8_is_refused_with_how_to_save_it():
    message = refusal("code,agency\n1.001193,UBND Hòa Vang\n".encode("cp1252"))
    assert "not in UTF-8" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("text", ["", "\n\n", "   "])
def test_an_empty_file_is_refused(text):
    assert "The file is empty." in refusal(text)


def test_a_header_without_rows_is_refused():
    assert "a header but no procedures" in refusal(HEADER + "\n,,,\n")


@pytest.mark.parametrize(("header", "named"), [
    ("Danh mục thủ tục hành chính", "Not recognised: danh_muc_thu_tuc_hanh_chinh."),  # a title above the table
    ("code,agency,phi", "Not recognised: phi."),
    ("name,agency", "(at least code)"),
    ("code,,agency", "Not recognised: ?."),
])
def test_a_wrong_header_is_refused_naming_the_columns(header, named):
    message = refusal(header + "\n1.001193,x,y\n")
    assert "The first row must name the columns" in message
    assert named in message
    assert "code, name, field, level" in message


def test_a_repeated_column_is_refused():
    assert "appear twice in the first row: agency" in refusal("code,agency,Agency\n1.001193,x,y\n")


def test_an_unterminated_quote_is_reported_not_raised():
    big = "code,name\n1.001193,\"" + "x" * 200_000 + "\n"
    assert "could not be read as CSV near row" in refusal(big)


# --- what is read --------------------------------------------------------------------------------------------

def test_excel_csv_variants_are_read_alike():
    rows = [(2, ["1.001193", "UBND xã Hòa Vang", "20.000"])]
    plain = "code,agency,fee_vnd\n1.001193,UBND xã Hòa Vang,20.000\n"
    assert read(plain).rows == rows
    assert read(codecs.BOM_UTF8 + plain.replace("\n", "\r\n").encode()).rows == rows  # Excel's "CSV UTF-8"
    assert read(plain.replace(",", ";").replace("20.000", "20.000")).rows == rows     # Vietnamese list separator
    assert read(plain.replace(",", "\t").encode("utf-16")).rows == rows               # Excel's "Unicode text"


def test_headers_are_matched_without_case_or_spaces():
    assert read(" Code ;AGENCY;Fee VND\n1.001193;x;1\n").columns == ["code", "agency", "fee_vnd"]


def test_blank_rows_are_skipped_but_rows_keep_their_excel_numbers():
    table = read("code,agency\n\n1.001193,x\n,\n1.000894,y\n")
    assert [number for number, _cells in table.rows] == [3, 5]


def test_decomposed_vietnamese_from_a_mac_is_composed():
    import unicodedata
    text = unicodedata.normalize("NFD", "code,agency\n1.001193,UBND cấp xã\n")
    rows, errors = check(text)
    assert errors == []
    assert rows[0].values["agency"] == "UBND cấp xã"


def test_an_xlsx_sheet_is_read_as_typed_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "agency", "fee_vnd", "processing_time_value", "processing_time_unit", "enabled"])
    sheet.append(["1.001193", "UBND xã Hòa Vang", 20000, 3.0, "day", False])
    sheet.append([])
    sheet.append(["1.000894", None, None, None, None, True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read(buffer.getvalue(), "danh-muc.XLSX")
    assert table.columns == ["code", "agency", "fee_vnd", "processing_time_value", "processing_time_unit", "enabled"]
    assert table.rows == [(2, ["1.001193", "UBND xã Hòa Vang", "20000", "3", "day", "no"]),
                          (4, ["1.000894", "", "", "", "", "yes"])]


# --- row errors --------------------------------------------------------------------------------------------

def test_every_row_error_is_reported_with_row_and_column():
    text = (
        "code,name,field,level,agency,online_level,fee_vnd\n"
        "1.001193,Đăng ký khai sinh,Hộ tịch,huyen,UBND,toan_trinh,0\n"      # 2: unknown level
        "1.001193,Đăng ký khai sinh,Hộ tịch,xa,UBND,toan_trinh,0\n"         # 3: duplicate code
        ",Thủ tục không mã,Hộ tịch,xa,UBND,khong,0\n"                       # 4: missing code
        "2.000635,Trích lục,Hộ tịch,xa,UBND,toan_trinh,tám nghìn\n"          # 5: non-numeric fee (new code)
        "1.ABC,Sai mã,Hộ tịch,xa,UBND,khong,-5\n"                            # 6: bad code, negative fee
        "2.000636,Thiếu,,xa,,khong,\n"                                        # 7: new code, incomplete
    )
    assert errors_of(text) == [
        (2, "level", "Unknown value “huyen”: write one of “Cấp tỉnh”, “Cấp xã”, “Cấp trung ương”."),
        (3, "code", "Code 1.001193 is also on row 2."),
        (4, "code", "Required."),
        (5, "fee_vnd", "Must be a whole number, like 20000."),
        (6, "code", "“1.ABC” is not a procedure code: write it like 1.004222 (optionally with a local suffix, "
                    "like 1.004222.H24)."),
        (6, "fee_vnd", "Must be 0 or more."),
        (7, "field", "Required."),
        (7, "agency", "Required."),
    ]


def test_a_new_code_must_give_every_required_column():
    assert errors_of("code,agency\n2.000635,UBND\n") == [
        (2, "name", "Required for a new procedure."),
        (2, "field", "Required for a new procedure."),
        (2, "level", "Required for a new procedure."),
        (2, "online_level", "Required for a new procedure."),
    ]


def test_a_known_code_may_give_only_some_columns_but_not_empty_required_ones():
    assert errors_of("code,agency\n1.001193,UBND xã Hòa Vang\n") == []
    assert errors_of("code,agency\n1.001193,\n") == [(2, "agency", "Required.")]


def test_a_time_needs_its_number_and_unit_together():
    assert errors_of("code,processing_time_value,processing_time_unit\n1.001193,5,\n") == [
        (2, "processing_time_unit", "Give the time unit with the number.")]
    assert errors_of("code,processing_time_value\n1.001193,\n") == [
        (2, "processing_time_value", "Give the number with the time unit.")]
    assert errors_of("code,processing_time_value\n1.001193,12\n") == []  # the unit it has stays
    assert errors_of("code,processing_time_value,processing_time_unit\n1.001193,1,week\n") == [
        (2, "processing_time_unit", "Unknown value “week”: write one of “ngày làm việc”, “ngày”, “giờ”.")]


def test_extra_cells_beyond_the_header_are_an_error_unless_empty():
    assert errors_of("code,agency\n1.001193,x,,\n") == []
    assert errors_of("code,agency\n1.001193,x,lạc cột\n") == [
        (2, "", "This row has more cells than the first row has columns.")]


@pytest.mark.parametrize(("typed", "fee"), [("20000", 20000), ("20.000", 20000), ("20,000", 20000),
                                            ("1 200 000", 1200000), ("0", 0), ("", None)])
def test_fees_are_read_as_vietnamese_write_them(typed, fee):
    rows, errors = check(f'code,fee_vnd\n1.001193,"{typed}"\n')
    assert errors == []
    assert rows[0].values["fee_vnd"] == fee


@pytest.mark.parametrize("typed", ["20.5", "20.00", "2e4", "hai mươi", "1,2,3"])
def test_fees_that_are_not_whole_numbers_are_refused(typed):
    assert errors_of(f'code,fee_vnd\n1.001193,"{typed}"\n') == [(2, "fee_vnd", "Must be a whole number, like 20000.")]


@pytest.mark.parametrize(("typed", "stored"), [("Toàn trình", "toan_trinh"), ("MOT PHAN", "mot_phan"),
                                               ("không", "khong")])
def test_choices_may_be_typed_as_words(typed, stored):
    rows, _ = check(f"code,online_level\n1.001193,{typed}\n")
    assert rows[0].values["online_level"] == stored


def test_yes_and_no_in_either_language():
    values = [check(f"code,enabled\n1.001193,{typed}\n")[0][0].values.get("enabled")
              for typed in ("yes", "Có", "1", "no", "Không", "false", "")]
    assert values == [True, True, True, False, False, False, None]
    assert errors_of("code,enabled\n1.001193,maybe\n") == [(2, "enabled", "Write yes or no.")]


# --- the plan -------------------------------------------------------------------------------------------------

def test_the_plan_lists_new_changed_and_unchanged_with_old_and_new_values():
    text = ("code,name,field,level,agency,online_level,fee_vnd\n"
            "1.001193,Đăng ký khai sinh,Hộ tịch,xa,UBND xã Hòa Vang,toan_trinh,0\n"
            "1.000656,Đăng ký khai tử,Hộ tịch,xa,UBND cấp xã,mot_phan,\n")
    rows, errors = check(text)
    plan = importer.plan(rows, CURRENT)
    assert errors == []
    assert [(c.row, c.code, c.kind) for c in plan.changes] == [(2, "1.001193", CHANGED), (3, "1.000656", NEW)]
    assert plan.changed[0].differences == [("agency", "UBND cấp xã", "UBND xã Hòa Vang")]
    assert plan.new[0].after == {"name": "Đăng ký khai tử", "field": "Hộ tịch", "level": "xa",
                                 "agency": "UBND cấp xã", "online_level": "mot_phan", "fee_vnd": None,
                                 "enabled": True}
    unchanged = importer.plan(check("code,agency\n1.001193,UBND cấp xã\n")[0], CURRENT)
    assert [change.kind for change in unchanged.changes] == [UNCHANGED]


def test_the_digest_changes_when_the_effect_changes():
    rows, _ = check("code,agency\n1.001193,UBND xã Hòa Vang\n")
    before = importer.plan(rows, CURRENT).digest
    assert importer.plan(rows, CURRENT).digest == before
    assert importer.plan(rows, {"1.001193": BIRTH | {"agency": "Khác"}}).digest != before


# --- export reads back ------------------------------------------------------------------------------------------

class _Row:
    def __init__(self, **values):
        self.__dict__.update(values)


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_export_reads_back_unchanged_even_with_formula_like_text(extension):
    tricky = BIRTH | {"name": "=HYPERLINK(\"http://x\")", "fee_note": "-10% online", "result": "@ phường",
                      "processing_time_value": None, "processing_time_unit": None, "enabled": False}
    data = (exporter.to_csv if extension == "csv" else exporter.to_xlsx)([_Row(**tricky)])
    if extension == "csv":
        assert b"'=HYPERLINK" in data and data.startswith(codecs.BOM_UTF8)
    rows, errors = importer.check_rows(read(data, f"x.{extension}"), {"1.001193": tricky})
    assert errors == []
    assert [change.kind for change in importer.plan(rows, {"1.001193": tricky}).changes] == [UNCHANGED]


def test_the_choices_are_those_of_the_tenants_files():
    from platform_core.catalogue import constants
    from platform_core.catalogue.loader import procedure_columns
    from platform_core.provisioning import schemas

    assert tuple(constants.LEVELS) == schemas.LEVELS
    assert tuple(constants.ONLINE_LEVELS) == schemas.ONLINE_LEVELS
    assert tuple(constants.TIME_UNITS) == schemas.TIME_UNITS
    assert set(KEYS) == set(procedure_columns(BIRTH | {"processing_time": None}))


# --- the XLSX reader is bounded by what it reads ----------------------------------------------------------------

def _workbook(*cells: tuple[str, object]) -> bytes:
    """A workbook with our header, one procedure, and the given far cells; openpyxl declares the dimension
    from the farthest cell, as the 4.7 KB bomb did (`<dimension ref="A1:XFD1048576"/>`)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "agency"])
    sheet.append(["1.001193", "UBND xã Hòa Vang"])
    for reference, value in cells:
        sheet[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_declared_dimension_bomb_is_refused_without_walking_it():
    data = _workbook(("XFD1048576", "x"))
    assert len(data) < 10_000
    assert "goes on past row 10.000" in refusal(data, "a.xlsx")


def test_the_row_bound_counts_blank_rows_read_not_only_rows_kept():
    # Two kept rows only, but the reader must walk 10,000 blank rows to reach the far one.
    assert "goes on past row" in refusal(_workbook((f"A{MAX_XLSX_ROWS_READ + 1}", "1.000894")), "a.xlsx")
    table = read(_workbook((f"A{MAX_XLSX_ROWS_READ}", "1.000894")), "a.xlsx")
    assert [number for number, _cells in table.rows] == [2, MAX_XLSX_ROWS_READ]


def test_cells_past_the_column_bound_are_not_read():
    table = read(_workbook(("XFD2", "far"), ("C3", "1.000894")), "a.xlsx")
    assert table.rows == [(2, ["1.001193", "UBND xã Hòa Vang"]), (3, ["", "", "1.000894"])]
    assert all(len(cells) <= MAX_XLSX_COLUMNS_READ for _number, cells in table.rows)


def test_choices_accept_their_vietnamese_and_english_labels_with_or_without_accents():
    text = (
        "code,name,field,level,agency,online_level,fee_vnd,processing_time_value,processing_time_unit\n"
        "1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND,Toàn trình,0,3,ngày làm việc\n"
        "1.000894,Đăng ký kết hôn,Hộ tịch,cap tinh,UBND,mot phan,0,5,Ngày\n"
        "1.000895,Trích lục,Hộ tịch,Central level,UBND,Không trực tuyến,0,4,giờ\n"
    )
    rows, errors = check(text)
    assert errors == []
    assert [(row.values["level"], row.values["online_level"], row.values["processing_time_unit"]) for row in rows] \
        == [("xa", "toan_trinh", "working_day"), ("tinh", "mot_phan", "day"), ("trung_uong", "khong", "hour")]
