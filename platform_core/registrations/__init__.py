"""Registering for a procedure on Zalo (issue 13, part 2): the bot's answer with a signed link to a short form, the
form, the registrations the province's one-stop software fetches and links to the dossiers it creates."""
