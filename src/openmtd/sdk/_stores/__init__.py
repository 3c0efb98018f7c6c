"""Token stores: where a grant's tokens are kept, encrypted, and locked while refreshed.

- :class:`EncryptedFileStore`: one file for a desktop install (key in the OS keyring, or in a
  0600 key file beside the store).
- :class:`SqlTokenStore`: a SQLAlchemy table (SQLite or PostgreSQL) for a server with many users,
  encrypted with configured keys that can be rotated.

Both implement :class:`openmtd.sdk.TokenStore`; a vendor may write their own.
"""

from openmtd.sdk._stores._file import EncryptedFileStore
from openmtd.sdk._stores._sql import SqlTokenStore

__all__ = ["EncryptedFileStore", "SqlTokenStore"]
