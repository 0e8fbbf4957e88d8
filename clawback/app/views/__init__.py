"""The app's pages: each only renders; the data comes from :mod:`clawback.app.state`."""
