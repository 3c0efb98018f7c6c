"""One module per journey or API."""
