"""The settings as a form: the `Thông tin văn bản` sheet and its two tables.

A clerk does not type YAML. The workbook made by `init` has one labelled row per
setting (sheet `Thông tin văn bản`: Thông tin | Nội dung | Ghi chú | Khóa, the key column
hidden), a table of issue dates (`Ngày ban hành`: Kỳ báo cáo | Ngày ban hành) and a table
of report numbers (`Số văn bản`: Kỳ báo cáo | Mã đơn vị | Số văn bản). This module turns
those rows into the same plain settings mapping dataset.yaml gives, plus where each
setting was typed, so the settings parser names the form's cell in its messages.

Keys are dotted paths into that mapping ("agency.quan.name"); a key repeated on several
rows ("recipients.quan") is a list, one item per row (or per line of a cell). Both the
writer (workbook.py) and the reader use the tables below.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from reportgen.dataset.cells import parse_bool, parse_date_text
from reportgen.i18n import N_
from reportgen.periods import Period, PeriodError
from reportgen.problems import Location, Problem

# Settings whose value is a list: one item per row of the form.
LIST_SETTINGS = ("addressees", "recipients")
# The labels a clerk reads, per key (a key not listed is labelled with the key itself).
LABELS: dict[str, str] = {
    "title": "Lĩnh vực báo cáo (tiêu đề)",
    "root": "Mã đơn vị gốc (đơn vị cao nhất)",
    "place": "Địa danh ghi ở dòng ngày tháng",
    "issue_date": "Ngày ban hành chung (khi kỳ không có ngày riêng)",
    "percent_decimals": "Số chữ số thập phân của tỷ lệ %",
    "leading_zero_counts": "Viết số 0 trước số đếm dưới 10 (05 lớp)",
    "templates": "Thư mục mẫu riêng của cơ quan",
    "pdf_engine": "Bộ tạo PDF (weasyprint hoặc typst)",
    "agency.parent": "Tên cơ quan cấp trên (dòng 1 bên trái)",
    "agency.name": "Tên cơ quan ban hành (dòng 2 bên trái)",
    "agency.short": "Tên viết tắt (trong số ký hiệu)",
    "signer.authority": "Thẩm quyền ký (KT. GIÁM ĐỐC, TL., TM.)",
    "signer.title": "Chức vụ người ký",
    "signer.name": "Họ và tên người ký",
    "addressees": "Kính gửi (mỗi nơi một dòng)",
    "recipients": "Nơi nhận (mỗi nơi một dòng)",
}
HINTS: dict[str, str] = {
    "title": "Ví dụ: Phòng, chống tệ nạn xã hội",
    "root": "Mã của đơn vị cao nhất trong sheet Đơn vị, ví dụ 01",
    "place": "Để trống: lấy tên đơn vị bỏ chữ chỉ cấp (Quận Nam Từ Liêm → Nam Từ Liêm)",
    "issue_date": "Ngày/tháng/năm, ví dụ 05/07/2024; ngày riêng từng kỳ ghi ở sheet Ngày ban hành",
    "percent_decimals": "0, 1, 2 hoặc 3 (1: 67,4%)",
    "leading_zero_counts": "Chọn Có hoặc Không",
    "agency.parent": "Ví dụ: UBND THÀNH PHỐ HÀ NỘI; {{ unit.name | upper }} thay bằng tên đơn vị",
    "agency.name": "Ví dụ: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "agency.short": "Ví dụ: SLĐTBXH (Số: …/BC-SLĐTBXH)",
    "signer.authority": "Để trống nếu thủ trưởng ký trực tiếp",
    "signer.title": "Ví dụ: PHÓ GIÁM ĐỐC",
    "signer.name": "Ví dụ: Nguyễn Văn A",
    "addressees": "Một cơ quan trên một dòng; thêm dòng nếu cần",
    "recipients": "Ví dụ: - Như trên;  - Lưu: VT, LĐTBXH.",
}
LEVEL_NAMES = {"country": "Trung ương", "province": "Tỉnh", "thanh-pho": "Thành phố",
               "quan": "Quận", "huyen": "Huyện", "thi-xa": "Thị xã", "phuong": "Phường",
               "xa": "Xã", "thi-tran": "Thị trấn"}
YES, NO = "Có", "Không"


def generic_key(key: str) -> str:
    """"agency.quan.name" → "agency.name": the label of a per-level setting."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1] in LEVEL_NAMES:
        return f"{parts[0]}.{parts[2]}"
    if len(parts) == 2 and parts[1] in LEVEL_NAMES:
        return parts[0]
    return key


