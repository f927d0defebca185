# The kiosk's shopper screens (src/ui), in English. Arguments: $code a
# barcode's digits, $name a product name, $price / $total / $shipping
# amounts, $count a number of units.

## The header and the language button ($count units in the basket).

kiosk-basket-short = Basket ({ $count }) { $total }
kiosk-basket-long = Basket: { $count } { $count ->
    [one] item
   *[other] items
}, { $total }
# The language button's screen-reader label, in the language it switches to.
kiosk-language-switch = English: switch to English
# The on-screen keyboard's letter rows (QWERTY), keys separated by spaces.
kiosk-keyboard-row1 = q w e r t y u i o p
kiosk-keyboard-row2 = a s d f g h j k l '
kiosk-keyboard-row3 = z x c v b n m - _ é

## Scanning and searching.

kiosk-code-read = Code read: { $code } — looking it up…
kiosk-unknown-product = Unknown product (code { $code }): please ask a member of staff.
kiosk-catalog-down = The catalog is not answering: please try again in a moment.
kiosk-code-check-digit = This code matches no product: check the digits (the last one is a check digit).
kiosk-code-length = A barcode has 8, 12, 13 or 14 digits; this one has { $len }.
kiosk-code-empty = Type the barcode's digits.
kiosk-code-unreadable = This code could not be read as a product code: try again or type the digits.
kiosk-scan-link = This QR code is not a product: open it with your phone.
kiosk-scan-not-a-product = This is not a product code: scan the product's barcode.
kiosk-search-none = No product matches: try another word.
kiosk-search-down = Search is not answering: please try again.
kiosk-search-no-price = no price
kiosk-camera-none = No camera on this kiosk: type the code, search by name or use the hand scanner.
kiosk-camera-unavailable = Camera unavailable: type the code, search by name or use the hand scanner.
# $status the camera's state; $decoded and $captured frames per second;
# $mean and $max decode times in ms.
kiosk-camera-figures = { $status } — { $decoded } of { $captured } frames/s read, decode { $mean } ms on average ({ $max } ms at most)

## The product page.

kiosk-product-code = Code { $code }
kiosk-product-no-price = No price
kiosk-weight-price = { $grams } g at { $price } per kg
kiosk-product-pack-price = price of this pack
kiosk-product-per-kg = per kg
kiosk-product-not-sold = This product is not sold in this store.
# A place before its stock words ($place a store or "Here (…)").
kiosk-stock-place = { $place }:
kiosk-stock-here = Here ({ $store })
kiosk-stock-online = Online (delivery)
kiosk-stock-unknown = stock unknown
kiosk-stock-low = low stock ({ $count } left)
# $when says when ("today at 14:05").
kiosk-offline-since = Prices and stock saved on this kiosk { $when } (kiosk offline).
kiosk-offline = Prices and stock saved on this kiosk (offline).
kiosk-live-cached = Other stores' stock: HQ's answer { $when }.
kiosk-live = Other stores' stock live from HQ.
kiosk-offer-detail = + { $shipping } delivery, within { $days } days
kiosk-facts-nutrition = Nutrition per 100 g
kiosk-facts-nutrition-score = Nutrition per 100 g · Nutri-Score { $score }
kiosk-nutrient-energy = Energy
kiosk-nutrient-fat = Fat
kiosk-nutrient-saturates = of which saturates
kiosk-nutrient-carbohydrates = Carbohydrates
kiosk-nutrient-sugars = of which sugars
kiosk-nutrient-fibre = Fibre
kiosk-nutrient-protein = Protein
kiosk-nutrient-salt = Salt
kiosk-book = The book
kiosk-book-author = Author
kiosk-book-year = First published
kiosk-book-language = Language
kiosk-added = Added to the basket: { $name }

# When: $time is 14:05; $day and $month two digits, $day_num the day
# without a zero, $month_name the month's short name.
kiosk-when-today = today at { $time }
# unused: $day, $month
kiosk-when-day = on { $day_num } { $month_name } at { $time }

