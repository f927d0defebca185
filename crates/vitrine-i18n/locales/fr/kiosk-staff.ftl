# The kiosk's staff screens (src/ui/screens/staff.rs), in French.
# $keys are configuration keys (ui.idle_timeout_s), $error and $detail
# technical words for HQ's support, $problem a sentence from sync.ftl.

kiosk-staff-pin-failed = Vérification impossible : { $error }
kiosk-staff-enrolled = Borne reliée au siège ({ $url }), magasin { $store }.
kiosk-staff-enrolled-other-store = Ce n'est pas le magasin réglé ici : la borne sert désormais le magasin pour lequel le siège l'a reliée (le réglage ne sert qu'avant l'enrôlement).
kiosk-staff-enroll-failed = Enrôlement refusé ou impossible : { $problem } ({ $detail })
kiosk-staff-factory-pin-first = Choisissez d'abord un nouveau code du personnel : le code d'usine ne permet rien d'autre.
kiosk-staff-saved-nothing = Rien n'a changé.
kiosk-staff-saved = Enregistré : { $keys }.
kiosk-staff-saved-later = Prise en compte au prochain démarrage : { $keys }.
kiosk-staff-saved-overridden = Attention, une variable d'environnement impose : { $keys }.
kiosk-staff-not-saved = Réglages non enregistrés (le fichier n'a pas changé) : { $error }

## The status tab: a label, then its value.

kiosk-staff-store = Magasin
kiosk-staff-store-enrolled = { $name } ({ $id }), celui pour lequel le siège a relié la borne
kiosk-staff-store-configured = { $name } ({ $id }), d'après la configuration (borne non reliée)
kiosk-staff-hq = Siège (HQ)
kiosk-staff-hq-none = aucun : borne autonome
kiosk-staff-hq-not-enrolled = non reliée ; adresse pour l'enrôlement : { $url }
kiosk-staff-link = Liaison avec le siège
kiosk-staff-link-not-configured = non configurée
kiosk-staff-link-online = ✓ en ligne
kiosk-staff-link-offline = ✗ hors ligne
kiosk-staff-last-sync = Dernière synchronisation
kiosk-staff-never = jamais
kiosk-staff-outbox = Envois en attente (file)
kiosk-staff-outbox-value = { $pending } ({ $dead } refusés)
kiosk-staff-last-error = Dernière erreur
kiosk-staff-error-detail = { $problem } ({ $detail })
kiosk-staff-catalog-version = Version du catalogue
kiosk-staff-products = Produits
kiosk-staff-products-value = { $products } ({ $promotions } promotions)
kiosk-staff-prices-from = Origine des prix
kiosk-staff-prices-hq = le siège (HQ)
kiosk-staff-prices-demo = données de démonstration (pas de vrais prix)
kiosk-staff-catalog = Catalogue
kiosk-staff-camera = Caméra
kiosk-staff-version = Version de Vitrine
