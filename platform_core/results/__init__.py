"""Results on Zalo: the electronic copy of a dossier's result (a PDF a province system attaches), kept encrypted,
sent to the citizen as a Zalo file message or a short-lived signed link, every download audited."""
