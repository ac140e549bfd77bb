"""The document model: what a report says, in blocks, with every figure already phrased.

Composed once (compose.py) and rendered twice (render/docx.py, render/html.py). Renderers
read these objects and decide only layout; they never compute a figure or phrase a
sentence, so the DOCX and the PDF cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, Union


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look. `placeholder` marks text the clerk must replace
    (rendered highlighted in both formats)."""

    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first-line indent (official-format.md §4)."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Heading:
    """A section heading. level 1: "I. KẾT QUẢ…" (UPPER, bold); level 2: "1. Công tác…"
    (bold); level 3: "a) …" (bold italic). `text` includes its numbering."""

    level: Literal[1, 2, 3]
    text: str


@dataclass(frozen=True)
class Column:
    """A table column: its caption, its width relative to the other columns (the renderers
    turn weights into millimetres or shares of the page), its alignment."""
    title: str
    weight: int
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Table:
    """A data table. Cells are already formatted strings. The header row repeats on every
    page; `total` (the "Tổng cộng" row), when present, is bold."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    # A machine-readable twin of the table (raw numbers, no formatting), written as XLSX
    # beside the report: header names and rows of int / Decimal / str / None.
    data_header: tuple[str, ...] = ()
    data_rows: tuple[tuple[object, ...], ...] = ()


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of one series (e.g. % of plan by unit). Values are exact and
    already computed; labels are already formatted vi-VN."""

    caption: str
    categories: tuple[str, ...]
    values: tuple[Decimal, ...]
    value_labels: tuple[str, ...]
    axis_label: str
    reference_value: Decimal | None = None  # e.g. 100 (% of plan) drawn as a line
    reference_label: str = ""


Block = Union[Paragraph, Heading, Table, Chart]


@dataclass(frozen=True)
class HeaderBlock:
    """The two-column header of page 1 (official-format.md §2)."""

    parent_agency: str | None  # "UBND THÀNH PHỐ HÀ NỘI"
    # "SỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI": "\n" where a line ends (compose breaks a
    # long name between word groups; renderers keep the lines as given)
    agency: str
    number_line: str  # "Số:      /BC-SLĐTBXH"
    nation: str  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str  # "Độc lập - Tự do - Hạnh phúc"
    place_date: str  # "Hà Nội, ngày 05 tháng 7 năm 2023"


@dataclass(frozen=True)
class Signature:
    authority: str | None  # "KT. GIÁM ĐỐC"
    title: str  # "PHÓ GIÁM ĐỐC"
    name: str  # "Nguyễn Văn A"


@dataclass(frozen=True)
class Appendix:
    """One appendix (Phụ lục): starts a new page, restarts page numbering."""

    label: str  # "Phụ lục I"
    title: str  # UPPER title
    reference: str  # "(Kèm theo Báo cáo số …/BC-… ngày … của …)"
    blocks: tuple[Block, ...]
    landscape: bool = True


@dataclass(frozen=True)
class DocumentInfo:
    """Document properties. `created` comes from the dataset, never the clock."""

    title: str
    author: str
    subject: str
    keywords: str
    created: datetime
    language: str = "vi-VN"


@dataclass(frozen=True)
class ReportModel:
    info: DocumentInfo
    header: HeaderBlock
    title: str  # "BÁO CÁO"
    summary: str  # "Kết quả công tác … 6 tháng đầu năm 2023 và phương hướng, …"
    addressees: tuple[str, ...]  # "Kính gửi:" lines, already punctuated ("- …;")
    body: tuple[Block, ...]  # the last paragraph already ends with "./."
    recipients: tuple[str, ...]  # "Nơi nhận:" lines, already punctuated
    signature: Signature
    addressee_label: str  # "Kính gửi:" (the wording comes from templates/text/_labels.md.j2)
    recipients_label: str  # "Nơi nhận:"
    appendices: tuple[Appendix, ...] = field(default=())
