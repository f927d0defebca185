# HQ (issue 14, trust): the one-time code that proves a shopper holds an
# email or a phone, and a coupon used by someone other than its holder.

hq-code-subject = Ihr Vitrine-Code: { $code }
hq-code-body =
    Ihr Code für die Anmeldung am Terminal lautet { $code }. Er ist { $minutes } Minuten gültig.

    Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht: Ohne ihn kann sich niemand anmelden.

    Vitrine
hq-code-sms = Vitrine: Ihr Code lautet { $code } ({ $minutes } Min. gültig). Ignorieren Sie diese Nachricht, wenn Sie ihn nicht angefordert haben.
hq-coupon-not-holder = dieser Gutschein gehört einer anderen Kundin oder einem anderen Kunden: Nur die Inhaberin oder der Inhaber kann ihn einlösen
    .clause = dieser Gutschein gehört einer anderen Kundin oder einem anderen Kunden: Nur die Inhaberin oder der Inhaber kann ihn einlösen
