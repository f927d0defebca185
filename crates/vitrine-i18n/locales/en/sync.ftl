# The kiosk's link with HQ, as store staff see it (staff status screen).
sync-problem-not-enrolled = Kiosk not enrolled with HQ: enroll it from the staff screen.
sync-problem-unreachable = HQ cannot be reached (network or server): the kiosk goes on from its cache and retries.
sync-problem-refused = HQ refuses this kiosk (revoked?): ask for a new enrollment code.
sync-problem-busy = HQ asked the kiosk to wait: it retries later.
sync-problem-hq-failed = HQ answered with an error: the kiosk retries.
sync-problem-update-refused = Catalog update refused (signature, version or store check): the previous catalog is kept.
sync-problem-storage = Problem with the kiosk's database: see its log.
sync-problem-other = Sync problem: see the details.