## The attract screen's promotions.

kiosk-slide-brand = All { $brand } products
kiosk-slide-books = All books
kiosk-slide-category = { $category } aisle
kiosk-slide-store = Across the store
kiosk-slide-usual-price = Usual price: { $price }
# $badge is "-20%", "3 for 2"...
kiosk-slide-selection = { $badge } on the whole selection

## The basket, coupons.

kiosk-basket-empty = Your basket is empty.
kiosk-basket-no-total = The total cannot be computed: please ask a member of staff.
kiosk-basket-fixed-pack = Fixed-price pack
kiosk-basket-each = { $price } each
kiosk-basket-brand-each = { $brand } · { $price } each
kiosk-items-total = { $count } { $count ->
    [one] item
   *[other] items
} · { $total }
# A coupon code printed by the store ($offer: what it gives).
kiosk-coupon-added = Coupon added: { $offer }
kiosk-coupon-already-added = This coupon is already in your basket.
# A signed coupon QR: $off a percentage or an amount, $offer its badge.
kiosk-coupon-qr-added = Coupon added: { $off } off the basket
kiosk-coupon-qr-added-offer = Coupon added: { $offer } off the basket
kiosk-coupon-qr-already-added = This coupon is already in your basket.

## Identification.

kiosk-identify-looking = Looking up your account…
kiosk-identify-no-consent = You have not accepted personalised offers: your prices stay the store's prices.
kiosk-identify-coupons = { $count ->
    [one] Your personal coupon applies too.
   *[other] Your { $count } personal coupons apply too.
}

## Send to my phone, click & collect.

kiosk-desk-not-connected = This kiosk is not connected to HQ: sending to a phone and ordering are not possible here. Please ask a member of staff.
kiosk-desk-refused = Your basket could not be prepared (too many items?): please ask a member of staff.
kiosk-desk-failed = A problem on the kiosk prevents sending: try again or ask a member of staff.
kiosk-handoff-no-code = The code could not be shown: please ask a member of staff.
kiosk-handoff-pending = It will be sent as soon as the kiosk is online. Your phone can open it already.
kiosk-handoff-sent = Sent.
kiosk-handoff-send-prompt = Type your phone number or your email address, then Enter: we will send you the link to your basket.
kiosk-handoff-link-sms = The link to your basket is on its way by text message to { $to }.
kiosk-handoff-link-email = The link to your basket is on its way by email to { $to }.
kiosk-handoff-link-sms-later = The link to your basket will go by text message to { $to } as soon as the kiosk is online.
kiosk-handoff-link-email-later = The link to your basket will go by email to { $to } as soon as the kiosk is online.
kiosk-collect-this-store = { $store } (this store)
kiosk-collect-all-in-stock = ✓ Your whole basket is in stock
kiosk-collect-missing = ✗ { $count } { $count ->
    [one] product
   *[other] products
} missing
kiosk-collect-store-missing = This store does not have your whole basket in stock: choose another one.
kiosk-collect-choose-store = Choose a store.
kiosk-collect-choose-slot = Choose a time slot.
kiosk-collect-name = Type the name you will collect the order under.
kiosk-collect-no-hq = Ordering is not possible on this kiosk: it is not connected to HQ. Please ask a member of staff.
kiosk-collect-summary-store = Store
kiosk-collect-summary-slot = Time slot
kiosk-collect-summary-name = Name
kiosk-collect-summary-contact = Contact
kiosk-collect-summary-basket = Basket
kiosk-collect-summary-payment = Payment
kiosk-collect-pay-in-store = when you collect, in store
# $contact is masked (c•••@e•••.fr).
kiosk-collect-confirmation-sent = A confirmation is on its way to { $contact }.
kiosk-collect-confirmation-later = Your order is saved on the kiosk: it will be sent as soon as the kiosk is online, then a confirmation goes to { $contact }.
