"""The Textual TUI: a thin shell over ``edaadvisor.core``: interview, live reasoning, review."""
