# The `vitrine` command line: text output and errors on stderr.
# Row labels are padded to a column by the code: keep them under 14
# characters.

## Errors. $detail is another module's or the system's own (English) words.

cli-error-write = cannot write the output: { $detail }
cli-error-invalid-code = invalid code "{ $code }": { $reason }
cli-error-unknown-product = no product with GTIN { $gtin } in the catalog (version { $version })
cli-error-cannot-read = cannot read { $file }: { $detail }
cli-error-import = { $file }: { $detail }
cli-error-runtime = cannot start the network runtime: { $detail }
cli-error-workers = cannot start the background workers: { $detail }
cli-error-hq-link = cannot start the link with HQ: { $detail }
cli-error-not-enrolled = this kiosk is not enrolled with HQ: run `vitrine enroll --hq URL --code CODE` (or enroll from the staff screen)
# $problem is a sentence about the kind of problem (sync.ftl).
cli-error-sync = { $problem } ({ $detail })

## Why a code was refused. $code is the code as read.

cli-code-empty = no code was given: scan a barcode or type the digits printed under it
cli-code-invalid-character = '{ $ch }' at position { $pos } is not a digit: a barcode number has only digits
cli-code-bad-length = a product barcode has 8, 12, 13 or 14 digits; this one has { $len }: check that no digit is missing or extra
cli-code-check-digit = check digit should be { $expected }, not { $found } ({ $code })
cli-code-check-digit-8 = check digit should be { $ean8 } (read as EAN-8) or { $upce } (read as UPC-E), not { $found } ({ $code })
cli-code-isbn10-check = ISBN-10 check character should be { $expected }, not { $found } ({ $code })
cli-code-not-upce = { $code } is not a UPC-E code: a UPC-E starts with 0 or 1
cli-code-unknown-ai = unknown GS1 application identifier at "{ $at }": the code may be damaged, or uses an identifier Vitrine does not read
# $reason: the GS1 parser's own (English) words.
cli-code-ai-value = GS1 application identifier ({ $ai }): { $reason }
cli-code-missing-gtin = this GS1 code carries no GTIN (AI 01 or 02), so it does not name a product
cli-code-digital-link = not a GS1 Digital Link: { $reason }
cli-code-not-a-product = this code is not a product barcode ({ $what })

## vitrine lookup

cli-lookup-brand = brand
cli-lookup-quantity = quantity
cli-lookup-price = price
cli-lookup-demo-price = { $price } (demo price, not a real price)
cli-lookup-no-price = not available
cli-lookup-unit-price = unit price
cli-lookup-per-kg = { $price } per kg
cli-lookup-net-weight = net weight
cli-lookup-grams = { $grams } g
cli-lookup-label-price = label price
cli-lookup-promotion = promotion
cli-lookup-stock-here = stock here
# $level: in stock, low stock, out of stock (domain.ftl).
cli-lookup-stock = { $quantity } ({ $level })
cli-lookup-stock-unknown = unknown
cli-lookup-online = online
cli-lookup-offer-label = offer
cli-lookup-offer = { $seller } { $price } + { $shipping } shipping, { $days } days
cli-lookup-catalog = catalog
cli-lookup-catalog-version = version { $version }

## vitrine search

cli-search-none = no product matches "{ $query }"

## vitrine import. In the progress bar, $bar, $bytes, $total and $eta are
## placeholders the bar fills in.

cli-import-progress = importing { $bar } { $bytes }/{ $total } ({ $eta } left)
cli-import-done = imported { $imported } products, skipped { $skipped }; catalog version { $version }
# $example: "line N: reason", in the parser's words.
cli-import-skipped = skipped { $example }

## vitrine status and vitrine sync

cli-status-store = store
cli-status-catalog-version = catalog version
cli-status-catalog-updated = catalog updated
cli-status-last-sync = last sync
cli-status-never = never
cli-status-products-label = products
cli-status-products = { $products } ({ $prices } prices, { $promotions } promotions, { $stock } stock rows, { $offers } offers, { $stores } stores)
cli-status-prices-origin = prices origin
cli-status-database = database
cli-status-database-size = { $path } ({ $bytes } bytes)
cli-status-hq = HQ
cli-status-hq-enrolled = { $hq } (device { $device }, store { $store })
cli-status-not-enrolled = not enrolled
cli-status-outbox = outbox
cli-status-outbox-counts = { $pending } waiting, { $dead } refused by HQ
cli-sync-last-error = last error
cli-sync-not-all-sent = HQ could not take every queued message; they stay queued

## vitrine enroll

cli-enroll-no-hq = no HQ address: pass --hq URL or set hq.url
cli-enroll-bad-url = --hq: expected an http:// or https:// address, found "{ $url }"
cli-enroll-done = enrolled: device { $device } for store { $store } at { $hq }
cli-enroll-store-note = note: this kiosk now serves store { $store }, which HQ enrolled it for (kiosk.store = "{ $configured }" in the configuration is only the default before enrollment)

## vitrine handoff

cli-handoff-bad-quantity = bad quantity in "{ $item }"
cli-handoff-quantity-range = "{ $item }": the quantity must be 1 to { $max }

## vitrine identify

cli-identify-first-name = first name
cli-identify-tier = tier
cli-identify-consent = consent
cli-identify-consent-yes = yes
cli-identify-consent-no = no (no personal prices)
cli-identify-offers = offers
# $detail: which check failed, in technical (English) words; $reason: the
# sentence the kiosk shows.
cli-identify-refused = { $detail } ({ $reason })

## vitrine config check

cli-config-ok = configuration OK: { $file }
cli-config-no-file = (no file: defaults and environment)

## vitrine staff set-pin (the prompts are followed by a space)

cli-staff-env-pin = an environment variable sets staff.pin_hash, so a new PIN would not take effect; unset it first: { $var }
cli-staff-pin-prompt = New PIN (4 to 8 digits):
cli-staff-pin-prompt-again = Once more:
cli-staff-read-pin = cannot read the PIN: { $detail }
cli-staff-no-pin = no PIN on standard input: type it when asked, or pipe it in (echo … | vitrine staff set-pin)
cli-staff-pin-saved = Staff PIN saved (as an Argon2 hash) in { $file }; the kiosk uses it from its next start.

## vitrine scan

cli-scan-replay-folder = --replay takes one folder or image files: { $folder } is a folder among { $count } paths
# $reason: why the camera cannot be opened (kiosk-domain.ftl).
cli-scan-camera-unavailable = camera "{ $device }" unavailable: { $reason }
# $p50 and $p95 are milliseconds with one decimal.
cli-scan-summary = # { $scans } scans; latency p50 { $p50 } ms, p95 { $p95 } ms; { $captured } frames captured, { $decoded } decoded, { $dropped } dropped
