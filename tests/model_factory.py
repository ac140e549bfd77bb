"""A hand-built ReportModel for renderer tests, independent of datasets and compose.

It carries what the real reports carry: Vietnamese diacritics, a placeholder, three
heading levels, a closing mark, a wide appendix table with a total row, and a chart.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from reportgen.model import (
    Appendix, Chart, Column, DocumentInfo, HeaderBlock, Heading, Paragraph, ReportModel,
    Run, Signature, Table,
)

DISTRICTS = (
    ("Ba Đình", 30, 21), ("Hoàn Kiếm", 28, 20), ("Tây Hồ", 25, 14), ("Long Biên", 40, 31),
    ("Cầu Giấy", 35, 22), ("Đống Đa", 90, 66), ("Hai Bà Trưng", 90, 70), ("Hoàng Mai", 80, 49),
)


def _appendix_table(rows: int = len(DISTRICTS)) -> Table:
    columns = (
        Column("STT", 12, "center"),
        Column("Đơn vị", 60, "left"),
        Column("Kế hoạch năm", 30, "right"),
        Column("Thực hiện kỳ báo cáo", 30, "right"),
        Column("Tỷ lệ % so với KH", 30, "right"),
        Column("Cùng kỳ năm trước", 30, "right"),
        Column("Tăng/giảm", 30, "right"),
    )
    body = []
    for index in range(rows):
        name, plan, done = DISTRICTS[index % len(DISTRICTS)]
        body.append((str(index + 1), name, str(plan), str(done), "70,0%", str(done - 5), "+5"))
    return Table(
        caption="Biểu 1. Số người được tổ chức cai nghiện bắt buộc (người)",
        columns=columns,
        rows=tuple(body),
        total=("", "Tổng cộng", "1.200", "809", "67,4%", "536", "+273"),
        data_header=("unit", "name", "target", "value", "percent_of_plan", "same_period", "change"),
        data_rows=tuple((f"{i:03d}", r[1], int(r[2].replace(".", "")), int(r[3]), None,
                         int(r[5]), int(r[6])) for i, r in enumerate(body, 1)),
    )


def sample_model(appendix_rows: int = len(DISTRICTS)) -> ReportModel:
    chart = Chart(
        caption="Tỷ lệ thực hiện so với kế hoạch năm theo đơn vị",
        categories=tuple(d[0] for d in DISTRICTS),
        values=tuple(Decimal(d[2] * 100) / Decimal(d[1]) for d in DISTRICTS),
        value_labels=("70,0%", "71,4%", "56,0%", "77,5%", "62,9%", "73,3%", "77,8%", "61,3%"),
        axis_label="% so với kế hoạch năm",
        reference_value=Decimal(100),
        reference_label="100% KH",
    )
    body = (
        Paragraph((Run("Thực hiện Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ, "
                       "Sở Lao động - Thương binh và Xã hội báo cáo kết quả công tác phòng, "
                       "chống tệ nạn xã hội 6 tháng đầu năm 2023 (số liệu tính từ ngày "
                       "15/12/2022 đến ngày 14/6/2023) như sau:"),)),
        Heading(1, "I. KẾT QUẢ THỰC HIỆN"),
        Heading(2, "1. Công tác cai nghiện và quản lý sau cai nghiện ma túy"),
        Heading(3, "a) Cai nghiện ma túy"),
        Paragraph((Run("Tổ chức cai nghiện bắt buộc cho 809/1.200 người, đạt 67,4% KH năm "
                       "(trong đó, có nơi cư trú ổn định 407 người, không có nơi cư trú ổn "
                       "định 402 người), tăng 273 người so với cùng kỳ năm 2022."),)),
        Paragraph((Run("Vận động, tiếp nhận 602 người vào cai nghiện tự nguyện (trong đó, "
                       "không được hỗ trợ kinh phí 10 người, có hỗ trợ kinh phí 592 người), "
                       "giảm 316 người so với cùng kỳ năm 2022."),)),
        Heading(1, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
        Paragraph((Run("[Nội dung do cán bộ soạn thảo: tồn tại, hạn chế và nguyên nhân]",
                       placeholder=True),)),
        Heading(1, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023"),
        Paragraph((Run("Triển khai thực hiện có hiệu quả các Kế hoạch cai nghiện và quản lý "
                       "sau cai năm 2023 & đôn đốc các quận, huyện <đúng hạn>."),)),
        Heading(1, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        Paragraph((Run("Đề nghị Bộ Lao động - Thương binh và Xã hội sớm ban hành hướng dẫn "
                       "(chi tiết tại Phụ lục I kèm theo)./."),)),
    )
    return ReportModel(
        info=DocumentInfo(
            title="Báo cáo kết quả công tác phòng, chống tệ nạn xã hội 6 tháng đầu năm 2023",
            author="Sở Lao động - Thương binh và Xã hội Thành phố Hà Nội",
            subject="Phòng, chống tệ nạn xã hội - 6 tháng đầu năm 2023",
            keywords="reportgen; 01; 2023-H1",
            created=datetime(2023, 7, 5, 8, 0, 0),
        ),
        header=HeaderBlock(
            parent_agency="UBND THÀNH PHỐ HÀ NỘI",
            agency="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            number_line="Số:      /BC-SLĐTBXH",
            nation="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            motto="Độc lập - Tự do - Hạnh phúc",
            place_date="Hà Nội, ngày 05 tháng 7 năm 2023",
        ),
        title="BÁO CÁO",
        summary="Kết quả công tác phòng, chống tệ nạn xã hội 6 tháng đầu năm 2023 và "
                "phương hướng, nhiệm vụ 6 tháng cuối năm 2023",
        addressees=("- Cục Phòng, chống tệ nạn xã hội (Bộ LĐ-TB&XH);", "- UBND Thành phố Hà Nội."),
        body=body,
        recipients=("- Như trên;", "- Bộ LĐ-TB&XH;", "- Lưu: VT, PCTNXH."),
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn A"),
        addressee_label="Kính gửi:",
        recipients_label="Nơi nhận:",
        appendices=(
            Appendix(
                label="Phụ lục I",
                title="KẾT QUẢ CAI NGHIỆN BẮT BUỘC THEO ĐƠN VỊ",
                reference="(Kèm theo Báo cáo số      /BC-SLĐTBXH ngày 05 tháng 7 năm 2023 "
                          "của Sở Lao động - Thương binh và Xã hội)",
                blocks=(_appendix_table(appendix_rows), chart),
            ),
        ),
    )
