# The phone half of the journey (issue 16): the basket page on the phone
# (/h/…), its click&collect and delivery forms, identification by one-time
# code, the order page (/o/…), the order's confirmation, and the kiosk's
# refusal to hand off what it cannot price.

## The kiosk's command line

phone-cli-handoff-unknown = Produkt { $gtin } ist nicht im Katalog: Das Terminal kann es nicht bepreisen und gibt es daher nicht weiter (entfernen Sie es)

## The basket page

phone-store = Filiale: { $store }
phone-store-at = Filiale: { $store }, { $place }
phone-empty = Ihr Warenkorb ist leer.
phone-unit-price = { $price } pro Stück
phone-line-no-price = Kein Preis für { $name }
phone-unpriced-line = Produkt { $gtin } hat hier keinen Preis: Die Summe enthält es nicht.
phone-total-without = Summe ohne { $count ->
    [one] das Produkt ohne Preis
   *[other] die { $count } Produkte ohne Preis
}
phone-quantity = Menge: { $quantity }
phone-less = Ein { $name } weniger
phone-more = Ein { $name } mehr
phone-remove = Entfernen
phone-remove-label = { $name } entfernen
phone-edit-refused = Diese Menge kann hier nicht geändert werden.
phone-ordered-no-edit = Dieser Warenkorb wurde bestellt: Er kann nicht mehr geändert werden.
phone-see-order = Bestellung { $number } ansehen
phone-finish = Hier abschließen
phone-way-collect = Abholung in der Filiale
phone-way-delivery = Lieferung nach Hause
phone-app-fallback = Ist die App nicht installiert, bleibt diese Seite geöffnet.

## Identification by one-time code

phone-identify-heading = Mitgliederpreise und Ihre Gutscheine
phone-identify-label = Ihre E-Mail-Adresse oder Mobilnummer
phone-identify-send = Code anfordern
phone-identify-bad = Diese E-Mail-Adresse oder Nummer ist ungültig.
phone-code-title = Ihr Code
phone-code-sent = Wenn diese E-Mail-Adresse oder Nummer einem Mitglied gehört, wurde soeben ein Code dorthin gesendet.
phone-code-label = Erhaltener Code
phone-code-check = Bestätigen
phone-code-wrong = Falscher Code. { $left ->
    [one] Noch ein Versuch.
   *[other] Noch { $left } Versuche.
}
phone-code-closed = Dieser Code ist nicht mehr gültig: Fordern Sie einen neuen an.
phone-member-heading = Mitglied
phone-member = Hallo { $name }, Ihre Mitgliederpreise werden angewendet.
phone-use-coupon = Meinen Gutschein { $code } einlösen

## The order forms

phone-basket-total = Warenkorb: { $total }
phone-choose-store = Filiale
phone-store-all-in-stock = alles vorrätig
phone-store-missing = { $missing ->
    [one] 1 Produkt fehlt
   *[other] { $missing } Produkte fehlen
}
phone-slot = Zeitfenster
phone-name = Ihr Name
phone-street = Straße und Hausnummer
phone-postcode = Postleitzahl
phone-city = Ort
phone-delivery-fee = Liefergebühr: { $fee }
phone-delivery-free = Die Lieferung dieses Warenkorbs ist kostenlos.
phone-delivery-free-from = Kostenlose Lieferung ab { $amount }.
phone-pay-at-pickup = Sie bezahlen bei der Abholung in der Filiale.
phone-pay-on-delivery = Sie bezahlen bei Lieferung.
phone-order-button = Bestellen
phone-order-refused = Bestellung nicht aufgegeben
phone-back-to-form = Zurück zum Formular
phone-address-bad-street = Geben Sie Straße und Hausnummer an.
phone-address-bad-postcode = Die Postleitzahl ist ungültig.
phone-address-bad-city = Geben Sie den Ort an.
phone-order-empty = Der Warenkorb ist leer.
phone-order-no-price = Produkt { $gtin } hat keinen Preis: Entfernen Sie es aus dem Warenkorb, um zu bestellen.
phone-order-out-of-stock = Produkt { $gtin } ist dort nicht in dieser Menge verfügbar.
phone-order-no-store = Wählen Sie eine Filiale, die den ganzen Warenkorb vorrätig hat.
phone-order-no-slot = Dieses Zeitfenster ist nicht mehr verfügbar: Wählen Sie ein anderes.
phone-order-no-name = Geben Sie Ihren Namen an.
phone-order-no-contact = Geben Sie eine E-Mail-Adresse oder Telefonnummer für die Bestätigung an.
phone-order-bad-contact = Die E-Mail-Adresse oder Telefonnummer ist ungültig.

## The order page and confirmation

phone-order-title = Bestellung { $number }
phone-order-status = Status: { $status }
phone-order-not-found = Bestellung nicht gefunden.
phone-order-kiosk = Abholung in der Filiale { $store }.
phone-how-collect = Abholung in { $store }, { $slot }.
phone-how-delivery = Lieferung an { $street }, { $postcode } { $city }, { $slot }. Liefergebühr: { $fee }.
phone-checkout = Jetzt bezahlen
phone-mail-order-subject = Ihre Bestellung { $number }
phone-mail-order-body =
    Guten Tag { $name },

    wir haben Ihre Bestellung { $number } erhalten.
    { $how }

    { $lines }
    Zu zahlen: { $total }

    Ihre Bestellung verfolgen: { $link }

    { $retailer }
phone-sms-order = Bestellung { $number } erhalten. { $how } { $link }
