# HQ's messages to shoppers: emails (subject and body) and text messages.
# A body's $lines is the basket, one line each, ending with its total
# (hq-mail-line, the promotions, hq-mail-total, the demo prices warning);
# $refused is empty or a blank line and one hq-mail-coupon-refused per coupon.

# A basket line in an email (indented by HQ): 3 x Nordic must original  €3.49
hq-mail-line = { $quantity } x { $name }  { $price }
hq-mail-total = Total : { $total }
hq-mail-coupon-refused = Le bon { $code } n'a pas pu être appliqué ({ $reason }) : le total ci-dessus est calculé sans ce bon.

hq-mail-order-received-subject = Votre commande { $number } est reçue
hq-mail-order-received-body =
    Bonjour { $name },

    Nous avons bien reçu votre commande click&collect { $number } pour le magasin { $store }.

    { $lines }{ $refused }
    Nous vous prévenons dès qu'elle est prête à retirer.

    Vitrine
hq-sms-order-received = Vitrine : commande { $number } reçue ({ $total }). Nous vous prévenons quand elle est prête.

hq-mail-order-ready-subject = Votre commande { $number } est prête
hq-mail-order-ready-body =
    Bonjour { $name },

    Votre commande { $number } est prête à retirer au magasin { $store }. Donnez ce numéro à l'accueil.

    Vitrine
hq-sms-order-ready = Vitrine : votre commande { $number } est prête à retirer ({ $store }).

hq-mail-basket-subject = Votre panier Vitrine
hq-mail-basket-body =
    Bonjour,

    Voici le panier préparé à la borne du magasin { $store } :

    { $lines }
    Retrouvez-le à tout moment : { $link }

    Vitrine
hq-sms-basket = Vitrine : votre panier { $link }

hq-mail-thanks-subject = Merci pour votre visite
hq-mail-thanks-body =
    Bonjour,

    Merci d'avoir choisi Vitrine. Nous espérons que tout vous a plu.

    Vitrine

# $percent is a whole number (10 for 10 %).
hq-mail-survey-subject = Votre avis compte : 1 minute
hq-mail-survey-body =
    Bonjour,

    Dites-nous comment s'est passé votre achat ; en remerciement, vous recevrez un bon de { $percent } % valable en magasin et en ligne.

    { $link }

    Vitrine

# $qr is the coupon's code to scan at a kiosk (a long text). The code line
# starts with two spaces ({"  "}: Fluent drops a line's own indentation).
hq-mail-coupon-subject = Votre bon de { $percent } % : { $code }
hq-mail-coupon-body =
    Bonjour,

    Merci pour votre avis. Voici votre bon de { $percent } % sur votre panier, valable en magasin (borne) et en ligne jusqu'au { $until } :

    {"  "}{ $code }

    Code à scanner sur la borne :
    { $qr }

    Vitrine

hq-mail-reminder-subject = Votre bon { $code } expire bientôt
hq-mail-reminder-body =
    Bonjour,

    Votre bon de { $percent } % ({ $code }) expire le { $until }. Profitez-en en magasin ou en ligne.

    Vitrine
