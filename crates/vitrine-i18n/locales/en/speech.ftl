# Audio mode: what the kiosk says (src/speech, src/ui/shell/audio.rs).
speech-audio-on = Audio mode on. Up and down arrows: move from one control to the next. Enter: choose. Escape: go back. F1: where you are. Plus and minus: volume. F2: speech rate.
speech-keys = Up and down to move, Enter to choose, Escape to go back, F1 for help.
speech-button = { $label }, button.
speech-option = { $label }, option.
speech-option-chosen = { $label }, option, chosen.
speech-focus-on = You are on: { $label }.
speech-volume = Volume { $percent } percent.
speech-rate = { $step ->
    [0] Normal speed.
    [1] Fast.
    [2] Very fast.
   *[other] Slow.
}
speech-nothing-back = You are at the start.
speech-page-attract = Welcome. Scan a product to hear its price, its offers and where it is in stock. Press Enter to start.
speech-page-scan = Scan a product. Hold its barcode in front of the camera, below the screen: sounds guide you. Or type the digits printed under the barcode, then Enter.
speech-product = { $name }.
speech-product-price = Price: { $price }. { $note }
speech-demo-price = Demo price: this is not a real price.
speech-product-promotion = Offer: { $text }
speech-product-allergens = Allergens: { $list }.
speech-stock = { $place } { $text }.
speech-basket-empty = Your basket is empty.
speech-basket = { $count ->
    [one] Your basket: one product.
   *[other] Your basket: { $count } products.
}
speech-basket-line = { $name }, quantity { $quantity }, { $total }.
speech-basket-total = Total: { $total }.
speech-page-identify = Identify me. Scan your loyalty card, or type your phone number then Enter.
speech-identified = You are identified.
speech-identified-name = Hello { $name }, you are identified.
speech-page-handoff = Your basket is ready to go to your phone: a QR code is on the screen. To get the link by text message or email, type your number or address, then Enter.
speech-collect-step = { $step ->
    [1] Click and collect, step 1 of 4: choose the store to collect from.
    [2] Step 2 of 4: choose when to collect.
    [3] Step 3 of 4: type your name, then your email or phone number.
    [4] Step 4 of 4: check, then confirm the order.
   *[other] Your order is placed.
}
speech-collect-number = Order number: { $number }.
speech-page-staff = Staff only.
speech-idle = Are you still there? Your session will be cleared in { $seconds } seconds. Press any key for more time.
speech-aim-left = Move the product to the left.
speech-aim-right = Move the product to the right.
speech-aim-up = Higher.
speech-aim-down = Lower.
speech-aim-closer = Closer.
speech-aim-farther = Farther.
speech-aim-still = Hold still.
speech-status-label = Speech
speech-status-ok = Voice: { $engine }, sound: { $output }.
speech-status-no-device = No audio device: the kiosk cannot speak (audio mode still works with the keys).
speech-status-no-engine = The speech engine is missing ({ $engine }): install it (apt-get install espeak-ng).
speech-status-headset = Headset plugged in.

# vitrine speak (audio mode's voice into a WAV file)
cli-speak-bad-lang = Unknown language "{ $lang }": choose among { $known }.
cli-speak-failed = The voice cannot speak: { $reason }
cli-speak-done = { $file }: { $ms } ms of speech.
