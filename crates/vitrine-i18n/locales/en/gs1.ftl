# GS1 refusals (crate vitrine-i18n, module gs1): why GS1 data or a GS1
# Digital Link breaks GS1's rules (the Barcode Syntax Dictionary), and why a
# label's price is not trusted. Said on the kiosk's screen and by the
# command line. The clauses start in lower case: they follow a colon.
# Arguments: $ai a GS1 application identifier (digits), $at a piece of the
# code, $ch a character, $pos its position (from 1), $min / $max lengths.

gs1-empty = the GS1 data is empty
gs1-brackets = GS1 data in brackets reads (AI)value(AI)value…; it breaks at "{ $at }"
gs1-unknown-ai = ({ $ai }) is not a GS1 application identifier: the code may be damaged
gs1-no-ai-at = no GS1 application identifier starts "{ $at }": the code may be damaged, or its fields are not separated
gs1-value = AI ({ $ai }): { $problem }
gs1-repeated = AI ({ $ai }) is in the code twice with different values
gs1-requires = AI ({ $ai }) is not valid alone: GS1 requires one of these AI groups beside it: { $required }
gs1-requires-measure = a price printed on a GS1 label (AI ({ $ai })) is only valid beside a measure of the item (a count or a weight: AI 30, 31nn, 32nn, 35nn or 36nn), and this code has none: the price is not accepted
gs1-excludes = GS1 forbids AI ({ $ai }) together with AI ({ $other }) in one code
gs1-unserialised = AI ({ $ai }) must carry its serial part when the code is signed (AI 8030)

## What is wrong with one AI's value ($problem above).
gs1-problem-empty = the value is empty
gs1-problem-too-short = the value is too short (at least { $min } characters)
gs1-problem-too-long = the value is too long (at most { $max } characters)
gs1-problem-character = character { $pos } ({ $ch }) is not allowed: { $set }
gs1-set-digits = only digits may be used
gs1-set-82 = only letters, digits and the signs !"%&'()*+,-./:;<=>?_ may be used (GS1 character set 82)
gs1-set-39 = only capital letters, digits and the signs #-/ may be used (GS1 character set 39)
gs1-set-64 = only letters, digits, - and _ may be used (GS1 character set 64)
gs1-problem-base64-padding = the "=" padding at its end is wrong
gs1-problem-check-digit = the check digit is wrong: check the digits
gs1-problem-check-pair = the two check characters at its end are wrong
gs1-problem-company-prefix = it does not start with a GS1 company prefix
gs1-problem-month = the month is not 01 to 12
gs1-problem-day = that day does not exist in that month
gs1-problem-hour = the hour is not 00 to 23
gs1-problem-minute = the minute is not 00 to 59
gs1-problem-second = the second is not 00 to 59
gs1-problem-currency = it is not an ISO 4217 currency code
gs1-problem-country = it is not an ISO 3166 country code
gs1-problem-zero = it may not be zero
gs1-problem-zero-prefix = it may not start with 0
gs1-problem-rule = it breaks GS1's rule "{ $rule }"

## GS1 Digital Link (a web address in a QR code).
gs1-dl-character = not a GS1 Digital Link: the address contains { $ch }, which a web address cannot contain
gs1-dl-scheme = not a GS1 Digital Link: the address must start with http:// or https://
gs1-dl-host = not a GS1 Digital Link: the address has no valid host name
gs1-dl-no-key = not a GS1 Digital Link: the path has no GS1 key in digits, such as /01/ followed by a 14-digit GTIN
gs1-dl-empty-value = GS1 Digital Link: AI ({ $ai }) has no value
gs1-dl-null = GS1 Digital Link: the value of AI ({ $ai }) contains %00
gs1-dl-qualifiers = GS1 Digital Link: the path's qualifiers do not belong to its key or are not in GS1's order (after a GTIN: /22/, then /10/, then /21/)
gs1-dl-not-attribute = GS1 Digital Link: AI ({ $ai }) may not be given after "?"
gs1-dl-in-path = GS1 Digital Link: AI ({ $ai }) belongs in the path (/{ $ai }/…), not after "?"
gs1-dl-unknown-ai = GS1 Digital Link: ({ $ai }) after "?" is not a GS1 application identifier
gs1-dl-duplicate = GS1 Digital Link: AI ({ $ai }) is given twice

## A label whose price or weight is not trusted (whole sentences).
gs1-label-fixed-price = The price printed on this label is not accepted: this product has a fixed price (a label price is only valid on a weighed or measured item).
gs1-label-not-store-number = This in-store label is not accepted: a price or weight label must carry one of the store's own numbers (prefix 02 or 20 to 29).

## The kiosk's screen, for a refused GS1 code.
gs1-kiosk-refused = This code was refused: { $reason }.

## The command line, for a refused label ($code as typed).
gs1-cli-label-refused = label of "{ $code }" refused. { $reason }
