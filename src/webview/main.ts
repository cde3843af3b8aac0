// webview entry (placeholder)
