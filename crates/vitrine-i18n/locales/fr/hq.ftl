# HQ: words its pages and its messages to shoppers share.

# A day, then a day and a time (UTC); $month and $day have two digits.
hq-date = { $year }-{ $month }-{ $day }
hq-date-time = { $year }-{ $month }-{ $day } { $hour }:{ $minute } UTC
hq-demo-prices = Prix de démonstration, pas des prix réels.

# Where a coupon was used, inside a sentence.
hq-channel-kiosk = à une borne en magasin
hq-channel-phone = sur un téléphone
hq-channel-online = en ligne

# Why HQ refused a coupon: the sentence, and .clause inside another
# sentence ("Le bon X n'a pas pu être appliqué (…)"). Kiosks receive the
# sentence in English and French.
hq-coupon-unknown = code de réduction inconnu
    .clause = code de réduction inconnu
hq-coupon-expired = ce bon a expiré le { $date }
    .clause = ce bon a expiré le { $date }
hq-coupon-used = Ce bon de réduction a déjà été utilisé le { $date } { $channel } : il ne sert qu'une fois.
    .clause = ce bon de réduction a déjà été utilisé le { $date } { $channel } : il ne sert qu'une fois
hq-coupon-not-applicable = ce bon ne s'applique pas à ce panier (montant minimum, produits ou dates) : il n'a pas été utilisé et reste valable
    .clause = ce bon ne s'applique pas à ce panier (montant minimum, produits ou dates) : il n'a pas été utilisé et reste valable
