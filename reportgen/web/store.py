"""What the web app keeps: metadata in SQLite, files under the data folder.

    DATA/reportgen-web.sqlite3       datasets, builds, diffs (one row each)
    DATA/datasets/<id>/...           the upload as received (workbook, or the CSV folder)
    DATA/builds/<id>/out/            a `reportgen build --out` folder (manifest.json)
    DATA/diffs/<id>/...              the two drafts, the redline and its HTML view

Ids come from `secrets.token_urlsafe` (unguessable) and are checked against their
grammar before any lookup; a path is only ever built from an id that passed, or from a
name the store itself chose.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
    created REAL NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
    summary TEXT NOT NULL, problems TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS builds (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, period TEXT NOT NULL, units TEXT NOT NULL,
    formats TEXT NOT NULL, status TEXT NOT NULL, done INTEGER NOT NULL, total INTEGER NOT NULL,
    failed TEXT NOT NULL, reason TEXT, created REAL NOT NULL, finished REAL);
CREATE TABLE IF NOT EXISTS diffs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, old_name TEXT NOT NULL, new_name TEXT NOT NULL,
    created REAL NOT NULL, result TEXT NOT NULL);
"""


def new_id() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 random bits


def valid_id(value: str) -> bool:
    return bool(ID.match(value or ""))


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in ("datasets", "builds", "diffs", "tmp"):
            (self.root / folder).mkdir(exist_ok=True)
        self.db_path = self.root / "reportgen-web.sqlite3"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short connection per operation: sqlite3 connections are not shared between
        # the server's threads, and WAL lets readers go on while a build writes progress.
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    # ------------------------------------------------------------ folders

    def folder(self, kind: str, item_id: str) -> Path:
        if kind not in ("datasets", "builds", "diffs") or not valid_id(item_id):
            raise ValueError("bad id")
        return self.root / kind / item_id

    def scratch(self) -> Path:
        """A fresh folder for an upload being checked; moved in place or removed."""
        path = self.root / "tmp" / new_id()
        path.mkdir()
        return path

    def remove_folder(self, kind: str, item_id: str) -> None:
        shutil.rmtree(self.folder(kind, item_id), ignore_errors=True)

    # ------------------------------------------------------------ datasets

    def add_dataset(self, item_id: str, name: str, kind: str, path: str, errors: int, warnings: int,
                    summary: dict, problems: list[dict]) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO datasets VALUES (?,?,?,?,?,?,?,?,?)",
                       (item_id, name, kind, path, time.time(), errors, warnings,
                        json.dumps(summary, ensure_ascii=False), json.dumps(problems, ensure_ascii=False)))

    def dataset(self, item_id: str) -> dict | None:
        if not valid_id(item_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM datasets WHERE id=?", (item_id,)).fetchone()
        if row is None:
            return None
        record = dict(row)
        record["summary"] = json.loads(record["summary"])
        record["problems"] = json.loads(record["problems"])
        return record

    def dataset_path(self, record: dict) -> Path:
        """The dataset on disk: a relative path the store wrote, kept inside its folder."""
        folder = self.folder("datasets", record["id"]).resolve()
        path = (folder / record["path"]).resolve()
        if not path.is_relative_to(folder):
            raise ValueError("dataset path outside its folder")
        return path

    def datasets(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT id, name, kind, created, errors, warnings FROM datasets "
                              "ORDER BY created DESC").fetchall()
        return [dict(r) for r in rows]

    def delete_dataset(self, item_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM datasets WHERE id=?", (item_id,))
        self.remove_folder("datasets", item_id)

    # ------------------------------------------------------------ builds

    def add_build(self, item_id: str, dataset: str, period: str, units: list[str] | None,
                  formats: list[str], total: int) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO builds VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (item_id, dataset, period, json.dumps(units), json.dumps(formats), "queued",
                        0, total, "[]", None, time.time(), None))

    def update_build(self, item_id: str, **fields: object) -> None:
        allowed = {"status", "done", "total", "failed", "reason", "finished"}
        assert set(fields) <= allowed
        values = [json.dumps(v, ensure_ascii=False) if k == "failed" else v for k, v in fields.items()]
        assignments = ", ".join(f"{k}=?" for k in fields)
        with self._connect() as db:
            db.execute(f"UPDATE builds SET {assignments} WHERE id=?", (*values, item_id))

    def build(self, item_id: str) -> dict | None:
        if not valid_id(item_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM builds WHERE id=?", (item_id,)).fetchone()
        return None if row is None else self._build_record(row)

    @staticmethod
    def _build_record(row) -> dict:
        record = dict(row)
        for key in ("units", "formats", "failed"):
            record[key] = json.loads(record[key])
        return record

    def builds(self, dataset: str | None = None) -> list[dict]:
        with self._connect() as db:
            if dataset is None:
                rows = db.execute("SELECT * FROM builds ORDER BY created DESC").fetchall()
            else:
                rows = db.execute("SELECT * FROM builds WHERE dataset=? ORDER BY created DESC",
                                  (dataset,)).fetchall()
        return [self._build_record(r) for r in rows]

    def unfinished_builds(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM builds WHERE status IN ('queued', 'running')").fetchall()
        return [self._build_record(r) for r in rows]

    def delete_build(self, item_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM builds WHERE id=?", (item_id,))
        self.remove_folder("builds", item_id)

    # ------------------------------------------------------------ diffs

    def add_diff(self, item_id: str, kind: str, old_name: str, new_name: str, result: dict) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO diffs VALUES (?,?,?,?,?,?)",
                       (item_id, kind, old_name, new_name, time.time(),
                        json.dumps(result, ensure_ascii=False)))

    def diff(self, item_id: str) -> dict | None:
        if not valid_id(item_id):
            return None
        with self._connect() as db:
            row = db.execute("SELECT * FROM diffs WHERE id=?", (item_id,)).fetchone()
        if row is None:
            return None
        record = dict(row)
        record["result"] = json.loads(record["result"])
        return record

    def diffs(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT id, kind, old_name, new_name, created FROM diffs "
                              "ORDER BY created DESC").fetchall()
        return [dict(r) for r in rows]

    def delete_diff(self, item_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM diffs WHERE id=?", (item_id,))
        self.remove_folder("diffs", item_id)
