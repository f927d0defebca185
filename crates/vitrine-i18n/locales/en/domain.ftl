# Words for the domain's types (crate vitrine-i18n, module domain).

tier-member = Member
tier-silver = Silver
tier-gold = Gold

stock-in = In stock
stock-low = Low stock
stock-out = Out of stock

order-status-received = Received
order-status-preparing = Being prepared
order-status-ready = Ready for collection
order-status-collected = Collected
order-status-cancelled = Cancelled

allergen-gluten = Gluten
allergen-crustaceans = Crustaceans
allergen-eggs = Eggs
allergen-fish = Fish
allergen-peanuts = Peanuts
allergen-soybeans = Soy
allergen-milk = Milk
allergen-nuts = Tree nuts
allergen-celery = Celery
allergen-mustard = Mustard
allergen-sesame = Sesame
allergen-sulphites = Sulphites
allergen-lupin = Lupin
allergen-molluscs = Molluscs

token-unreadable = This code is not a readable loyalty card. Try again or type your phone number.
token-other-retailer = This code is from another retailer: it is not valid here.
token-forged = This code is not genuine: it is refused.
token-expired = This code has expired: show a new code from the app.
token-not-yet-valid = This code is not valid yet: check your phone's clock.

## Promotions. $off is an amount or a percentage; $nth which unit (2 for
## "the second"); $offer a whole sentence from below.

promo-badge-off = -{ $off }
promo-badge-buy-pay = { $buy } for { $pay }
promo-badge-nth = { $nth ->
        [2] second
        [3] third
       *[other] { NUMBER($nth, type: "ordinal") ->
            [one] { $nth }st
            [two] { $nth }nd
            [few] { $nth }rd
           *[other] { $nth }th
        }
    } { $percent } off
promo-badge-price = { $price }

promo-for-customer = Your personal offer: { $offer }
promo-for-members = Member price: { $offer }
promo-for-tier = { $tier } member price: { $offer }
promo-with-coupon = With the coupon: { $offer }

# On the product page: what the promotion gives at this unit price.
promo-percent-off = { $percent } off: { $new } instead of { $old }
promo-amount-off = { $amount } off: { $new } instead of { $old }
promo-buy-pay = { $buy } for the price of { $pay }: buy { $buy }, pay { $paid } instead of { $full }
promo-nth-off = { $nth ->
        [2] Second
        [3] Third
       *[other] { NUMBER($nth, type: "ordinal") ->
            [one] { $nth }st
            [two] { $nth }nd
            [few] { $nth }rd
           *[other] { $nth }th
        }
    } item { $percent } off: { $new } instead of { $old }
promo-fixed-price = { $new } instead of { $old }
promo-basket = { $off } on the basket
promo-basket-min = { $off } on the basket from { $min }

# In the basket: why it applied and what it saved.
promo-saved-buy-pay = { $buy } for the price of { $pay }: { $free } { $free ->
        [one] item
       *[other] items
    } free, you save { $saved }
promo-saved-nth = { $nth ->
        [2] Second
        [3] Third
       *[other] { NUMBER($nth, type: "ordinal") ->
            [one] { $nth }st
            [two] { $nth }nd
            [few] { $nth }rd
           *[other] { $nth }th
        }
    } item { $percent } off: you save { $saved }
promo-saved-price = { $price } each: you save { $saved }
promo-saved-percent = { $percent } off: you save { $saved }
promo-saved-amount = { $amount } off each item: you save { $saved }
promo-saved-basket-percent = { $percent } off the basket: you save { $saved }
promo-saved-basket-amount = { $amount } off the basket: you save { $saved }

promo-hint = Add { $missing } more to get { $badge }
