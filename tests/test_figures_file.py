"""reportgen.figures_file: figures.json as build writes it is what diff reads back."""
from __future__ import annotations

import json

from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.figures_file import figure_rows, figures_json, read_figures
from reportgen.periods import Period
from tests.dataset_factory import HANOI


def test_the_written_file_reads_back_with_the_same_figures(tmp_path):
    dataset = load_dataset(HANOI).dataset
    book = FigureBook(dataset)
    period = Period.parse("2023-H1")
    data = figures_json(dataset, book, "01", period)
    path = tmp_path / "01.figures.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    read = read_figures(path)
    assert read["name"] == "Thành phố Hà Nội" and read["label"] == "6 tháng đầu năm 2023"
    written = {f["indicator"]: f["value"] for f in data["figures"]}
    assert {code: f["value"] for code, f in read["figures"].items()} == written
    rows = figure_rows(dataset, book, "01", period)
    assert [r[0] for r in rows] == [f["indicator"] for f in data["figures"]]
    assert all(f["formatted"]["change_words"] == r[6] for f, r in zip(data["figures"], rows))
