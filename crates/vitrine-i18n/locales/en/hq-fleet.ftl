# The fleet page for IT (HQ, /staff/fleet), issue 17.
hq-fleet-title = Kiosk fleet
hq-fleet-heading = Kiosk fleet
hq-fleet-filter-store = Store
hq-fleet-filter-state = State
hq-fleet-all = All
hq-fleet-apply = Show
hq-fleet-kiosk = Kiosk
hq-fleet-last-seen = Last seen
hq-fleet-version = Version
hq-fleet-catalog = Catalog
hq-fleet-queue = Queue
hq-fleet-camera = Camera
hq-fleet-flags = State
hq-fleet-never = never
hq-fleet-ago = { $age } ago
hq-fleet-catalog-cell = version { $version } ({ $lag } behind)
hq-fleet-queue-cell = { $pending } waiting, { $dead } refused
hq-fleet-camera-cell = { $state }, { $fps } frames/s
hq-fleet-state-ok = OK
hq-fleet-state-stale = stale (no heartbeat)
hq-fleet-state-behind = behind on the catalog
hq-fleet-state-queuing = queue stuck (refused messages)
hq-fleet-state-blind = blind (camera down)
hq-fleet-camera-ok = working
hq-fleet-camera-down = down
hq-fleet-camera-none = none
hq-fleet-empty = No kiosk matches.
hq-fleet-count = { $count ->
    [one] { $count } kiosk
   *[other] { $count } kiosks
}
hq-fleet-refresh-note = This page refreshes every { $secs } seconds.
