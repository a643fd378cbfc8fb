"""The error every service raises for input it refuses, naming the field (forms, CLI and API show it there)."""


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
