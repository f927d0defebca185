# HQ's pages: the phone basket page (/h/…), the survey page (/s/…), the
# store staff's orders page (/staff/…) and their error pages.

## The phone basket page

hq-page-basket-title = Ihr Warenkorb
hq-page-basket-heading = Ihr Vitrine-Warenkorb
# A basket line: 3 × Nordic must original
hq-page-line = { $quantity } × { $name }
hq-page-unknown-product = Unbekanntes Produkt ({ $gtin })
hq-page-no-price = kein Preis
hq-page-total = Gesamt
hq-page-store-prices = Preise der Filiale { $store }.
hq-page-open-app = In der App öffnen
hq-page-loading = Warenkorb wird geladen …
hq-page-need-js = Aktivieren Sie JavaScript, um diesen Warenkorb abzurufen.
hq-page-claim-heading = Diesen Warenkorb erhalten
hq-page-claim-email = E-Mail
hq-page-claim-phone = oder Telefon (SMS)
hq-page-send = Senden
hq-page-claimed = Warenkorb gespeichert: Die Bestätigung ist unterwegs.
hq-page-claim-need-contact = Geben Sie eine E-Mail-Adresse oder eine Telefonnummer ein.
hq-page-claim-bad-email = Die E-Mail-Adresse ist ungültig.
hq-page-claim-bad-phone = Die Telefonnummer ist ungültig (Ziffern, optional mit vorangestelltem +).
hq-page-claim-taken-title = Warenkorb bereits gespeichert
hq-page-claim-taken = Dieser Warenkorb wurde bereits gespeichert: Die Bestätigung ging an die E-Mail-Adresse oder Telefonnummer, die beim ersten Mal angegeben wurde. Zu Ihrer Sicherheit kann er nicht an eine andere Adresse gesendet werden. Um einen Warenkorb zu erhalten, scannen Sie den QR-Code am Terminal erneut.
hq-page-coupon = Gutschein
hq-page-coupon-use = Einlösen
hq-page-coupon-applied = Gutschein eingelöst
# Before the new total, in bold.
hq-page-coupon-new-total = Neue Summe:
hq-page-coupon-refused = Gutschein abgelehnt
hq-page-link-invalid = Dieser Link ist ungültig.
hq-page-link-invalid-short = Ungültiger Link.
hq-page-back-to-basket = Zurück zum Warenkorb
hq-page-form-too-large = Das gesendete Formular ist zu lang. Gehen Sie zurück und versuchen Sie es erneut.
hq-page-form-unreadable = Das gesendete Formular ist unvollständig oder unlesbar. Gehen Sie zurück und versuchen Sie es erneut.

## What the pages (and the phone page's script) say for an error code of
## HQ's answers, never the API's English message.

hq-error-bad-signature = Dieser Link wurde beschädigt oder verändert: Die Signatur des Warenkorbs passt nicht zu dem Terminal, das ihn erstellt hat. Scannen Sie den QR-Code am Terminal erneut.
hq-error-bad-request = Dieser Link ist unvollständig oder unlesbar: Scannen Sie den QR-Code am Terminal erneut.
hq-error-forbidden = Dieser Warenkorb stammt von einem Terminal, das die Filiale nicht mehr anerkennt. Bitten Sie einen Mitarbeiter um Hilfe.
hq-error-not-found = Warenkorb nicht gefunden: Scannen Sie den QR-Code am Terminal erneut.
hq-error-conflict = Dieser Link gehört zu einem anderen Warenkorb: Scannen Sie den QR-Code am Terminal erneut.
hq-error-too-large = Dieser Warenkorb ist zu groß, um hier geöffnet zu werden. Bitten Sie einen Mitarbeiter um Hilfe.
hq-error-rate-limited = Zu viele Anfragen auf einmal: Versuchen Sie es in einer Minute erneut.
hq-error-unavailable = Der Dienst ist vorübergehend nicht verfügbar: Versuchen Sie es gleich noch einmal.

## The survey page

hq-survey-title = Ihre Meinung
hq-survey-question = Wie zufrieden sind Sie mit Ihrem Einkauf?
hq-survey-score = { $score } / 5
hq-survey-thanks = Vielen Dank!
# Before the coupon's code, in bold.
hq-survey-coupon = Ihr Gutschein:
hq-survey-coupon-until = gültig bis { $date }

## The staff's orders page

hq-staff-title = Bestellungen
hq-staff-heading = Click-&-Collect-Bestellungen — { $store }
hq-staff-order = Bestellung
hq-staff-customer = Kunde
hq-staff-status = Status
hq-staff-items = { $count } Artikel
hq-staff-no-orders = Keine Bestellungen.
hq-staff-back = Zurück zu den Bestellungen
hq-staff-no-store = Diese Filiale gibt es nicht.
hq-staff-bad-status = Unbekannter Status: Wählen Sie eingegangen, in Vorbereitung, abholbereit oder abgeholt.
hq-staff-no-order = Diese Bestellung gibt es nicht.
hq-staff-no-order-here = Diese Bestellung gibt es in dieser Filiale nicht.
hq-staff-busy = Die Zentrale ist ausgelastet: Versuchen Sie es gleich noch einmal.
hq-staff-failed = In der Zentrale ist ein Problem aufgetreten: Versuchen Sie es gleich noch einmal; falls es bestehen bleibt, informieren Sie den Support.
hq-staff-login-title = Anmeldung für Mitarbeitende
hq-staff-login-name = Benutzername
hq-staff-login-password = Passwort
hq-staff-login-submit = Anmelden
hq-staff-login-refused = Benutzername oder Passwort falsch.
hq-staff-login-locked = Zu viele Versuche: Versuchen Sie es in { $minutes } Min. erneut.
hq-staff-logout = Abmelden
hq-staff-signed-in = Angemeldet als { $name }
hq-staff-not-your-store = Ihr Konto gehört nicht zu dieser Filiale.
hq-staff-form-expired = Dieses Formular ist abgelaufen oder stammt nicht von dieser Seite: Laden Sie die Seite neu und versuchen Sie es erneut.
hq-staff-audit = Letzte Änderungen
hq-staff-audit-row = { $time }: Bestellung { $number }, { $from } → { $to }, von { $name }
hq-staff-stores = Filialen
