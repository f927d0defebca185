# Kiosk (issue 14, trust): the one-time code step of identification by
# phone or email. $masked is where the code went (•••• 78, c•••@e•••.com).

kiosk-trust-code-sent = Falls es sich um ein Kundenkonto handelt, haben wir einen Code an { $masked } gesendet.
kiosk-trust-code-heading = Code eingeben
kiosk-trust-code-prompt = Geben Sie den 6-stelligen Code ein, der an { $masked } gesendet wurde. Er ist 10 Minuten gültig.
kiosk-trust-code-other = Andere Nummer oder E-Mail
kiosk-trust-code-wrong = { $left ->
    [0] Falscher Code. Fordern Sie einen neuen an.
    [one] Falscher Code: noch 1 Versuch.
   *[other] Falscher Code: noch { $left } Versuche.
}
kiosk-trust-code-closed = Dieser Code ist abgelaufen oder wurde bereits verwendet: Fordern Sie einen neuen an.
kiosk-trust-code-too-many = Es wurden zu viele Codes angefordert: Versuchen Sie es in einigen Minuten erneut oder scannen Sie den QR-Code der App.
