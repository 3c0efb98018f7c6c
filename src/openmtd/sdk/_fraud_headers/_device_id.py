"""Gov-Client-Device-ID for software installed on a device: a UUID generated once and kept in a
small file the application names (§3.2: it does not expire; if the user deletes it, a new one
is generated).

The file holds the UUID and a newline, and is created readable by its owner only (0600). Two
processes starting at once agree on one id: each writes its candidate to a temporary file and
*links* it into place, which fails if the file exists; the loser reads the winner's.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import uuid
from pathlib import Path

from openmtd.sdk._fraud_headers._inputs import is_uuid

__all__ = ["DeviceIdFile"]


class DeviceIdFile:
    """The device's id, kept at ``path`` (e.g. in the application's data folder).

    Example::

        device = DeviceIdFile(Path.home() / ".my-tax-app" / "device-id")
        device.get()  # 'beec798b-b366-47fa-b1f8-92cede14a1ce', the same on every run
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._known: str | None = None

    def __repr__(self) -> str:
        return f"DeviceIdFile({str(self.path)!r})"

    def get(self) -> str:
        """The id: read from the file, or created (with its folder) when there is none or the
        file does not hold a UUID. Raises OSError if the file can be neither read nor made."""
        with self._lock:
            known = self._known
            if known is not None and self.path.is_file():
                return known
            self._known = self._read() or self._create()
            return self._known

    def _read(self) -> str | None:
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except FileNotFoundError:
            return None
        return text.lower() if is_uuid(text) else None

    def _create(self) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        candidate = str(uuid.uuid4())
        # mkstemp creates the file 0600, whatever the umask.
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".device-id-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(candidate + "\n")
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                existing = self._read()
                if existing is not None:
                    return existing
                # The file there holds no UUID (damaged or edited): replace it.
                os.replace(temporary, self.path)
            except OSError:
                # A file system without hard links (FAT, some network shares): replace, which
                # two processes starting in the same instant may both do; the last one wins.
                os.replace(temporary, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return candidate
