"""What the dossier service refuses, beyond a bad field (`platform_core.errors.FieldError`, answered 422)."""


class DossierNotFound(LookupError):
    """No dossier with this code in the tenant in context (another tenant's code included): a 404."""

    def __init__(self, code: str):
        super().__init__(f"no dossier {code} in this province")
        self.code = code


class Conflict(Exception):
    """The request repeats a key already used for something else (a dossier code with another body, an
    Idempotency-Key with another event): a 409. `errors` is keyed by field, like a validation error."""

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


class TransitionRefused(Exception):
    """The dossier cannot take this event in its current status: a 409 naming the statuses it can go to."""

    def __init__(self, message: str, allowed: list[str]):
        super().__init__(message)
        self.message = message
        self.allowed = allowed
