"""The error every service raises for input it refuses, naming the field (forms, CLI and API show it there)."""


class FieldError(ValueError):
    """`message` is kept as given (a lazy translation stays lazy: it is rendered when shown, in the reader's
    language, so that services need no request)."""

    def __init__(self, field: str, message):
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
