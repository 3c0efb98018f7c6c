"""The persisted device id: a UUID created once in the file the application names (0600),
the same on every later run, made anew when the file is deleted or does not hold a UUID, and
one id when threads or processes start at once."""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
import threading
import uuid
from pathlib import Path

import pytest

from openmtd.sdk._fraud_headers import DeviceIdFile


def test_created_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "app data" / "device-id"
    first = DeviceIdFile(path).get()
    assert uuid.UUID(first).version == 4
    assert path.read_text() == first + "\n"
    assert DeviceIdFile(path).get() == first
    assert DeviceIdFile(str(path)).get() == first
    assert [p.name for p in path.parent.iterdir()] == ["device-id"]  # no temporary left
    assert repr(DeviceIdFile(path)) == f"DeviceIdFile({str(path)!r})"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_only_its_owner_can_read_it(tmp_path: Path) -> None:
    path = tmp_path / "device-id"
    old = os.umask(0o022)
    try:
        DeviceIdFile(path).get()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_deleted_file_gives_a_new_id(tmp_path: Path) -> None:
    device = DeviceIdFile(tmp_path / "device-id")
    first = device.get()
    assert device.get() == first
    (tmp_path / "device-id").unlink()
    second = device.get()
    assert second != first
    assert DeviceIdFile(tmp_path / "device-id").get() == second


@pytest.mark.parametrize(
    "content", ["", "not a uuid\n", "00000000-0000-0000-0000-000000000000", "\xff\xfe"]
)
def test_a_file_without_a_uuid_is_replaced(tmp_path: Path, content: str) -> None:
    path = tmp_path / "device-id"
    path.write_text(content, encoding="latin-1")
    made = DeviceIdFile(path).get()
    assert uuid.UUID(made)
    assert path.read_text() == made + "\n"


def test_an_id_written_by_hand_is_read_in_lower_case(tmp_path: Path) -> None:
    path = tmp_path / "device-id"
    path.write_text("  BEEC798B-B366-47FA-B1F8-92CEDE14A1CE \n")
    assert DeviceIdFile(path).get() == "beec798b-b366-47fa-b1f8-92cede14a1ce"


def test_threads_starting_at_once_agree(tmp_path: Path) -> None:
    path = tmp_path / "device-id"
    barrier = threading.Barrier(8)
    seen: list[str] = []

    def start() -> None:
        barrier.wait()
        seen.append(DeviceIdFile(path).get())

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1
    assert path.read_text() == seen[0] + "\n"


def _read_device_id(path: str, start: multiprocessing.synchronize.Event) -> str:
    start.wait()
    return DeviceIdFile(path).get()


def test_processes_starting_at_once_agree(tmp_path: Path) -> None:
    path = str(tmp_path / "device-id")
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(4) as pool:
            pending = [pool.apply_async(_read_device_id, (path, start)) for _ in range(4)]
            start.set()
            ids = {result.get(timeout=60) for result in pending}
    assert ids == {Path(path).read_text().strip()}