def label_of(key: str) -> str:
    return LABELS.get(generic_key(key), key)


def hint_of(key: str) -> str:
    return HINTS.get(generic_key(key), "")


def _key_of_label(label: str) -> str | None:
    folded = label.strip().casefold()
    for key, text in LABELS.items():
        if "." not in key and text.casefold() == folded:
            return key
    return None


def read_form(tables: dict[str, Any], problems: list[Problem]) -> tuple[dict, Callable[[str], Location]]:
    """The form's tables (load.py's _Table: .records(), .location()) → (settings mapping,
    location_of(key)). Cell-level mistakes are problems with the cell's location."""
    raw: dict[str, Any] = {}
    where: dict[str, Location] = {}
    form = tables["form"]
    fallback = form.location()
    if form.check_columns(("value",)):
        _read_fields(form, raw, where, problems)
    if "issue_dates" in tables and tables["issue_dates"].check_columns(("period", "date")):
        _read_issue_dates(tables["issue_dates"], raw, where, problems)
    if "report_numbers" in tables and tables["report_numbers"].check_columns(("period", "unit", "number")):
        _read_report_numbers(tables["report_numbers"], raw, where, problems)

    def location_of(key: str) -> Location:
        if key in where:
            return where[key]
        return Location(fallback.file, fallback.sheet, column=label_of(key))

    return raw, location_of


def _read_fields(form, raw: dict, where: dict[str, Location], problems: list[Problem]) -> None:
    for row, cells in form.records():
        key = cells["key"].text if "key" in cells else ""
        if not key and "label" in cells:
            key = _key_of_label(cells["label"].text) or ""
        text = cells["value"].text
        if not key or not text:
            continue  # a section heading, or a setting left empty
        cell = cells["value"]
        label = cells["label"].text if "label" in cells and cells["label"].text else label_of(key)
        location = Location(cell.location.file, cell.location.sheet, row, label,
                            cell.location.column_letter)
        value = _field_value(key, text, location, problems)
        if value is None:
            continue
        path = key.split(".")
        if path[0] in LIST_SETTINGS:
            items = [line.strip() for line in str(value).split("\n") if line.strip()]
            _put(raw, path, items, extend=True)
        else:
            _put(raw, path, value)
        where.setdefault(key, location)


