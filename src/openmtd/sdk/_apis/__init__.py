"""The typed API methods, one module per HMRC API: each builds its calls once
(:class:`~openmtd.sdk._request.ApiCall`) and offers them through a sync and an async group that
only differ in ``await``."""
