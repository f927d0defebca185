# HQ's messages to shoppers: emails (subject and body) and text messages.
# A body's $lines is the basket, one line each, ending with its total
# (hq-mail-line, the promotions, hq-mail-total, the demo prices warning);
# $refused is empty or a blank line and one hq-mail-coupon-refused per coupon.

# A basket line in an email (indented by HQ): 3 x Nordic must original  €3.49
hq-mail-line = { $quantity } x { $name }  { $price }
hq-mail-total = Gesamt: { $total }
hq-mail-coupon-refused = Der Gutschein { $code } konnte nicht angewendet werden ({ $reason }): Die Summe oben ist ohne ihn berechnet.

hq-mail-order-received-subject = Ihre Bestellung { $number } ist eingegangen
hq-mail-order-received-body =
    Guten Tag { $name },

    wir haben Ihre Click-&-Collect-Bestellung { $number } für die Filiale { $store } erhalten.

    { $lines }{ $refused }
    Wir benachrichtigen Sie, sobald sie zur Abholung bereitliegt.

    Vitrine
hq-sms-order-received = Vitrine: Bestellung { $number } eingegangen ({ $total }). Wir benachrichtigen Sie, wenn sie bereitliegt.

hq-mail-order-ready-subject = Ihre Bestellung { $number } ist abholbereit
hq-mail-order-ready-body =
    Guten Tag { $name },

    Ihre Bestellung { $number } liegt in der Filiale { $store } zur Abholung bereit. Nennen Sie diese Nummer an der Information.

    Vitrine
hq-sms-order-ready = Vitrine: Ihre Bestellung { $number } ist abholbereit ({ $store }).

hq-mail-basket-subject = Ihr Vitrine-Warenkorb
hq-mail-basket-body =
    Guten Tag,

    hier ist der Warenkorb, den Sie am Terminal der Filiale { $store } zusammengestellt haben:

    { $lines }
    Sie finden ihn jederzeit unter: { $link }

    Vitrine
hq-sms-basket = Vitrine: Ihr Warenkorb { $link }

hq-mail-thanks-subject = Vielen Dank für Ihren Besuch
hq-mail-thanks-body =
    Guten Tag,

    vielen Dank, dass Sie sich für Vitrine entschieden haben. Wir hoffen, es hat Ihnen alles gefallen.

    Vitrine

# $percent is a whole number (10 for 10 %).
hq-mail-survey-subject = Ihre Meinung zählt: 1 Minute
hq-mail-survey-body =
    Guten Tag,

    sagen Sie uns, wie Ihr Einkauf war; als Dankeschön erhalten Sie einen Gutschein über { $percent } %, gültig im Geschäft und online.

    { $link }

    Vitrine

# $qr is the coupon's code to scan at a kiosk (a long text). The code line
# starts with two spaces ({"  "}: Fluent drops a line's own indentation).
hq-mail-coupon-subject = Ihr Gutschein über { $percent } %: { $code }
hq-mail-coupon-body =
    Guten Tag,

    vielen Dank für Ihre Meinung. Hier ist Ihr Gutschein über { $percent } % auf Ihren Einkauf, gültig im Geschäft (Terminal) und online bis { $until }:

    {"  "}{ $code }

    Code zum Scannen am Terminal:
    { $qr }

    Vitrine

hq-mail-reminder-subject = Ihr Gutschein { $code } läuft bald ab
hq-mail-reminder-body =
    Guten Tag,

    Ihr Gutschein über { $percent } % ({ $code }) läuft am { $until } ab. Lösen Sie ihn im Geschäft oder online ein.

    Vitrine
