# Die Click-&-Collect-Theke (Mitarbeiterseite bei HQ) und die Stornonachricht.
hq-desk-filter = Anzeigen
hq-desk-filter-open = Zu erledigen
hq-desk-filter-all = Alle
hq-desk-filter-label = { $status } ({ $count })
hq-desk-order = Bestellung { $number }
hq-desk-ordered-at = Bestellt am { $time }
hq-desk-customer = Für { $name }
hq-desk-lines = Zusammenzustellen
hq-desk-line = { $quantity } × { $name }
hq-desk-line-unknown = { $quantity } × Produkt { $gtin } (nicht im Katalog)
hq-desk-picture = Bild von { $name }
hq-desk-items = { $count ->
    [one] { $count } Artikel
   *[other] { $count } Artikel
}
hq-desk-total = Gesamt { $total }
hq-desk-act-preparing = Zusammenstellen beginnen
hq-desk-act-ready = Abholbereit
hq-desk-act-collected = Übergeben …
hq-desk-act-cancel = Bestellung stornieren
hq-desk-cancel-reason = Grund, den der Kunde erfährt
hq-desk-reason-out-of-stock = ein Produkt nicht vorrätig ist
hq-desk-reason-not-collected = sie nicht rechtzeitig abgeholt wurde
hq-desk-reason-customer-request = Sie uns um die Stornierung gebeten haben
hq-desk-reason-store-unavailable = die Filiale sie nicht zusammenstellen kann
hq-desk-why-out-of-stock = Nicht vorrätig
hq-desk-why-not-collected = Nicht rechtzeitig abgeholt
hq-desk-why-customer-request = Auf Wunsch des Kunden
hq-desk-why-store-unavailable = Die Filiale kann sie nicht zusammenstellen
hq-desk-cancelled-because = Storniert ({ $reason })
hq-desk-confirm-title = Bestellung { $number } übergeben?
hq-desk-confirm-text = Prüfen Sie die Bestellnummer mit { $name } und übergeben Sie { $count ->
    [one] { $count } Artikel
   *[other] { $count } Artikel
}. Das lässt sich nicht rückgängig machen.
hq-desk-confirm-yes = Ja, übergeben
hq-desk-confirm-no = Noch nicht, zurück zu den Bestellungen
hq-desk-none = Hier gibt es keine Bestellungen.
hq-desk-new-order = Neue Bestellung { $number }
hq-desk-not-allowed = Diese Bestellung kann nicht mehr in diesen Status wechseln (sie hat sich vielleicht inzwischen geändert): Die Seite zeigt sie, wie sie jetzt ist.
hq-desk-reason-needed = Wählen Sie vor dem Stornieren den Grund, den der Kunde erfährt.
hq-desk-checkout = Online-Zahlung
hq-mail-order-cancelled-subject = Ihre Bestellung { $number } ist storniert
hq-mail-order-cancelled-body =
    Guten Tag { $name },

    Es tut uns leid: Ihre Bestellung { $number } in der Filiale { $store } ist storniert, weil { $reason }.

    Vitrine
hq-sms-order-cancelled = Vitrine: Ihre Bestellung { $number } ist storniert, weil { $reason }.
