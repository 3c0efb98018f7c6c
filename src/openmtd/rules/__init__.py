"""The MTD ITSA rules as pure Python: no I/O, no framework, an injected clock."""
