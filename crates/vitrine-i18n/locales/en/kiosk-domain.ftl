# The kiosk's own typed reasons (session, contact, collection slots, staff
# PIN, identification, coupons, camera), worded for the shopper or staff.

basket-no-price = This product has no price in this store: please ask a member of staff.
basket-full = The basket is full: send it to your phone or order it first.
basket-too-many = Maximum quantity reached for this product.
basket-currency = This price is not in the store's currency: please ask a member of staff.

contact-empty = Type an email address or a phone number.
contact-email = This email address is not complete: it looks like name@example.com.
contact-phone = This number is not valid: 10 digits starting with 0, or + and the country code.
contact-too-long = This is too long for an address.

# A collection slot. $start and $end are times (14:00); $weekday the day's
# name, $day_num the day of the month, $month_name the month's name.
slot-today = Today, { $start } – { $end }
slot-tomorrow = Tomorrow, { $start } – { $end }
# unused: $day, $month
slot-day = { $weekday } { $day_num } { $month_name }, { $start } – { $end }

staff-pin-granted = Access granted
staff-pin-wrong = Wrong PIN. Attempts left before lockout: { $left }
staff-pin-locked = Too many attempts: try again in { $wait }
staff-pin-rule-length = The PIN must have 4 to 8 digits.
staff-pin-rule-trivial = PIN too easy (repeated or consecutive digits): choose another one.
staff-pin-rule-default = This is the factory PIN: choose another one.
staff-pin-rule-mismatch = The two entries do not match.

identify-not-understood = We do not recognise this code: scan the app's QR code or your card, or type your phone or email.
identify-unknown = We cannot find a loyalty account with these details.
identify-offline = The kiosk is offline: scan the app's QR code to identify yourself.
identify-unavailable = Identification is unavailable right now: please ask a member of staff.

coupon-already-used = This coupon was already used: it can be used only once.
coupon-unavailable = This coupon cannot be checked right now: please ask a member of staff.

## The camera, for staff. $device is a camera index or name, $detail the
## driver's own (English) words.

camera-off = No camera on this kiosk
camera-starting = Starting the camera…
camera-running = Camera running
camera-running-mode = Camera running ({ $width }x{ $height }, { $fps } fps)
camera-unavailable = Camera unavailable: { $why }. Retrying in { $secs } s (attempt { $attempt }).
camera-ended = Replay finished
camera-stopped = Camera stopped

camera-not-found = no camera { $device }: check that it is plugged in (or set camera.device)
camera-not-found-detail = no camera { $device } ({ $detail }): check that it is plugged in (or set camera.device)
camera-not-named = no camera named "{ $device }": check that it is plugged in (or set camera.device)
camera-not-named-detail = no camera named "{ $device }" ({ $detail }): check that it is plugged in (or set camera.device)
camera-detail-no-node = { $node } does not exist
camera-detail-none-connected = no camera is connected
camera-detail-connected = connected: { $names }
camera-busy = camera { $device } is busy: another program is using it
camera-permission = no permission to open camera { $device }: add the kiosk's user to the `video` group
camera-disconnected = camera { $device } stopped sending pictures (unplugged?): { $detail }
camera-stalled = the camera sent no picture for { $secs } s and is being reopened
camera-no-mode = camera { $device } has no usable picture mode: { $detail }
camera-failed = camera { $device } failed: { $what }: { $detail }
camera-step-list = cannot list the cameras
camera-step-open = cannot open it
camera-step-thread = cannot start the capture (out of resources)
camera-no-images = no readable image in { $what }: add PNG, JPEG or WebP files (or fix camera.replay_dir)
camera-replay-ended = the replay reached its end
