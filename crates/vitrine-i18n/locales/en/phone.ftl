# The phone half of the journey (issue 16): the basket page on the phone
# (/h/…), its click&collect and delivery forms, identification by one-time
# code, the order page (/o/…), the order's confirmation, and the kiosk's
# refusal to hand off what it cannot price.

## The kiosk's command line

phone-cli-handoff-unknown = product { $gtin } is not in the catalog: the kiosk cannot price it, so it is not handed off (remove it)

## The basket page

phone-store = Store: { $store }
phone-store-at = Store: { $store }, { $place }
phone-empty = Your basket is empty.
phone-unit-price = { $price } each
phone-line-no-price = No price for { $name }
phone-unpriced-line = Product { $gtin } has no price here: the total does not include it.
phone-total-without = Total, without { $count ->
    [one] the product without a price
   *[other] the { $count } products without a price
}
phone-quantity = Quantity: { $quantity }
phone-less = One less { $name }
phone-more = One more { $name }
phone-remove = Remove
phone-remove-label = Remove { $name }
phone-edit-refused = This quantity cannot be changed here.
phone-ordered-no-edit = This basket has been ordered: it can no longer be changed.
phone-see-order = See order { $number }
phone-finish = Finish here
phone-way-collect = Click & collect
phone-way-delivery = Home delivery
phone-app-fallback = If the app is not installed, this page stays open.

## Identification by one-time code

phone-identify-heading = Member prices and your coupons
phone-identify-label = Your email or mobile number
phone-identify-send = Get a code
phone-identify-bad = This email or phone number is not valid.
phone-code-title = Your code
phone-code-sent = If this email or number belongs to a member, a code has been sent to it.
phone-code-label = Code received
phone-code-check = Confirm
phone-code-wrong = Wrong code. { $left ->
    [one] One try left.
   *[other] { $left } tries left.
}
phone-code-closed = This code is no longer valid: ask for a new one.
phone-member-heading = Member
phone-member = Hello { $name }: your member prices are applied.
phone-use-coupon = Use my coupon { $code }

## The order forms

phone-basket-total = Basket: { $total }
phone-choose-store = Store
phone-store-all-in-stock = everything in stock
phone-store-missing = { $missing ->
    [one] 1 product missing
   *[other] { $missing } products missing
}
phone-slot = Time slot
phone-name = Your name
phone-street = Street and number
phone-postcode = Postcode
phone-city = City
phone-delivery-fee = Delivery fee: { $fee }
phone-delivery-free = Delivery is free for this basket.
phone-delivery-free-from = Free delivery from { $amount }.
phone-pay-at-pickup = You pay at the store when you collect it.
phone-pay-on-delivery = You pay on delivery.
phone-order-button = Order
phone-order-refused = Order not placed
phone-back-to-form = Back to the form
phone-address-bad-street = Enter the street and number.
phone-address-bad-postcode = The postcode is not valid.
phone-address-bad-city = Enter the city.
phone-order-empty = The basket is empty.
phone-order-no-price = Product { $gtin } has no price: remove it from the basket to order.
phone-order-out-of-stock = Product { $gtin } is not available in that quantity there.
phone-order-no-store = Choose a store that has the whole basket.
phone-order-no-slot = This time slot is no longer available: choose another one.
phone-order-no-name = Enter your name.
phone-order-no-contact = Enter an email or a phone number for the confirmation.
phone-order-bad-contact = The email or phone number is not valid.

## The order page and confirmation

phone-order-title = Order { $number }
phone-order-status = Status: { $status }
phone-order-not-found = Order not found.
phone-order-kiosk = Click & collect at { $store }.
phone-how-collect = Collect it at { $store }, { $slot }.
phone-how-delivery = Delivered to { $street }, { $postcode } { $city }, { $slot }. Delivery fee: { $fee }.
phone-checkout = Pay now
phone-mail-order-subject = Your order { $number }
phone-mail-order-body =
    Hello { $name },

    We have received your order { $number }.
    { $how }

    { $lines }
    Total to pay: { $total }

    Follow your order: { $link }

    { $retailer }
phone-sms-order = Order { $number } received. { $how } { $link }
