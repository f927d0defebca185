# HQ (issue 14, trust): the one-time code that proves a shopper holds an
# email or a phone, and a coupon used by someone other than its holder.

hq-code-subject = Your Vitrine code: { $code }
hq-code-body =
    Your code to sign in at the kiosk is { $code }. It is valid for { $minutes } minutes.

    If you did not ask for it, ignore this message: nobody can sign in without it.

    Vitrine
hq-code-sms = Vitrine: your code is { $code } (valid { $minutes } min). Ignore this message if you did not ask for it.
hq-coupon-not-holder = this coupon belongs to another customer: only its holder can use it
    .clause = this coupon belongs to another customer: only its holder can use it
