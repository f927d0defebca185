# The kiosk's own typed reasons (session, contact, collection slots, staff
# PIN, identification, coupons, camera), worded for the shopper or staff.

basket-no-price = Dieses Produkt hat in dieser Filiale keinen Preis: Bitte fragen Sie das Personal.
basket-full = Der Warenkorb ist voll: Senden Sie ihn zuerst an Ihr Telefon oder bestellen Sie ihn.
basket-too-many = Höchstmenge für dieses Produkt erreicht.
basket-currency = Dieser Preis ist nicht in der Währung der Filiale: Bitte fragen Sie das Personal.

contact-empty = Geben Sie eine E-Mail-Adresse oder eine Telefonnummer ein.
contact-email = Diese E-Mail-Adresse ist unvollständig: Sie sieht so aus: name@beispiel.de.
contact-phone = Diese Nummer ist ungültig: 10 Ziffern, beginnend mit 0, oder + und die Landesvorwahl.
contact-too-long = Das ist zu lang für eine Adresse.

# A collection slot. $start and $end are times (14:00); $weekday the day's
# name, $day and $month two digits.
slot-today = Heute, { $start } – { $end }
slot-tomorrow = Morgen, { $start } – { $end }
# unused: $day_num, $month_name
slot-day = { $weekday }, { $day }.{ $month }., { $start } – { $end }

staff-pin-granted = Zugang gewährt
staff-pin-wrong = Falscher Code. Verbleibende Versuche bis zur Sperre: { $left }
staff-pin-locked = Zu viele Versuche: Versuchen Sie es in { $wait } erneut
staff-pin-rule-length = Der Code muss 4 bis 8 Ziffern haben.
staff-pin-rule-trivial = Code zu einfach (gleiche oder aufeinanderfolgende Ziffern): Wählen Sie einen anderen.
staff-pin-rule-default = Das ist der Werkscode: Wählen Sie einen anderen.
staff-pin-rule-mismatch = Die beiden Eingaben stimmen nicht überein.

identify-not-understood = Wir erkennen diesen Code nicht: Scannen Sie den QR-Code der App oder Ihre Karte, oder geben Sie Ihre Telefonnummer oder E-Mail-Adresse ein.
identify-unknown = Wir finden kein Kundenkonto mit diesen Angaben.
identify-offline = Das Terminal ist offline: Scannen Sie den QR-Code der App, um sich anzumelden.
identify-unavailable = Die Anmeldung ist im Moment nicht möglich: Bitte fragen Sie das Personal.

coupon-already-used = Dieser Gutschein wurde bereits eingelöst: Er gilt nur einmal.
coupon-unavailable = Dieser Gutschein kann im Moment nicht geprüft werden: Bitte fragen Sie das Personal.

## The camera, for staff. $device is a camera index or name, $detail the
## driver's own (English) words.

camera-off = Keine Kamera an diesem Terminal
camera-starting = Kamera wird gestartet…
camera-running = Kamera läuft
camera-running-mode = Kamera läuft ({ $width }x{ $height }, { $fps } B/s)
camera-unavailable = Kamera nicht verfügbar: { $why }. Neuer Versuch in { $secs } s (Versuch { $attempt }).
camera-ended = Wiedergabe beendet
camera-stopped = Kamera angehalten

camera-not-found = Kamera { $device } nicht gefunden: Prüfen Sie, ob sie angeschlossen ist (oder setzen Sie camera.device)
camera-not-found-detail = Kamera { $device } nicht gefunden ({ $detail }): Prüfen Sie, ob sie angeschlossen ist (oder setzen Sie camera.device)
camera-not-named = keine Kamera namens „{ $device }“: Prüfen Sie, ob sie angeschlossen ist (oder setzen Sie camera.device)
camera-not-named-detail = keine Kamera namens „{ $device }“ ({ $detail }): Prüfen Sie, ob sie angeschlossen ist (oder setzen Sie camera.device)
camera-detail-no-node = { $node } existiert nicht
camera-detail-none-connected = keine Kamera angeschlossen
camera-detail-connected = angeschlossen: { $names }
camera-busy = Kamera { $device } wird von einem anderen Programm benutzt
camera-permission = kein Zugriff auf Kamera { $device }: Nehmen Sie den Benutzer des Terminals in die Gruppe „video“ auf
camera-disconnected = Kamera { $device } sendet keine Bilder mehr (ausgesteckt?): { $detail }
camera-stalled = die Kamera hat seit { $secs } s kein Bild gesendet und wird neu geöffnet
camera-no-mode = Kamera { $device } bietet kein verwendbares Bildformat ({ $detail })
camera-failed = Fehler der Kamera { $device }: { $what } ({ $detail })
camera-step-list = Kameras können nicht aufgelistet werden
camera-step-open = sie kann nicht geöffnet werden
camera-step-thread = die Aufnahme kann nicht gestartet werden (keine Ressourcen mehr)
camera-no-images = kein lesbares Bild in { $what }: Fügen Sie PNG-, JPEG- oder WebP-Dateien hinzu (oder korrigieren Sie camera.replay_dir)
camera-replay-ended = die Wiedergabe ist zu Ende
