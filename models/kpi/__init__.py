"""KPI computation for the dashboard: catalog (events, fully online), dossiers (suggestions), businesses."""
