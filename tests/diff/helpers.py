"""Drafts built with python-docx, and a reviewer's "Accept all" / "Reject all" done on the
XML, independently of reportgen.diff, to check what a redline means."""
from __future__ import annotations

import copy
import io
import unicodedata
import zipfile
from datetime import datetime

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DATE = datetime(2023, 7, 5, 8, 0, 0)

DISTRICTS = [("Ba Đình", 30, 21), ("Hoàn Kiếm", 28, 20), ("Tây Hồ", 25, 14),
             ("Long Biên", 40, 31), ("Cầu Giấy", 35, 22), ("Đống Đa", 90, 66)]

BODY = [
    "Thực hiện Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ, Sở Lao động - "
    "Thương binh và Xã hội báo cáo kết quả công tác phòng, chống tệ nạn xã hội 6 tháng đầu "
    "năm 2023 (số liệu tính từ ngày 15/12/2022 đến ngày 14/6/2023) như sau:",
    "I. KẾT QUẢ THỰC HIỆN",
    "Tổ chức cai nghiện bắt buộc cho {total}/1.200 người, đạt {percent} KH năm (trong đó, có "
    "nơi cư trú ổn định 407 người, không có nơi cư trú ổn định 402 người), tăng 273 người so "
    "với cùng kỳ năm 2022.",
    "Theo đơn vị: quận Ba Đình {ba_dinh} người; quận Hoàn Kiếm 20 người; quận Tây Hồ 14 người.",
    "Vận động, tiếp nhận 602 người vào cai nghiện tự nguyện, giảm 316 người so với cùng kỳ "
    "năm 2022.",
    "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "Công tác phối hợp giữa các ngành có lúc chưa chặt chẽ.",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023",
    "Triển khai thực hiện có hiệu quả các Kế hoạch cai nghiện và quản lý sau cai năm 2023./.",
]


def add_page_field(paragraph) -> None:
    """A PAGE field as Word writes it: begin, instruction, separate, result, end."""
    def run_with(child):
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instruction.text = " PAGE "
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    result = OxmlElement("w:t")
    result.text = "1"
    run_with(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def draft(*, total: int = 809, percent: str = "67,4%", ba_dinh: int = 21,
          insert_after: int | None = None, inserted: str = "", drop: int | None = None,
          body: list[str] | None = None, districts=None, header_note: str = "",
          signer: str = "Nguyễn Văn A", place_date: str = "Hà Nội, ngày 05 tháng 7 năm 2023",
          appendix_total: str = "1.200", modified: datetime = DATE,
          recipients=("- Như trên;", "- Bộ LĐ-TB&XH;", "- Lưu: VT, PCTNXH."),
          tail=("",)) -> bytes:
    """A small report: header block table, title, body paragraphs (the figures in bold
    runs of their own), a data table, a signature table, a page-number header, and a
    landscape appendix section with its own table."""
    document = docx.Document()
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if header_note:
        header.add_run(header_note + " ")
    add_page_field(header)

    block = document.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate((
            ("UBND THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Độc lập - Tự do - Hạnh phúc"),
            ("Số:      /BC-SLĐTBXH", place_date))):
        block.cell(row, 0).text, block.cell(row, 1).text = left, right
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("BÁO CÁO").bold = True

    texts = [t.format(total=total, percent=percent, ba_dinh=ba_dinh) for t in (body or BODY)]
    if drop is not None:
        del texts[drop]
    if insert_after is not None:
        texts.insert(insert_after + 1, inserted)
    for text in texts:
        paragraph = document.add_paragraph()
        if text.startswith(("I. ", "II. ", "III. ")):
            paragraph.add_run(text).bold = True
            continue
        # Numbers in runs of their own, bold: the redline must keep that formatting.
        for piece in _split_numbers(text):
            run = paragraph.add_run(piece)
            run.bold = piece[:1].isdigit()

    rows = districts or DISTRICTS
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("STT", "Đơn vị", "Kế hoạch", "Thực hiện")):
        cell.text = text
    for index, (name, plan, done) in enumerate(rows, 1):
        cells = table.add_row().cells
        done = ba_dinh if name == "Ba Đình" else done
        for cell, text in zip(cells, (str(index), name, str(plan), str(done))):
            cell.text = text

    signature = document.add_table(rows=1, cols=2)
    left, right = signature.rows[0].cells
    left.text = "Nơi nhận:"
    for line in recipients:
        left.add_paragraph(line)
    right.text = "KT. GIÁM ĐỐC"
    for line in ("PHÓ GIÁM ĐỐC", "", signer):
        right.add_paragraph(line)

    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Mm(297), Mm(210)
    document.add_paragraph("Phụ lục I").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("KẾT QUẢ CAI NGHIỆN BẮT BUỘC THEO ĐƠN VỊ")
    totals = document.add_table(rows=2, cols=3)
    totals.style = "Table Grid"
    for cell, text in zip(totals.rows[0].cells, ("Chỉ tiêu", "Kế hoạch", "Thực hiện")):
        cell.text = text
    for cell, text in zip(totals.rows[1].cells, ("Tổng cộng", appendix_total, f"{total}")):
        cell.text = text
    for text in tail:  # the document's last paragraphs
        document.add_paragraph(text)

    document.core_properties.author = "reportgen"
    document.core_properties.created = DATE
    document.core_properties.modified = modified
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _split_numbers(text: str) -> list[str]:
    import re
    return [piece for piece in re.split(r"(\d[\d.,/%]*\d%?|\d)", text) if piece]


