"""A job that fails the way a careless one would: quoting the citizen it was about in its exception."""

from platform_core.jobs.decorators import job


@job(failure_ttl=3600)
def notify_citizen(phone: str, name: str) -> None:
    raise LookupError(f"no Zalo account for {phone} ({name!r})")
