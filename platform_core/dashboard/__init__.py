"""Reports: server-side SVG charts with their tables and CSV, per department, across provinces."""
