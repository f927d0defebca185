# The kiosk's staff screens (src/ui/screens/staff.rs), in German.
# $keys are configuration keys (ui.idle_timeout_s), $error and $detail
# technical words for HQ's support, $problem a sentence from sync.ftl.

kiosk-staff-pin-failed = Der Code kann nicht geprüft werden: { $error }
kiosk-staff-enrolled = Terminal mit der Zentrale verbunden ({ $url }), Filiale { $store }.
kiosk-staff-enrolled-other-store = Das ist nicht die hier eingestellte Filiale: Das Terminal bedient jetzt die Filiale, für die die Zentrale es registriert hat (die Einstellung gilt nur bis zur Registrierung).
kiosk-staff-enroll-failed = Verbindung abgelehnt oder nicht möglich: { $problem } ({ $detail })
kiosk-staff-factory-pin-first = Wählen Sie zuerst einen neuen Mitarbeitercode: Der Werkscode erlaubt nichts anderes.
kiosk-staff-saved-nothing = Nichts geändert.
kiosk-staff-saved = Gespeichert: { $keys }.
kiosk-staff-saved-later = Wirksam ab dem nächsten Start: { $keys }.
kiosk-staff-saved-overridden = Achtung, eine Umgebungsvariable legt fest: { $keys }.
kiosk-staff-not-saved = Einstellungen nicht gespeichert (die Datei ist unverändert): { $error }

## The status tab: a label, then its value.

kiosk-staff-store = Filiale
kiosk-staff-store-enrolled = { $name } ({ $id }), die Filiale, für die die Zentrale dieses Terminal registriert hat
kiosk-staff-store-configured = { $name } ({ $id }), laut Konfiguration (Terminal nicht registriert)
kiosk-staff-hq = Zentrale (HQ)
kiosk-staff-hq-none = keine: eigenständiges Terminal
kiosk-staff-hq-not-enrolled = nicht verbunden; Adresse für die Verbindung: { $url }
kiosk-staff-link = Verbindung zur Zentrale
kiosk-staff-link-not-configured = nicht eingerichtet
kiosk-staff-link-online = ✓ online
kiosk-staff-link-offline = ✗ offline
kiosk-staff-last-sync = Letzte Synchronisierung
kiosk-staff-never = nie
kiosk-staff-outbox = Zu senden (Warteschlange)
kiosk-staff-outbox-value = { $pending } ({ $dead } abgelehnt)
kiosk-staff-last-error = Letzter Fehler
kiosk-staff-error-detail = { $problem } ({ $detail })
kiosk-staff-catalog-version = Katalogversion
kiosk-staff-products = Produkte
kiosk-staff-products-value = { $products } ({ $promotions } Aktionen)
kiosk-staff-prices-from = Preise von
kiosk-staff-prices-hq = der Zentrale (HQ)
kiosk-staff-prices-demo = Demodaten (keine echten Preise)
kiosk-staff-catalog = Katalog
kiosk-staff-camera = Kamera
kiosk-staff-version = Vitrine-Version
