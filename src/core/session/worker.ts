// engine worker entry (placeholder)
