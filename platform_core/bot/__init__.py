"""The lookup bot: a citizen writes a dossier code, "hướng dẫn" or "thủ tục <tên>" to the province's OA and
gets an answer (parser -> lookup -> answers); a citizen who follows the OA is welcomed (welcome.py).
platform_core/wiring.py registers its Zalo event handler and the commands other features teach it."""
