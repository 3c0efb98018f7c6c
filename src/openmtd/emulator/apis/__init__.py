"""The emulated HMRC APIs: each module declares its endpoints (for the platform) and the
services behind them; ``web/routes/api_*.py`` are their thin HTTP edges."""
