# HQ: words its pages and its messages to shoppers share.

# A day, then a day and a time (UTC); $month and $day have two digits.
hq-date = { $day }.{ $month }.{ $year }
hq-date-time = { $day }.{ $month }.{ $year } { $hour }:{ $minute } UTC
hq-demo-prices = Demopreise, keine echten Preise.

# Where a coupon was used, inside a sentence.
hq-channel-kiosk = an einem Terminal im Geschäft
hq-channel-phone = auf einem Smartphone
hq-channel-online = online

# Why HQ refused a coupon: the sentence, and .clause inside another
# sentence ("Der Gutschein X konnte nicht angewendet werden (…)"). Kiosks
# receive the sentence in English and French.
hq-coupon-unknown = Unbekannter Gutscheincode.
    .clause = unbekannter Gutscheincode
hq-coupon-expired = Dieser Gutschein ist am { $date } abgelaufen.
    .clause = dieser Gutschein ist am { $date } abgelaufen
hq-coupon-used = Dieser Gutschein wurde bereits am { $date } { $channel } eingelöst: Er gilt nur einmal.
    .clause = dieser Gutschein wurde bereits am { $date } { $channel } eingelöst und gilt nur einmal
hq-coupon-not-applicable = Dieser Gutschein gilt nicht für diesen Warenkorb (Mindestbetrag, Produkte oder Zeitraum): Er wurde nicht eingelöst und bleibt gültig.
    .clause = dieser Gutschein gilt nicht für diesen Warenkorb (Mindestbetrag, Produkte oder Zeitraum), er wurde nicht eingelöst und bleibt gültig
