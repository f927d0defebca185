# HQ's pages: the phone basket page (/h/…), the survey page (/s/…), the
# store staff's orders page (/staff/…) and their error pages.

## The phone basket page

hq-page-basket-title = Your basket
hq-page-basket-heading = Your Vitrine basket
# A basket line: 3 × Nordic must original
hq-page-line = { $quantity } × { $name }
hq-page-unknown-product = Unknown product ({ $gtin })
hq-page-no-price = no price
hq-page-total = Total
hq-page-store-prices = Prices of store { $store }.
hq-page-open-app = Open in the app
hq-page-loading = Loading the basket…
hq-page-need-js = Turn on JavaScript to get this basket.
hq-page-claim-heading = Keep this basket
hq-page-claim-email = Email
hq-page-claim-phone = or phone (text message)
hq-page-send = Send
hq-page-claimed = Basket saved: the confirmation is on its way.
hq-page-claim-need-contact = Enter an email or a phone number.
hq-page-claim-bad-email = The email address is not valid.
hq-page-claim-bad-phone = The phone number is not valid (digits, optionally starting with +).
hq-page-claim-taken-title = Basket already saved
hq-page-claim-taken = This basket was already saved: its confirmation went to the email address or phone number given the first time. For your safety it cannot be sent anywhere else. To receive a basket, scan the kiosk's QR code again.
hq-page-coupon = Coupon
hq-page-coupon-use = Use
hq-page-coupon-applied = Coupon applied
# Before the new total, in bold.
hq-page-coupon-new-total = New total:
hq-page-coupon-refused = Coupon refused
hq-page-link-invalid = This link is not valid.
hq-page-link-invalid-short = Invalid link.
hq-page-back-to-basket = Back to the basket
hq-page-form-too-large = The form sent is too long. Go back and try again.
hq-page-form-unreadable = The form sent is incomplete or unreadable. Go back and try again.

## What the pages (and the phone page's script) say for an error code of
## HQ's answers, never the API's English message.

hq-error-bad-signature = This link was damaged or altered: the basket's signature does not match the kiosk that made it. Scan the kiosk's QR code again.
hq-error-bad-request = This link is incomplete or unreadable: scan the kiosk's QR code again.
hq-error-forbidden = This basket comes from a kiosk the store no longer recognises. Ask a member of staff for help.
hq-error-not-found = Basket not found: scan the kiosk's QR code again.
hq-error-conflict = This link belongs to another basket: scan the kiosk's QR code again.
hq-error-too-large = This basket is too large to open here. Ask a member of staff for help.
hq-error-rate-limited = Too many requests at once: try again in a minute.
hq-error-unavailable = The service is unavailable for a moment: try again shortly.

## The survey page

hq-survey-title = Your opinion
hq-survey-question = How satisfied are you with your purchase?
hq-survey-score = { $score } / 5
hq-survey-thanks = Thank you!
# Before the coupon's code, in bold.
hq-survey-coupon = Your coupon:
hq-survey-coupon-until = valid until { $date }

## The staff's orders page

hq-staff-title = Orders
hq-staff-heading = Click&collect orders — { $store }
hq-staff-order = Order
hq-staff-customer = Customer
hq-staff-status = Status
hq-staff-items = { $count } item(s)
hq-staff-no-orders = No orders.
hq-staff-back = Back to the orders
hq-staff-no-store = There is no such store.
hq-staff-bad-status = Unknown status: choose received, preparing, ready or collected.
hq-staff-no-order = There is no such order.
hq-staff-no-order-here = There is no such order in this store.
hq-staff-busy = HQ is busy: try again in a moment.
hq-staff-failed = HQ had a problem: try again in a moment; if it persists, tell support.
hq-staff-login-title = Staff login
hq-staff-login-name = Name
hq-staff-login-password = Password
hq-staff-login-submit = Log in
hq-staff-login-refused = Wrong name or password.
hq-staff-login-locked = Too many attempts: try again in { $minutes } min.
hq-staff-logout = Log out
hq-staff-signed-in = Signed in as { $name }
hq-staff-not-your-store = Your account is not for this store.
hq-staff-form-expired = This form has expired or did not come from this site: reload the page and try again.
hq-staff-audit = Recent changes
hq-staff-audit-row = { $time }: order { $number }, { $from } → { $to }, by { $name }
hq-staff-stores = Stores
