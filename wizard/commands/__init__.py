"""One module per command of the CLI; each gathers input and calls the core."""
