"""HMRC's API platform: versioning, credentials, subscriptions, scopes, rate limits,
fraud prevention headers, errors."""
