"""The lookup bot: a citizen writes a dossier code, "hướng dẫn" or "thủ tục <tên>" to the province's OA and
gets an answer (parser -> lookup -> answers). Importing the package registers its Zalo event handler."""

from platform_core.bot import handler  # noqa: F401 - registers the user_send_text handler
