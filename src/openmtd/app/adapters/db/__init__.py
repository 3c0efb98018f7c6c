"""The app's SQLAlchemy adapters: tables, repositories, the store and its migrations."""
