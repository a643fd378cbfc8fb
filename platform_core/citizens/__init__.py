"""Citizens' rights over their data: consent per purpose, stop and withdrawal, export, erasure, retention."""
