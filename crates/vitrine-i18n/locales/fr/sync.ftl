# The kiosk's link with HQ, as store staff see it (staff status screen).
sync-problem-not-enrolled = Borne non reliée au siège : reliez-la depuis l'écran du personnel.
sync-problem-unreachable = Siège injoignable (réseau ou serveur) : la borne continue sur son cache et réessaie.
sync-problem-refused = Le siège refuse cette borne (révoquée ?) : demandez un nouveau code d'enrôlement.
sync-problem-busy = Le siège demande d'attendre : la borne réessaie plus tard.
sync-problem-hq-failed = Le siège a répondu par une erreur : la borne réessaie.
sync-problem-update-refused = Mise à jour du catalogue refusée (contrôle de signature, de version ou de magasin) : l'ancien catalogue est gardé.
sync-problem-storage = Problème de la base de données de la borne : voir son journal.
sync-problem-other = Problème de synchronisation : voir le détail.
