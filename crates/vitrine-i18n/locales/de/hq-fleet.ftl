# The fleet page for IT (HQ, /staff/fleet), issue 17.
hq-fleet-title = Kioskflotte
hq-fleet-heading = Kioskflotte
hq-fleet-filter-store = Filiale
hq-fleet-filter-state = Zustand
hq-fleet-all = Alle
hq-fleet-apply = Anzeigen
hq-fleet-kiosk = Kiosk
hq-fleet-last-seen = Zuletzt gemeldet
hq-fleet-version = Version
hq-fleet-catalog = Katalog
hq-fleet-queue = Warteschlange
hq-fleet-camera = Kamera
hq-fleet-flags = Zustand
hq-fleet-never = nie
hq-fleet-ago = vor { $age }
hq-fleet-catalog-cell = Version { $version } ({ $lag } zurück)
hq-fleet-queue-cell = { $pending } wartend, { $dead } abgelehnt
hq-fleet-camera-cell = { $state }, { $fps } Bilder/s
hq-fleet-state-ok = OK
hq-fleet-state-stale = stumm (keine Meldung)
hq-fleet-state-behind = Katalog veraltet
hq-fleet-state-queuing = Warteschlange blockiert (abgelehnte Nachrichten)
hq-fleet-state-blind = blind (Kamera ausgefallen)
hq-fleet-camera-ok = in Betrieb
hq-fleet-camera-down = ausgefallen
hq-fleet-camera-none = keine
hq-fleet-empty = Kein Kiosk entspricht der Auswahl.
hq-fleet-count = { $count ->
    [one] { $count } Kiosk
   *[other] { $count } Kioske
}
hq-fleet-refresh-note = Diese Seite aktualisiert sich alle { $secs } Sekunden.
