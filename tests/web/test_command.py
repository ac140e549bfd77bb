"""`reportgen serve`'s options: where the data goes, where the password comes from."""
from __future__ import annotations

from pathlib import Path

from reportgen.cli import main
from reportgen.web.command import default_data_dir
from reportgen.web.security import read_password


def test_the_data_folder_is_in_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "reportgen"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "reportgen"


def test_the_password_comes_from_its_file_or_the_environment(tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text("  mật khẩu  \nsecond line\n", encoding="utf-8")
    assert read_password(secret, {}) == "mật khẩu"
    assert read_password(None, {"REPORTGEN_PASSWORD": "env"}) == "env"
    assert read_password(None, {}) is None
    (tmp_path / "empty.txt").write_text("\n")
    assert read_password(tmp_path / "empty.txt", {}) is None


def test_serve_off_loopback_needs_a_password_and_a_readable_file(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("REPORTGEN_PASSWORD", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "d")]) == 2
    assert "--password-file" in capsys.readouterr().err
    assert main(["serve", "--password-file", str(tmp_path / "missing.txt"), "--data", str(tmp_path / "d")]) == 1
    assert "missing.txt" in capsys.readouterr().err
    assert not Path(tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())
