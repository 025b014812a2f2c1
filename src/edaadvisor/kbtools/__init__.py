"""Knowledge-base tools: ``edaadvisor kb lint`` and ``edaadvisor kb diff``."""
