# Die Kommandozeile `vitrine`: Textausgaben und Fehler auf stderr.
# Der Code richtet die Zeilenbeschriftungen in einer Spalte aus: unter 14
# Zeichen bleiben.

## Fehler. $detail: die (englischen) Worte eines anderen Moduls oder des Systems.

cli-error-write = Die Ausgabe kann nicht geschrieben werden: { $detail }
cli-error-invalid-code = Ungültiger Code „{ $code }“: { $reason }
cli-error-unknown-product = Kein Produkt mit der GTIN { $gtin } im Katalog (Version { $version })
cli-error-cannot-read = { $file } kann nicht gelesen werden: { $detail }
cli-error-import = { $file }: { $detail }
cli-error-runtime = Die Netzwerkumgebung kann nicht gestartet werden: { $detail }
cli-error-workers = Die Hintergrundprozesse können nicht gestartet werden: { $detail }
cli-error-hq-link = Die Verbindung zur Zentrale kann nicht gestartet werden: { $detail }
cli-error-not-enrolled = Dieses Terminal ist nicht bei der Zentrale registriert: Führen Sie `vitrine enroll --hq URL --code CODE` aus (oder registrieren Sie es im Personalbereich)
# $problem: ein Satz zur Art des Problems (sync.ftl).
cli-error-sync = { $problem } ({ $detail })

## Warum ein Code abgelehnt wurde. $code: der Code wie gelesen.

cli-code-empty = Kein Code angegeben: Scannen Sie einen Barcode oder geben Sie die Ziffern darunter ein
cli-code-invalid-character = „{ $ch }“ an Stelle { $pos } ist keine Ziffer: Eine Barcode-Nummer besteht nur aus Ziffern
cli-code-bad-length = Ein Produkt-Barcode hat 8, 12, 13 oder 14 Ziffern, dieser hat { $len }: Prüfen Sie, ob eine Ziffer fehlt oder zu viel ist
cli-code-check-digit = Die Prüfziffer müsste { $expected } sein, nicht { $found } ({ $code })
cli-code-check-digit-8 = Die Prüfziffer müsste { $ean8 } (als EAN-8 gelesen) oder { $upce } (als UPC-E gelesen) sein, nicht { $found } ({ $code })
cli-code-isbn10-check = Das ISBN-10-Prüfzeichen müsste { $expected } sein, nicht { $found } ({ $code })
cli-code-not-upce = { $code } ist kein UPC-E-Code: Ein UPC-E beginnt mit 0 oder 1
cli-code-unknown-ai = Unbekannter GS1-Datenbezeichner bei „{ $at }“: Der Code ist vielleicht beschädigt oder verwendet einen Bezeichner, den Vitrine nicht liest
# $reason: die (englischen) Worte des GS1-Parsers.
cli-code-ai-value = GS1-Datenbezeichner ({ $ai }): { $reason }
cli-code-missing-gtin = Dieser GS1-Code enthält keine GTIN (AI 01 oder 02) und bezeichnet daher kein Produkt
cli-code-digital-link = Kein GS1 Digital Link: { $reason }
cli-code-not-a-product = Dieser Code ist kein Produkt-Barcode ({ $what })

## vitrine lookup

cli-lookup-brand = Marke
cli-lookup-quantity = Menge
cli-lookup-price = Preis
cli-lookup-demo-price = { $price } (Demo-Preis, kein echter Preis)
cli-lookup-no-price = nicht verfügbar
cli-lookup-unit-price = Grundpreis
cli-lookup-per-kg = { $price } pro kg
cli-lookup-net-weight = Nettogewicht
cli-lookup-grams = { $grams } g
cli-lookup-label-price = Etikettenpreis
cli-lookup-promotion = Aktion
cli-lookup-stock-here = Bestand hier
# $level: vorrätig, geringer Bestand, ausverkauft (domain.ftl).
cli-lookup-stock = { $quantity } ({ $level })
cli-lookup-stock-unknown = unbekannt
cli-lookup-online = online
cli-lookup-offer-label = Angebot
cli-lookup-offer = { $seller } { $price } + { $shipping } Versand, { $days ->
        [one] { $days } Tag
       *[other] { $days } Tage
    }
cli-lookup-catalog = Katalog
cli-lookup-catalog-version = Version { $version }

## vitrine search

cli-search-none = Kein Produkt passt zu „{ $query }“

## vitrine import. In der Fortschrittsanzeige sind $bar, $bytes, $total und
## $eta Platzhalter, die die Anzeige füllt.

