# HQ (issue 14, trust): the one-time code that proves a shopper holds an
# email or a phone, and a coupon used by someone other than its holder.

hq-code-subject = Votre code Vitrine : { $code }
hq-code-body =
    Votre code pour vous identifier à la borne est { $code }. Il est valable { $minutes } minutes.

    Si vous ne l'avez pas demandé, ignorez ce message : personne ne peut s'identifier sans lui.

    Vitrine
hq-code-sms = Vitrine : votre code est { $code } (valable { $minutes } min). Ignorez ce message si vous ne l'avez pas demandé.
hq-coupon-not-holder = ce bon appartient à un autre client : seul son titulaire peut l'utiliser
    .clause = ce bon appartient à un autre client : seul son titulaire peut l'utiliser
