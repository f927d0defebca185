# GS1-Ablehnungen (Crate vitrine-i18n, Modul gs1): warum GS1-Daten oder ein
# GS1 Digital Link gegen die Regeln von GS1 (das Barcode Syntax Dictionary)
# verstoßen und warum der Preis eines Etiketts nicht übernommen wird.
# Angezeigt auf dem Bildschirm des Kiosks und von der Befehlszeile. Die
# Satzteile beginnen klein: Sie folgen einem Doppelpunkt.
# Argumente: $ai ein GS1-Datenbezeichner (Ziffern), $at ein Stück des
# Codes, $ch ein Zeichen, $pos seine Position (ab 1), $min / $max Längen.

gs1-empty = die GS1-Daten sind leer
gs1-brackets = GS1-Daten in Klammern lauten (AI)Wert(AI)Wert…; die Schreibweise bricht bei „{ $at }“ ab
gs1-unknown-ai = ({ $ai }) ist kein GS1-Datenbezeichner: Der Code ist vielleicht beschädigt
gs1-no-ai-at = kein GS1-Datenbezeichner beginnt mit „{ $at }“: Der Code ist vielleicht beschädigt oder seine Felder sind nicht getrennt
gs1-value = AI ({ $ai }): { $problem }
gs1-repeated = AI ({ $ai }) steht zweimal mit verschiedenen Werten im Code
gs1-requires = AI ({ $ai }) ist allein nicht gültig: GS1 verlangt daneben eine dieser AI-Gruppen: { $required }
gs1-requires-measure = ein auf ein GS1-Etikett gedruckter Preis (AI ({ $ai })) gilt nur neben einem Maß des Artikels (einer Anzahl oder einem Gewicht: AI 30, 31nn, 32nn, 35nn oder 36nn), und dieser Code hat keines: Der Preis wird nicht übernommen
gs1-excludes = GS1 verbietet AI ({ $ai }) zusammen mit AI ({ $other }) in einem Code
gs1-unserialised = AI ({ $ai }) muss seinen Seriennummernteil enthalten, wenn der Code signiert ist (AI 8030)

## Was am Wert eines AI falsch ist ($problem oben).
gs1-problem-empty = Der Wert ist leer
gs1-problem-too-short = Der Wert ist zu kurz (mindestens { $min } Zeichen)
gs1-problem-too-long = Der Wert ist zu lang (höchstens { $max } Zeichen)
gs1-problem-character = Zeichen { $pos } ({ $ch }) ist nicht erlaubt: { $set }
gs1-set-digits = Erlaubt sind nur Ziffern
gs1-set-82 = Erlaubt sind nur Buchstaben, Ziffern und die Zeichen !"%&'()*+,-./:;<=>?_ (GS1-Zeichensatz 82)
gs1-set-39 = Erlaubt sind nur Großbuchstaben, Ziffern und die Zeichen #-/ (GS1-Zeichensatz 39)
gs1-set-64 = Erlaubt sind nur Buchstaben, Ziffern, - und _ (GS1-Zeichensatz 64)
gs1-problem-base64-padding = Die „=“-Auffüllung am Ende ist falsch
gs1-problem-check-digit = Die Prüfziffer ist falsch: Prüfen Sie die Ziffern
gs1-problem-check-pair = Die zwei Prüfzeichen am Ende sind falsch
gs1-problem-company-prefix = Er beginnt nicht mit einer GS1-Basisnummer
gs1-problem-month = Der Monat liegt nicht zwischen 01 und 12
gs1-problem-day = Diesen Tag gibt es in diesem Monat nicht
gs1-problem-hour = Die Stunde liegt nicht zwischen 00 und 23
gs1-problem-minute = Die Minute liegt nicht zwischen 00 und 59
gs1-problem-second = Die Sekunde liegt nicht zwischen 00 und 59
gs1-problem-currency = Er ist kein ISO-4217-Währungscode
gs1-problem-country = Er ist kein ISO-3166-Ländercode
gs1-problem-zero = Er darf nicht null sein
gs1-problem-zero-prefix = Er darf nicht mit 0 beginnen
gs1-problem-rule = Er verstößt gegen die GS1-Regel „{ $rule }“

## GS1 Digital Link (eine Webadresse in einem QR-Code).
gs1-dl-character = kein GS1 Digital Link: Die Adresse enthält { $ch }, was eine Webadresse nicht enthalten kann
gs1-dl-scheme = kein GS1 Digital Link: Die Adresse muss mit http:// oder https:// beginnen
gs1-dl-host = kein GS1 Digital Link: Die Adresse hat keinen gültigen Hostnamen
gs1-dl-no-key = kein GS1 Digital Link: Der Pfad hat keinen GS1-Schlüssel in Ziffern wie /01/ gefolgt von einer 14-stelligen GTIN
gs1-dl-empty-value = GS1 Digital Link: AI ({ $ai }) hat keinen Wert
gs1-dl-null = GS1 Digital Link: Der Wert von AI ({ $ai }) enthält %00
gs1-dl-qualifiers = GS1 Digital Link: Die Qualifikatoren im Pfad gehören nicht zu seinem Schlüssel oder stehen nicht in der Reihenfolge von GS1 (nach einer GTIN: /22/, dann /10/, dann /21/)
gs1-dl-not-attribute = GS1 Digital Link: AI ({ $ai }) darf nicht nach „?“ stehen
gs1-dl-in-path = GS1 Digital Link: AI ({ $ai }) gehört in den Pfad (/{ $ai }/…), nicht nach „?“
gs1-dl-unknown-ai = GS1 Digital Link: ({ $ai }) nach „?“ ist kein GS1-Datenbezeichner
gs1-dl-duplicate = GS1 Digital Link: AI ({ $ai }) ist zweimal angegeben

## Ein Etikett, dessen Preis oder Gewicht nicht übernommen wird (ganze Sätze).
gs1-label-fixed-price = Der auf diesem Etikett gedruckte Preis wird nicht übernommen: Dieses Produkt hat einen festen Preis (ein Etikettenpreis gilt nur für einen gewogenen oder gemessenen Artikel).
gs1-label-not-store-number = Dieses Etikett des Geschäfts wird nicht übernommen: Ein Preis- oder Gewichtsetikett muss eine eigene Nummer des Geschäfts tragen (Präfix 02 oder 20 bis 29).

## Der Bildschirm des Kiosks, für einen abgelehnten GS1-Code.
gs1-kiosk-refused = Dieser Code wurde abgelehnt: { $reason }.

## Die Befehlszeile, für ein abgelehntes Etikett ($code wie eingegeben).
gs1-cli-label-refused = Etikett von „{ $code }“ abgelehnt. { $reason }