cli-import-progress = Import { $bar } { $bytes }/{ $total } (noch { $eta })
cli-import-done = { $imported ->
        [one] { $imported } Produkt importiert
       *[other] { $imported } Produkte importiert
    }, { $skipped } übersprungen; Katalogversion { $version }
# $example: „line N: Grund“, in den Worten des Parsers.
cli-import-skipped = übersprungen: { $example }

## vitrine status und vitrine sync

cli-status-store = Filiale
cli-status-catalog-version = Katalogversion
cli-status-catalog-updated = Katalog aktualisiert
cli-status-last-sync = letzter Abgleich
cli-status-never = nie
cli-status-products-label = Produkte
cli-status-products = { $products } ({ $prices } Preise, { $promotions } Aktionen, { $stock } Bestandszeilen, { $offers } Angebote, { $stores } Filialen)
cli-status-prices-origin = Herkunft der Preise
cli-status-database = Datenbank
cli-status-database-size = { $path } ({ $bytes } Bytes)
cli-status-hq = Zentrale
cli-status-hq-enrolled = { $hq } (Gerät { $device }, Filiale { $store })
cli-status-not-enrolled = nicht registriert
cli-status-outbox = Sendewarteschlange
cli-status-outbox-counts = { $pending } wartend, { $dead } von der Zentrale abgelehnt
cli-sync-last-error = letzter Fehler
cli-sync-not-all-sent = Die Zentrale konnte nicht alle wartenden Nachrichten annehmen; sie bleiben in der Warteschlange

## vitrine enroll

cli-enroll-no-hq = Keine Adresse der Zentrale: Geben Sie --hq URL an oder setzen Sie hq.url
cli-enroll-bad-url = --hq: Erwartet wird eine http://- oder https://-Adresse, gefunden „{ $url }“
cli-enroll-done = Registriert: Gerät { $device } für die Filiale { $store } bei { $hq }
cli-enroll-store-note = Hinweis: Dieses Terminal bedient jetzt die Filiale { $store }, für die die Zentrale es registriert hat (kiosk.store = "{ $configured }" in der Konfiguration gilt nur bis zur Registrierung)

## vitrine handoff

cli-handoff-bad-quantity = Ungültige Menge in „{ $item }“
cli-handoff-quantity-range = „{ $item }“: Die Menge muss zwischen 1 und { $max } liegen

## vitrine identify

cli-identify-first-name = Vorname
cli-identify-tier = Stufe
cli-identify-consent = Einwilligung
cli-identify-consent-yes = ja
cli-identify-consent-no = nein (keine persönlichen Preise)
cli-identify-offers = Angebote
# $detail: welche Prüfung fehlschlug, in technischen (englischen) Worten;
# $reason: der Satz, den das Terminal zeigt.
cli-identify-refused = { $reason } ({ $detail })

## vitrine config check

cli-config-ok = Konfiguration in Ordnung: { $file }
cli-config-no-file = (keine Datei: Standardwerte und Umgebung)

## vitrine staff set-pin (auf die Eingabeaufforderungen folgt ein Leerzeichen)

cli-staff-env-pin = Eine Umgebungsvariable setzt staff.pin_hash, ein neuer Code hätte keine Wirkung; entfernen Sie sie zuerst: { $var }
cli-staff-pin-prompt = Neuer Code (4 bis 8 Ziffern):
cli-staff-pin-prompt-again = Noch einmal:
cli-staff-read-pin = Der Code kann nicht gelesen werden: { $detail }
cli-staff-no-pin = Kein Code auf der Standardeingabe: Geben Sie ihn ein, wenn er abgefragt wird, oder leiten Sie ihn per Pipe weiter (echo … | vitrine staff set-pin)
cli-staff-pin-saved = Personalcode (als Argon2-Hash) in { $file } gespeichert; das Terminal verwendet ihn ab dem nächsten Start.

## vitrine scan

cli-scan-replay-folder = --replay nimmt einen Ordner oder Bilddateien: { $folder } ist ein Ordner unter { $count } Pfaden
# $reason: warum sich die Kamera nicht öffnen lässt (kiosk-domain.ftl).
cli-scan-camera-unavailable = Kamera „{ $device }“ nicht verfügbar: { $reason }
# $p50 und $p95: Millisekunden mit einer Nachkommastelle.
cli-scan-summary = # { $scans } Scans; Latenz p50 { $p50 } ms, p95 { $p95 } ms; { $captured } Bilder aufgenommen, { $decoded } dekodiert, { $dropped } verworfen
