# Le comptoir click&collect (page du personnel à HQ) et le message d'annulation.
hq-desk-filter = Afficher
hq-desk-filter-open = À traiter
hq-desk-filter-all = Toutes
hq-desk-filter-label = { $status } ({ $count })
hq-desk-order = Commande { $number }
hq-desk-ordered-at = Commandée le { $time }
hq-desk-customer = Pour { $name }
hq-desk-lines = À préparer
hq-desk-line = { $quantity } × { $name }
hq-desk-line-unknown = { $quantity } × produit { $gtin } (absent du catalogue)
hq-desk-picture = Photo de { $name }
hq-desk-items = { $count ->
    [one] { $count } article
   *[other] { $count } articles
}
hq-desk-total = Total { $total }
hq-desk-act-preparing = Commencer la préparation
hq-desk-act-ready = Prête à retirer
hq-desk-act-collected = Remise au client…
hq-desk-act-cancel = Annuler la commande
hq-desk-cancel-reason = Motif communiqué au client
hq-desk-reason-out-of-stock = un produit est en rupture de stock
hq-desk-reason-not-collected = elle n'a pas été retirée à temps
hq-desk-reason-customer-request = vous nous avez demandé de l'annuler
hq-desk-reason-store-unavailable = le magasin ne peut pas la préparer
hq-desk-why-out-of-stock = Rupture de stock
hq-desk-why-not-collected = Pas retirée à temps
hq-desk-why-customer-request = À la demande du client
hq-desk-why-store-unavailable = Le magasin ne peut pas la préparer
hq-desk-cancelled-because = Annulée ({ $reason })
hq-desk-confirm-title = Remettre la commande { $number } ?
hq-desk-confirm-text = Vérifiez le numéro de commande avec { $name } et remettez { $count ->
    [one] { $count } article
   *[other] { $count } articles
}. Ce n'est pas annulable.
hq-desk-confirm-yes = Oui, remise au client
hq-desk-confirm-no = Pas encore, retour aux commandes
hq-desk-none = Aucune commande ici.
hq-desk-new-order = Nouvelle commande { $number }
hq-desk-not-allowed = Cette commande ne peut plus passer à ce statut (elle a peut-être changé entre-temps) : la page la montre telle qu'elle est.
hq-desk-reason-needed = Choisissez le motif communiqué au client avant d'annuler.
hq-desk-checkout = Paiement en ligne
hq-mail-order-cancelled-subject = Votre commande { $number } est annulée
hq-mail-order-cancelled-body =
    Bonjour { $name },

    Nous sommes désolés : votre commande { $number } au magasin { $store } est annulée car { $reason }.

    Vitrine
hq-sms-order-cancelled = Vitrine : votre commande { $number } est annulée car { $reason }.
