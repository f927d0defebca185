# HQ's messages to shoppers: emails (subject and body) and text messages.
# A body's $lines is the basket, one line each, ending with its total
# (hq-mail-line, the promotions, hq-mail-total, the demo prices warning);
# $refused is empty or a blank line and one hq-mail-coupon-refused per coupon.

# A basket line in an email (indented by HQ): 3 x Nordic must original  €3.49
hq-mail-line = { $quantity } x { $name }  { $price }
hq-mail-total = Total: { $total }
hq-mail-coupon-refused = Coupon { $code } could not be applied ({ $reason }): the total above is without it.

hq-mail-order-received-subject = Your order { $number } is received
hq-mail-order-received-body =
    Hello { $name },

    We have received your click&collect order { $number } for store { $store }.

    { $lines }{ $refused }
    We will let you know as soon as it is ready for collection.

    Vitrine
hq-sms-order-received = Vitrine: order { $number } received ({ $total }). We will tell you when it is ready.

hq-mail-order-ready-subject = Your order { $number } is ready
hq-mail-order-ready-body =
    Hello { $name },

    Your order { $number } is ready for collection at store { $store }. Give this number at the desk.

    Vitrine
hq-sms-order-ready = Vitrine: your order { $number } is ready for collection ({ $store }).

hq-mail-basket-subject = Your Vitrine basket
hq-mail-basket-body =
    Hello,

    Here is the basket you made at the kiosk in store { $store }:

    { $lines }
    Find it any time: { $link }

    Vitrine
hq-sms-basket = Vitrine: your basket { $link }

hq-mail-thanks-subject = Thank you for your visit
hq-mail-thanks-body =
    Hello,

    Thank you for choosing Vitrine. We hope you enjoyed everything.

    Vitrine

# $percent is a whole number (10 for 10 %).
hq-mail-survey-subject = Your opinion matters: 1 minute
hq-mail-survey-body =
    Hello,

    Tell us how your purchase went; as a thank-you you will receive a { $percent } % coupon valid in store and online.

    { $link }

    Vitrine

# $qr is the coupon's code to scan at a kiosk (a long text). The code line
# starts with two spaces ({"  "}: Fluent drops a line's own indentation).
hq-mail-coupon-subject = Your { $percent } % coupon: { $code }
hq-mail-coupon-body =
    Hello,

    Thank you for your feedback. Here is your { $percent } % coupon on your basket, valid in store (kiosk) and online until { $until }:

    {"  "}{ $code }

    Code to scan at the kiosk:
    { $qr }

    Vitrine

hq-mail-reminder-subject = Your coupon { $code } expires soon
hq-mail-reminder-body =
    Hello,

    Your { $percent } % coupon ({ $code }) expires on { $until }. Use it in store or online.

    Vitrine
