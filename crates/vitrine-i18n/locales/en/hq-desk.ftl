# The click&collect desk (HQ staff page) and the cancellation message.
hq-desk-filter = Show
hq-desk-filter-open = To do
hq-desk-filter-all = All
hq-desk-filter-label = { $status } ({ $count })
hq-desk-order = Order { $number }
hq-desk-ordered-at = Ordered { $time }
hq-desk-customer = For { $name }
hq-desk-lines = To pick
hq-desk-line = { $quantity } × { $name }
hq-desk-line-unknown = { $quantity } × product { $gtin } (not in the catalogue)
hq-desk-picture = Picture of { $name }
hq-desk-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
hq-desk-total = Total { $total }
hq-desk-act-preparing = Start preparing
hq-desk-act-ready = Ready for collection
hq-desk-act-collected = Handed over…
hq-desk-act-cancel = Cancel the order
hq-desk-cancel-reason = Reason the customer is told
hq-desk-reason-out-of-stock = a product is out of stock
hq-desk-reason-not-collected = it was not collected in time
hq-desk-reason-customer-request = you asked us to cancel it
hq-desk-reason-store-unavailable = the store cannot prepare it
hq-desk-why-out-of-stock = Out of stock
hq-desk-why-not-collected = Not collected in time
hq-desk-why-customer-request = At the customer's request
hq-desk-why-store-unavailable = The store cannot prepare it
hq-desk-cancelled-because = Cancelled ({ $reason })
hq-desk-confirm-title = Hand over order { $number }?
hq-desk-confirm-text = Check the order number with { $name } and hand over { $count ->
    [one] { $count } item
   *[other] { $count } items
}. This cannot be undone.
hq-desk-confirm-yes = Yes, handed over
hq-desk-confirm-no = Not yet, back to the orders
hq-desk-none = No orders here.
hq-desk-new-order = New order { $number }
hq-desk-not-allowed = This order cannot move to that status any more (it may have changed meanwhile): the page shows it as it is now.
hq-desk-reason-needed = Choose the reason the customer is told before cancelling.
hq-desk-checkout = Payment online
hq-mail-order-cancelled-subject = Your order { $number } is cancelled
hq-mail-order-cancelled-body =
    Hello { $name },

    We are sorry: your order { $number } at store { $store } is cancelled because { $reason }.

    Vitrine
hq-sms-order-cancelled = Vitrine: your order { $number } is cancelled because { $reason }.
