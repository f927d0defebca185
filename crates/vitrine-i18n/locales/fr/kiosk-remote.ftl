# Where a setting HQ may set remotely comes from (staff status tab), issue 17.
kiosk-remote-from-hq-store = { $value } — réglé par HQ pour le magasin (version { $version })
kiosk-remote-from-hq-device = { $value } — réglé par HQ pour cette borne (version { $version })
kiosk-remote-from-staff = { $value } — réglé ici par le personnel ; prime jusqu'au prochain réglage de HQ
kiosk-remote-from-file = { $value } — fichier de configuration
kiosk-remote-from-env = { $value } — variable d'environnement
kiosk-remote-from-default = { $value } — valeur par défaut
