"""Province mergers: an operator merges tenant B into tenant A (dry run, then a resumable chunked job), and
renames or reclassifies a province (docs/domain.md §5.3)."""
