# The kiosk's shopper screens (src/ui), in German (formal "Sie"). Arguments:
# $code a barcode's digits, $name a product name, $price / $total /
# $shipping amounts, $count a number of units.

## The header and the language button ($count units in the basket).

kiosk-basket-short = Warenkorb ({ $count }) { $total }
kiosk-basket-long = Warenkorb: { $count } Artikel, { $total }
# The language button's screen-reader label, in the language it switches to.
kiosk-language-switch = Deutsch: auf Deutsch umschalten
# The on-screen keyboard's letter rows (QWERTZ), keys separated by spaces.
kiosk-keyboard-row1 = q w e r t z u i o p ü
kiosk-keyboard-row2 = a s d f g h j k l ö ä
kiosk-keyboard-row3 = y x c v b n m ß - _ '

## Scanning and searching.

kiosk-code-read = Code gelesen: { $code } – wird gesucht…
kiosk-unknown-product = Unbekanntes Produkt (Code { $code }): Bitte fragen Sie das Personal.
kiosk-catalog-down = Der Katalog antwortet nicht: Bitte versuchen Sie es gleich noch einmal.
kiosk-code-check-digit = Dieser Code passt zu keinem Produkt: Prüfen Sie die Ziffern (die letzte ist eine Prüfziffer).
kiosk-code-length = Ein Barcode hat 8, 12, 13 oder 14 Ziffern; dieser hat { $len }.
kiosk-code-empty = Geben Sie die Ziffern des Barcodes ein.
kiosk-code-unreadable = Dieser Code konnte nicht als Produktcode gelesen werden: Versuchen Sie es erneut oder geben Sie die Ziffern ein.
kiosk-scan-link = Dieser QR-Code ist kein Produkt: Öffnen Sie ihn mit Ihrem Telefon.
kiosk-scan-not-a-product = Das ist kein Produktcode: Scannen Sie den Barcode des Produkts.
kiosk-search-none = Kein Produkt gefunden: Versuchen Sie es mit einem anderen Wort.
kiosk-search-down = Die Suche antwortet nicht: Bitte versuchen Sie es erneut.
kiosk-search-no-price = kein Preis
kiosk-camera-none = Keine Kamera an diesem Terminal: Geben Sie den Code ein, suchen Sie nach dem Namen oder benutzen Sie den Handscanner.
kiosk-camera-unavailable = Kamera nicht verfügbar: Geben Sie den Code ein, suchen Sie nach dem Namen oder benutzen Sie den Handscanner.
# $status the camera's state; $decoded and $captured frames per second;
# $mean and $max decode times in ms.
kiosk-camera-figures = { $status } – { $decoded } von { $captured } Bildern/s gelesen, Dekodierung im Mittel { $mean } ms (höchstens { $max } ms)

## The product page.

kiosk-product-code = Code { $code }
kiosk-product-no-price = Kein Preis
kiosk-weight-price = { $grams } g zu { $price } pro kg
kiosk-product-pack-price = Preis dieser Packung
kiosk-product-per-kg = pro kg
kiosk-product-not-sold = Dieses Produkt wird in dieser Filiale nicht verkauft.
# A place before its stock words ($place a store or "Hier (…)").
kiosk-stock-place = { $place }:
kiosk-stock-here = Hier ({ $store })
kiosk-stock-online = Online (Lieferung)
kiosk-stock-unknown = Bestand unbekannt
kiosk-stock-low = nur noch { $count } vorrätig
# $when says when ("heute um 14:05").
kiosk-offline-since = Preise und Bestand auf diesem Terminal gespeichert: { $when } (Terminal offline).
kiosk-offline = Preise und Bestand auf diesem Terminal gespeichert (offline).
kiosk-live-cached = Bestand anderer Filialen: Antwort der Zentrale { $when }.
kiosk-live = Bestand anderer Filialen live von der Zentrale.
kiosk-offer-detail = + { $shipping } Versand, Lieferung in { $days } Tagen
kiosk-facts-nutrition = Nährwerte pro 100 g
kiosk-facts-nutrition-score = Nährwerte pro 100 g · Nutri-Score { $score }
kiosk-nutrient-energy = Brennwert
kiosk-nutrient-fat = Fett
kiosk-nutrient-saturates = davon gesättigte Fettsäuren
kiosk-nutrient-carbohydrates = Kohlenhydrate
kiosk-nutrient-sugars = davon Zucker
kiosk-nutrient-fibre = Ballaststoffe
kiosk-nutrient-protein = Eiweiß
kiosk-nutrient-salt = Salz
kiosk-book = Das Buch
kiosk-book-author = Autor
kiosk-book-year = Erstveröffentlichung
kiosk-book-language = Sprache
kiosk-added = In den Warenkorb gelegt: { $name }

# When: $time is 14:05; $day and $month two digits, $day_num the day
# without a zero, $month_name the month's short name.
kiosk-when-today = heute um { $time }
# unused: $day_num, $month_name
kiosk-when-day = am { $day }.{ $month }. um { $time }

## The attract screen's promotions.

