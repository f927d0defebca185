# Where a setting HQ may set remotely comes from (staff status tab), issue 17.
kiosk-remote-from-hq-store = { $value } — von der Zentrale für die Filiale gesetzt (Version { $version })
kiosk-remote-from-hq-device = { $value } — von der Zentrale für diesen Kiosk gesetzt (Version { $version })
kiosk-remote-from-staff = { $value } — hier vom Personal gesetzt; gilt, bis die Zentrale ihn neu setzt
kiosk-remote-from-file = { $value } — Konfigurationsdatei
kiosk-remote-from-env = { $value } — Umgebungsvariable
kiosk-remote-from-default = { $value } — Standardwert
