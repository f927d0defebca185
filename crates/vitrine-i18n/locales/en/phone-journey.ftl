# The phone page's last pieces (issue 16): the stores to collect from with
# their distance from the kiosk's store, and the note a basket or order page
# shows when the service worker serves the copy it kept (no network).

# $distance: kilometres, a number written in the page's language.
phone-store-distance = { $distance } km away
phone-offline-basket = Offline: this is the last known basket, as it was when the page last loaded. It updates when the network is back.
phone-offline-order = Offline: this is the order as it was when the page last loaded. Its status updates when the network is back.
phone-app-token-bad = This loyalty code was not accepted: open the basket again from the app, or identify with a one-time code.
