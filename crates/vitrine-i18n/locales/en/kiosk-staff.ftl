# The kiosk's staff screens (src/ui/screens/staff.rs), in English.
# $keys are configuration keys (ui.idle_timeout_s), $error and $detail
# technical words for HQ's support, $problem a sentence from sync.ftl.

kiosk-staff-pin-failed = Cannot check the PIN: { $error }
kiosk-staff-enrolled = Kiosk enrolled with HQ ({ $url }), store { $store }.
kiosk-staff-enrolled-other-store = It is not the store set here: the kiosk now serves the store HQ enrolled it for (the setting only applies before enrollment).
kiosk-staff-enroll-failed = Enrollment refused or impossible: { $problem } ({ $detail })
kiosk-staff-factory-pin-first = Choose a new staff PIN first: the factory PIN allows nothing else.
kiosk-staff-saved-nothing = Nothing changed.
kiosk-staff-saved = Saved: { $keys }.
kiosk-staff-saved-later = Takes effect at the next start: { $keys }.
kiosk-staff-saved-overridden = Note: an environment variable overrides { $keys }.
kiosk-staff-not-saved = Settings not saved (the file is unchanged): { $error }

## The status tab: a label, then its value.

kiosk-staff-store = Store
kiosk-staff-store-enrolled = { $name } ({ $id }), the store HQ enrolled this kiosk for
kiosk-staff-store-configured = { $name } ({ $id }), from the configuration (kiosk not enrolled)
kiosk-staff-hq = HQ
kiosk-staff-hq-none = none: standalone kiosk
kiosk-staff-hq-not-enrolled = not enrolled; address to enroll with: { $url }
kiosk-staff-link = Link with HQ
kiosk-staff-link-not-configured = not configured
kiosk-staff-link-online = ✓ online
kiosk-staff-link-offline = ✗ offline
kiosk-staff-last-sync = Last sync
kiosk-staff-never = never
kiosk-staff-outbox = Waiting to be sent (outbox)
kiosk-staff-outbox-value = { $pending } ({ $dead } refused)
kiosk-staff-last-error = Last error
kiosk-staff-error-detail = { $problem } ({ $detail })
kiosk-staff-catalog-version = Catalog version
kiosk-staff-products = Products
kiosk-staff-products-value = { $products } ({ $promotions } promotions)
kiosk-staff-prices-from = Prices from
kiosk-staff-prices-hq = HQ
kiosk-staff-prices-demo = demo data (not real prices)
kiosk-staff-catalog = Catalog
kiosk-staff-camera = Camera
kiosk-staff-version = Vitrine version
