# The phone page's last pieces (issue 16): the stores to collect from with
# their distance from the kiosk's store, and the note a basket or order page
# shows when the service worker serves the copy it kept (no network).

# $distance: kilometres, a number written in the page's language.
phone-store-distance = { $distance } km entfernt
phone-offline-basket = Offline: Dies ist der zuletzt bekannte Warenkorb, so wie er beim letzten Laden der Seite war. Er wird aktualisiert, sobald das Netz wieder da ist.
phone-offline-order = Offline: Dies ist die Bestellung, so wie sie beim letzten Laden der Seite war. Ihr Status wird aktualisiert, sobald das Netz wieder da ist.
phone-app-token-bad = Dieser Treuecode wurde nicht angenommen: Öffnen Sie den Warenkorb erneut in der App oder melden Sie sich mit einem Einmalcode an.
