"""A dataset: its types, its cells, reading it (load) and writing it (workbook).

`from reportgen.dataset import load_dataset, Dataset, Unit, ...` is the public way in;
the submodules are the layout behind it. Nothing imported here loads pandas or openpyxl
(they are imported when a workbook is read or written), so importing a type is cheap.
"""
from reportgen.dataset.cells import clean_text, parse_bool, parse_count, section_of_heading, split_paragraphs
from reportgen.dataset.load import load_catalogue, load_dataset
from reportgen.dataset.types import (
    CATALOGUE_FILE, COLUMNS, LEVELS, RELATION_OF_WHICH, RELATION_PART, RELATIONS, REQUIRED_COLUMNS,
    SCOPE_OWN, SCOPE_TOTAL, SECTIONS, TABLES, Dataset, Indicator, LoadResult, NoteSection, Settings, TargetRow, Unit, ValueRow,
)
from reportgen.problems import DatasetError, Location, Problem

__all__ = [
    "CATALOGUE_FILE", "COLUMNS", "LEVELS", "RELATION_OF_WHICH", "RELATION_PART", "RELATIONS",
    "REQUIRED_COLUMNS", "SCOPE_OWN", "SCOPE_TOTAL",
    "SECTIONS", "TABLES", "Dataset", "DatasetError", "Indicator", "LoadResult", "Location",
    "NoteSection", "Problem", "Settings", "TargetRow", "Unit", "ValueRow", "clean_text",
    "load_catalogue", "load_dataset", "parse_bool", "parse_count", "section_of_heading",
    "split_paragraphs",
]