# ------------------------------------------------------------------- reading a package

def part(docx_bytes: bytes, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read(name))


def header_parts(docx_bytes: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return sorted(n for n in archive.namelist() if n.startswith("word/header"))


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def marked_texts(root) -> dict[str, list[str]]:
    """Text of every run-level w:ins / w:del, and how many paragraph marks and rows are
    tracked: what a reviewer would see as changes."""
    found = {"ins": [], "del": [], "paragraph_marks": 0, "rows": 0}
    for element in root.iter(w("ins"), w("del")):
        parent = element.getparent().tag
        if parent == w("rPr"):
            found["paragraph_marks"] += 1
        elif parent == w("trPr"):
            found["rows"] += 1
        else:
            kind = "ins" if element.tag == w("ins") else "del"
            found[kind].append("".join(t.text or "" for t in element.iter(w("t"), w("delText"))))
    return found


# -------------------------------------------------------- accept all / reject all, by hand

def review(docx_bytes: bytes, action: str | None, name: str = "word/document.xml"
           ) -> list[str]:
    """The text of one part after "accept" or "reject" (or as it is, for None), one line
    per paragraph and "[table]"/"[row]"/"[cell]" markers, NFC."""
    root = copy.deepcopy(part(docx_bytes, name))
    if action is not None:
        keep, drop = ("ins", "del") if action == "accept" else ("del", "ins")
        for element in list(root.iter(w(keep), w(drop))):
            parent = element.getparent()
            if parent.tag == w("rPr"):
                continue  # paragraph marks: read below
            if parent.tag == w("trPr"):
                if element.tag == w(drop):
                    row = parent.getparent()
                    row.getparent().remove(row)
                continue
            if element.tag == w(drop):
                parent.remove(element)
            else:
                for text in element.iter(w("delText")):
                    text.tag = w("t")
                index = parent.index(element)
                for offset, child in enumerate(list(element)):
                    parent.insert(index + offset, child)
                parent.remove(element)
    container = root.find(w("body")) if root.find(w("body")) is not None else root
    return [unicodedata.normalize("NFC", line) for line in _lines(container, action)]


def _removed_mark(paragraph, action: str | None) -> bool:
    marks = paragraph.findall(f"{w('pPr')}/{w('rPr')}/*")
    gone = w("del") if action == "accept" else w("ins")
    return action is not None and any(mark.tag == gone for mark in marks)


def _lines(container, action) -> list[str]:
    """Paragraph texts; a paragraph whose mark is removed runs on into the next one, except
    before a table or at the end, where there is nothing to run on into (as in Word)."""
    lines: list[str] = []
    pending = None
    for child in _blocks(container):
        if child.tag == w("p"):
            text = (pending or "") + _paragraph_text(child)
            if _removed_mark(child, action):
                pending = text
                continue
            lines.append(text)
            pending = None
        else:
            if pending is not None:
                lines.append(pending)
                pending = None
            lines.append("[table]")
            for row in child.iter(w("tr")):
                if row.getparent() is not child:
                    continue
                lines.append("[row]")
                for cell in row.findall(w("tc")):
                    lines.append("[cell]")
                    lines.extend(_lines(cell, action))
    if pending is not None:
        lines.append(pending)
    return lines


def _blocks(container):
    for child in container:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag in (w("sdt"), w("sdtContent")):
            yield from _blocks(child)


def _paragraph_text(paragraph) -> str:
    out = []
    for element in paragraph.iter(w("t"), w("delText"), w("tab"), w("br")):
        if element.tag in (w("t"), w("delText")):
            out.append(element.text or "")
        else:
            out.append("\t" if element.tag == w("tab") else "\n")
    return "".join(out)
