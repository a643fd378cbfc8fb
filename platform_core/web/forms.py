"""What every form of the server-rendered pages shares: select options from a vocabulary of labels."""

from wtforms import SelectChoice


def options(labels: dict, blank=None) -> list[SelectChoice]:
    """Select options from a {value: label} vocabulary, with an optional "any" first."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, label) for value, label in labels.items() if value is not None]
