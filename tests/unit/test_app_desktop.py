"""The desktop config dir and link file: where it lives, what a damaged or foreign link file
gives (a clear LinkFileError, never a traceback), and an atomic write that leaves nothing
behind when it fails."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openmtd.app.services.desktop import (
    Desktop,
    DesktopLink,
    LinkFileError,
    NotLinked,
    default_config_dir,
)

LINK = DesktopLink(
    hmrc="sandbox",
    client_id="id",
    client_secret="shh",
    nino="AA123456A",
    redirect_uri="http://localhost:8765/",
    linked_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
)


def test_the_config_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_config_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "openmtd"
    home = Path.home() / ".config" / "openmtd"
    assert default_config_dir({"XDG_CONFIG_HOME": "relative/dir"}) == home  # ignored, per XDG
    assert default_config_dir({}) == home
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_config_dir() == tmp_path / "openmtd"


def test_a_link_round_trips_and_hides_its_secret(tmp_path: Path) -> None:
    desktop = Desktop(tmp_path / "cfg", use_keyring=False)
    assert desktop.saved_link() is None
    with pytest.raises(NotLinked):
        desktop.read_link()
    desktop.save_link(LINK)
    assert desktop.read_link() == LINK
    assert stat.S_IMODE(desktop.link_path.stat().st_mode) == 0o600
    assert "shh" not in repr(LINK)
    assert repr(desktop) == f"Desktop({str(tmp_path / 'cfg')!r})"
    assert [p.name for p in desktop.directory.iterdir()] == ["link.json"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({**LINK.to_json(), "v": 99}),
        json.dumps({**LINK.to_json(), "nino": ""}),
        json.dumps({k: v for k, v in LINK.to_json().items() if k != "linkedAt"}),
        json.dumps(["a list"]),
    ],
)
def test_a_link_file_that_cannot_be_used(tmp_path: Path, content: str) -> None:
    desktop = Desktop(tmp_path, use_keyring=False)
    desktop.link_path.write_text(content)
    with pytest.raises(LinkFileError, match="not a link openmtd can read"):
        desktop.read_link()
    assert desktop.saved_link() is None


def test_a_link_path_that_cannot_be_read_or_replaced(tmp_path: Path) -> None:
    desktop = Desktop(tmp_path, use_keyring=False)
    desktop.link_path.mkdir()  # a directory where the file should be
    with pytest.raises(LinkFileError, match="cannot read"):
        desktop.read_link()
    with pytest.raises(OSError):  # noqa: PT011 - the platform's own error, whichever it is
        desktop.save_link(LINK)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json"]  # no temporary left
