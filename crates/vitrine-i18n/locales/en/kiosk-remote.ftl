# Where a setting HQ may set remotely comes from (staff status tab), issue 17.
kiosk-remote-from-hq-store = { $value } — set by HQ for the store (version { $version })
kiosk-remote-from-hq-device = { $value } — set by HQ for this kiosk (version { $version })
kiosk-remote-from-staff = { $value } — set here by staff; wins until HQ sets it again
kiosk-remote-from-file = { $value } — configuration file
kiosk-remote-from-env = { $value } — environment variable
kiosk-remote-from-default = { $value } — default value