def _put(raw: dict, path: list[str], value: Any, *, extend: bool = False) -> None:
    target = raw
    for part in path[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    if extend:
        existing = target.get(path[-1])
        target[path[-1]] = (existing if isinstance(existing, list) else []) + value
    else:
        target[path[-1]] = value


def _field_value(key: str, text: str, location: Location, problems: list[Problem]) -> Any:
    if key == "percent_decimals":
        return int(text.split(".")[0]) if text.replace(".0", "").isdigit() else text
    if key == "leading_zero_counts":
        value = parse_bool(text, False)
        if value is None:
            problems.append(Problem.error(location, N_("not yes or no"),
                                          fix=N_("choose Có or Không"), value=text))
        return value
    if key == "issue_date":
        return _date(text, location, problems)
    if key == "root":
        from reportgen.dataset.load import strip_list_label

        return strip_list_label(text)
    return text


def _date(text: str, location: Location, problems: list[Problem]):
    value = parse_date_text(text)
    if value is None:
        problems.append(Problem.error(location, N_("not a date"),
                                      fix=N_("type the date as day/month/year, e.g. 05/07/2024, or use a date cell"),
                                      value=text))
    return value


def _period(cell, problems: list[Problem]) -> str | None:
    try:
        return Period.parse(cell.text).code
    except PeriodError:
        problems.append(Problem.error(cell.location, N_("not a period code"),
                                      fix=N_("write the period as 2023-H1, 2023-9M, 2023-Y or 2023-Q3"),
                                      value=cell.text))
        return None


def _read_issue_dates(table, raw: dict, where: dict[str, Location], problems: list[Problem]) -> None:
    dates: dict[str, Any] = {}
    where.setdefault("issue_dates", table.location())  # main's schema asks by top-level key
    for _row, cells in table.records():
        period = _period(cells["period"], problems)
        if cells["date"].text == "":
            continue  # a period listed without its date yet: the date line keeps blanks
        value = _date(cells["date"].text, cells["date"].location, problems)
        if period is None or value is None:
            continue
        if period in dates:
            problems.append(Problem.error(cells["period"].location, N_("the period {period} is listed twice"),
                                          fix=N_("keep one row per period"), period=period))
            continue
        dates[period] = value
        where[f"issue_dates.{period}"] = cells["date"].location
    raw["issue_dates"] = dates


def _read_report_numbers(table, raw: dict, where: dict[str, Location], problems: list[Problem]) -> None:
    numbers: dict[str, dict[str, str]] = {}
    where.setdefault("report_numbers", table.location())
    for _row, cells in table.records():
        period = _period(cells["period"], problems)
        unit, number = cells["unit"].text, cells["number"].text
        if not unit:
            problems.append(Problem.error(cells["unit"].location, N_("the unit code is empty"),
                                          fix=N_("write the official administrative code, e.g. 001")))
            continue
        if period is None or not number:
            continue
        numbers.setdefault(period, {})[unit] = number
        where[f"report_numbers.{period}.{unit}"] = cells["unit"].location
    raw["report_numbers"] = numbers


def form_rows(settings: dict[str, Any], levels: Iterable[str]) -> list[tuple[str, Any]]:
    """The settings mapping as the form's (key, value) rows, in the form's order; a key
    of None is a section heading (its value is the heading's text). Per-level settings
    get one block per level of the unit tree, filled from the mapping where it has them."""
    levels = list(dict.fromkeys(levels))
    rows: list[tuple[str | None, Any]] = [(None, "THÔNG TIN CHUNG")]
    for key in ("title", "root", "place", "issue_date", "percent_decimals", "leading_zero_counts"):
        value = settings.get(key)
        if key == "leading_zero_counts":
            value = YES if value else NO
        rows.append((key, value))
    done = {"title", "root", "place", "issue_date", "percent_decimals", "leading_zero_counts",
            "issue_dates", "report_numbers", "agency", "signer", "addressees", "recipients"}
    for level in levels:
        rows.append((None, f"CẤP {LEVEL_NAMES.get(level, level).upper()} (báo cáo của các đơn vị cấp {LEVEL_NAMES.get(level, level)})"))
        agency = _for_level(settings.get("agency"), level) or {}
        for part in ("parent", "name", "short"):
            rows.append((f"agency.{level}.{part}", agency.get(part) if isinstance(agency, dict) else None))
        signer = _for_level(settings.get("signer"), level) or {}
        for part in ("authority", "title", "name"):
            rows.append((f"signer.{level}.{part}", signer.get(part) if isinstance(signer, dict) else None))
        for key in LIST_SETTINGS:
            items = _for_level(settings.get(key), level)
            items = [items] if isinstance(items, str) else list(items or [])
            for item in items + [None] * (2 if items else 3):
                rows.append((f"{key}.{level}", item))
    others = [(k, v) for k, v in settings.items() if k not in done]
    if others:
        rows.append((None, "THÔNG TIN KHÁC"))
        for key, value in others:
            for path, item in _flatten(key, value):
                rows.append((path, item))
    return rows


def _for_level(value: Any, level: str) -> Any:
    """A per-level setting's value for `level` ({quan: …}), or the value itself when the
    setting is the same for every level."""
    if isinstance(value, dict) and any(k in LEVEL_NAMES for k in value):
        return value.get(level)
    return value


def _flatten(key: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flatten(f"{key}.{k}", v)]
    if isinstance(value, list):
        return [(key, item) for item in value]
    return [(key, value)]
