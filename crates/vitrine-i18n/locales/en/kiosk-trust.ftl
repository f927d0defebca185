# Kiosk (issue 14, trust): the one-time code step of identification by
# phone or email. $masked is where the code went (•••• 78, c•••@e•••.com).

kiosk-trust-code-sent = If this is a loyalty account, we have sent a code to { $masked }.
kiosk-trust-code-heading = Enter your code
kiosk-trust-code-prompt = Type the 6-digit code sent to { $masked }. It is valid for 10 minutes.
kiosk-trust-code-other = Another number or email
kiosk-trust-code-wrong = { $left ->
    [0] Wrong code. Ask for a new one.
    [one] Wrong code: 1 try left.
   *[other] Wrong code: { $left } tries left.
}
kiosk-trust-code-closed = This code has expired or was used: ask for a new one.
kiosk-trust-code-too-many = Too many codes were asked: try again in a few minutes, or scan the app's QR code.
