"""The charity's pages under /charity/, one module per domain; ``pages`` holds the form helper."""