kiosk-slide-brand = Alle Produkte von { $brand }
kiosk-slide-books = Alle Bücher
kiosk-slide-category = Abteilung { $category }
kiosk-slide-store = In der ganzen Filiale
kiosk-slide-usual-price = Normaler Preis: { $price }
# $badge is "-20 %", "3 für 2"...
kiosk-slide-selection = { $badge } auf die ganze Auswahl

## The basket, coupons.

kiosk-basket-empty = Ihr Warenkorb ist leer.
kiosk-basket-no-total = Die Summe kann nicht berechnet werden: Bitte fragen Sie das Personal.
kiosk-basket-fixed-pack = Packung zum Festpreis
kiosk-basket-each = { $price } pro Stück
kiosk-basket-brand-each = { $brand } · { $price } pro Stück
kiosk-items-total = { $count } Artikel · { $total }
# A coupon code printed by the store ($offer: what it gives).
kiosk-coupon-added = Gutschein hinzugefügt: { $offer }
kiosk-coupon-already-added = Dieser Gutschein ist bereits in Ihrem Warenkorb.
# A signed coupon QR: $off a percentage or an amount, $offer its badge.
kiosk-coupon-qr-added = Gutschein hinzugefügt: { $off } Rabatt auf den Warenkorb
kiosk-coupon-qr-added-offer = Gutschein hinzugefügt: { $offer } auf den Warenkorb
kiosk-coupon-qr-already-added = Dieser Gutschein ist bereits in Ihrem Warenkorb.

## Identification.

kiosk-identify-looking = Ihr Kundenkonto wird gesucht…
kiosk-identify-no-consent = Sie haben personalisierten Angeboten nicht zugestimmt: Es gelten die Preise der Filiale.
kiosk-identify-coupons = { $count ->
    [one] Ihr persönlicher Gutschein gilt ebenfalls.
   *[other] Ihre { $count } persönlichen Gutscheine gelten ebenfalls.
}

## Send to my phone, click & collect.

kiosk-desk-not-connected = Dieses Terminal ist nicht mit der Zentrale verbunden: Senden an ein Telefon und Bestellen sind hier nicht möglich. Bitte fragen Sie das Personal.
kiosk-desk-refused = Ihr Warenkorb konnte nicht vorbereitet werden (zu viele Artikel?): Bitte fragen Sie das Personal.
kiosk-desk-failed = Ein Problem am Terminal verhindert das Senden: Versuchen Sie es erneut oder fragen Sie das Personal.
kiosk-handoff-no-code = Der Code konnte nicht angezeigt werden: Bitte fragen Sie das Personal.
kiosk-handoff-pending = Er wird gesendet, sobald das Terminal online ist. Ihr Telefon kann ihn schon öffnen.
kiosk-handoff-sent = Gesendet.
kiosk-handoff-send-prompt = Geben Sie Ihre Telefonnummer oder E-Mail-Adresse ein und drücken Sie Enter: Wir senden Ihnen den Link zu Ihrem Warenkorb.
kiosk-handoff-link-sms = Der Link zu Ihrem Warenkorb geht per SMS an { $to }.
kiosk-handoff-link-email = Der Link zu Ihrem Warenkorb geht per E-Mail an { $to }.
kiosk-handoff-link-sms-later = Der Link zu Ihrem Warenkorb geht per SMS an { $to }, sobald das Terminal online ist.
kiosk-handoff-link-email-later = Der Link zu Ihrem Warenkorb geht per E-Mail an { $to }, sobald das Terminal online ist.
kiosk-collect-this-store = { $store } (diese Filiale)
kiosk-collect-all-in-stock = ✓ Ihr ganzer Warenkorb ist vorrätig
kiosk-collect-missing = ✗ { $count ->
    [one] { $count } Produkt fehlt
   *[other] { $count } Produkte fehlen
}
kiosk-collect-store-missing = Diese Filiale hat nicht Ihren ganzen Warenkorb vorrätig: Wählen Sie eine andere.
kiosk-collect-choose-store = Wählen Sie eine Filiale.
kiosk-collect-choose-slot = Wählen Sie ein Zeitfenster.
kiosk-collect-name = Geben Sie den Namen ein, unter dem Sie die Bestellung abholen.
kiosk-collect-no-hq = Bestellen ist an diesem Terminal nicht möglich: Es ist nicht mit der Zentrale verbunden. Bitte fragen Sie das Personal.
kiosk-collect-summary-store = Filiale
kiosk-collect-summary-slot = Zeitfenster
kiosk-collect-summary-name = Name
kiosk-collect-summary-contact = Kontakt
kiosk-collect-summary-basket = Warenkorb
kiosk-collect-summary-payment = Zahlung
kiosk-collect-pay-in-store = bei Abholung in der Filiale
# $contact is masked (c•••@e•••.fr).
kiosk-collect-confirmation-sent = Eine Bestätigung geht an { $contact }.
kiosk-collect-confirmation-later = Ihre Bestellung ist auf dem Terminal gespeichert: Sie wird gesendet, sobald das Terminal online ist; danach geht eine Bestätigung an { $contact }.
