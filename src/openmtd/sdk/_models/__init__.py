"""The SDK's pydantic models, one module per HMRC API (private: the public names are
re-exported from :mod:`openmtd.sdk`)."""
