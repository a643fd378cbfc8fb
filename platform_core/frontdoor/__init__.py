"""The citizen's front door, a province's public page (`/<slug>/`): follow the OA (its link and a QR code),
look a dossier up by its code, send feedback, and search the catalogue page by page. It works without
JavaScript and links to nothing meant for staff."""
