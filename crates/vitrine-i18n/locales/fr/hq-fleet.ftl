# The fleet page for IT (HQ, /staff/fleet), issue 17.
hq-fleet-title = Parc des bornes
hq-fleet-heading = Parc des bornes
hq-fleet-filter-store = Magasin
hq-fleet-filter-state = État
hq-fleet-all = Tous
hq-fleet-apply = Afficher
hq-fleet-kiosk = Borne
hq-fleet-last-seen = Dernier signe
hq-fleet-version = Version
hq-fleet-catalog = Catalogue
hq-fleet-queue = File d'attente
hq-fleet-camera = Caméra
hq-fleet-flags = État
hq-fleet-never = jamais
hq-fleet-ago = il y a { $age }
hq-fleet-catalog-cell = version { $version } ({ $lag } de retard)
hq-fleet-queue-cell = { $pending } en attente, { $dead } refusés
hq-fleet-camera-cell = { $state }, { $fps } images/s
hq-fleet-state-ok = OK
hq-fleet-state-stale = muette (aucun signe)
hq-fleet-state-behind = en retard sur le catalogue
hq-fleet-state-queuing = file bloquée (messages refusés)
hq-fleet-state-blind = aveugle (caméra en panne)
hq-fleet-camera-ok = en marche
hq-fleet-camera-down = en panne
hq-fleet-camera-none = aucune
hq-fleet-empty = Aucune borne ne correspond.
hq-fleet-count = { $count ->
    [one] { $count } borne
   *[other] { $count } bornes
}
hq-fleet-refresh-note = Cette page se met à jour toutes les { $secs } secondes.
