# HQ: words its pages and its messages to shoppers share.

# A day, then a day and a time (UTC); $month and $day have two digits.
hq-date = { $year }-{ $month }-{ $day }
hq-date-time = { $year }-{ $month }-{ $day } { $hour }:{ $minute } UTC
hq-demo-prices = Demo prices, not real prices.

# Where a coupon was used, inside a sentence.
hq-channel-kiosk = at an in-store kiosk
hq-channel-phone = on a phone
hq-channel-online = online

# Why HQ refused a coupon: the sentence, and .clause inside another
# sentence ("Coupon X could not be applied (…)"). Kiosks receive the
# sentence in English and French.
hq-coupon-unknown = unknown coupon code
    .clause = unknown coupon code
hq-coupon-expired = this coupon expired on { $date }
    .clause = this coupon expired on { $date }
hq-coupon-used = This coupon was already used on { $date } { $channel }: it can be used only once.
    .clause = this coupon was already used on { $date } { $channel }: it can be used only once
hq-coupon-not-applicable = this coupon does not apply to this basket (minimum spend, products or dates): it was not used and stays valid
    .clause = this coupon does not apply to this basket (minimum spend, products or dates): it was not used and stays valid
