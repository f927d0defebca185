# Audio mode: what the kiosk says (src/speech, src/ui/shell/audio.rs).
speech-audio-on = Audiomodus eingeschaltet. Pfeiltasten nach oben und unten: von einem Bedienelement zum nächsten. Eingabe: auswählen. Escape: zurück. F1: wo Sie sind. Plus und Minus: Lautstärke. F2: Sprechgeschwindigkeit.
speech-keys = Nach oben und unten zum Bewegen, Eingabe zum Auswählen, Escape für zurück, F1 für Hilfe.
speech-button = { $label }, Schaltfläche.
speech-option = { $label }, Option.
speech-option-chosen = { $label }, Option, ausgewählt.
speech-focus-on = Sie sind auf: { $label }.
speech-volume = Lautstärke { $percent } Prozent.
speech-rate = { $step ->
    [0] Normale Geschwindigkeit.
    [1] Schnell.
    [2] Sehr schnell.
   *[other] Langsam.
}
speech-nothing-back = Sie sind am Anfang.
speech-page-attract = Willkommen. Scannen Sie ein Produkt, um Preis, Angebote und Verfügbarkeit zu hören. Drücken Sie die Eingabetaste, um zu beginnen.
speech-page-scan = Produkt scannen. Halten Sie den Strichcode vor die Kamera unter dem Bildschirm: Töne leiten Sie. Oder tippen Sie die Ziffern unter dem Strichcode ein, dann Eingabe.
speech-product = { $name }.
speech-product-price = Preis: { $price }. { $note }
speech-demo-price = Demopreis: Das ist kein echter Preis.
speech-product-promotion = Angebot: { $text }
speech-product-allergens = Allergene: { $list }.
speech-stock = { $place } { $text }.
speech-basket-empty = Ihr Warenkorb ist leer.
speech-basket = { $count ->
    [one] Ihr Warenkorb: ein Produkt.
   *[other] Ihr Warenkorb: { $count } Produkte.
}
speech-basket-line = { $name }, Menge { $quantity }, { $total }.
speech-basket-total = Summe: { $total }.
speech-page-identify = Anmelden. Scannen Sie Ihre Kundenkarte oder tippen Sie Ihre Telefonnummer ein, dann Eingabe.
speech-identified = Sie sind angemeldet.
speech-identified-name = Hallo { $name }, Sie sind angemeldet.
speech-page-handoff = Ihr Warenkorb kann an Ihr Telefon gesendet werden: Ein QR-Code ist auf dem Bildschirm. Um den Link per SMS oder E-Mail zu erhalten, geben Sie Ihre Nummer oder Adresse ein und drücken Sie Enter.
speech-collect-step = { $step ->
    [1] Click and Collect, Schritt 1 von 4: Wählen Sie die Filiale zur Abholung.
    [2] Schritt 2 von 4: Wählen Sie die Abholzeit.
    [3] Schritt 3 von 4: Tippen Sie Ihren Namen ein, dann Ihre E-Mail-Adresse oder Telefonnummer.
    [4] Schritt 4 von 4: Prüfen und bestätigen Sie die Bestellung.
   *[other] Ihre Bestellung ist aufgegeben.
}
speech-collect-number = Bestellnummer: { $number }.
speech-page-staff = Nur für das Personal.
speech-idle = Sind Sie noch da? Ihre Sitzung wird in { $seconds } Sekunden gelöscht. Drücken Sie eine beliebige Taste für mehr Zeit.
speech-aim-left = Bewegen Sie das Produkt nach links.
speech-aim-right = Bewegen Sie das Produkt nach rechts.
speech-aim-up = Höher.
speech-aim-down = Tiefer.
speech-aim-closer = Näher.
speech-aim-farther = Weiter weg.
speech-aim-still = Halten Sie still.
speech-status-label = Sprachausgabe
speech-status-ok = Stimme: { $engine }, Ton: { $output }.
speech-status-no-device = Kein Audiogerät: Das Terminal kann nicht sprechen (der Audiomodus bleibt mit den Tasten bedienbar).
speech-status-no-engine = Die Sprachausgabe fehlt ({ $engine }): Installieren Sie sie (apt-get install espeak-ng).
speech-status-headset = Kopfhörer eingesteckt.

# vitrine speak (audio mode's voice into a WAV file)
cli-speak-bad-lang = Unbekannte Sprache „{ $lang }“: Wählen Sie unter { $known }.
cli-speak-failed = Die Sprachausgabe kann nicht sprechen: { $reason }
cli-speak-done = { $file }: { $ms } ms Sprache.
