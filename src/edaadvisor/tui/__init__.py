"""The Textual TUI: a thin shell over ``edaadvisor.core`` (the interview, live reasoning, review)."""
