# The phone half of the journey (issue 16): the basket page on the phone
# (/h/…), its click&collect and delivery forms, identification by one-time
# code, the order page (/o/…), the order's confirmation, and the kiosk's
# refusal to hand off what it cannot price.

## The kiosk's command line

phone-cli-handoff-unknown = le produit { $gtin } n'est pas dans le catalogue : la borne ne peut pas le chiffrer, il n'est donc pas envoyé (retirez-le)

## The basket page

phone-store = Magasin : { $store }
phone-store-at = Magasin : { $store }, { $place }
phone-empty = Votre panier est vide.
phone-unit-price = { $price } l'unité
phone-line-no-price = Pas de prix pour { $name }
phone-unpriced-line = Le produit { $gtin } n'a pas de prix ici : le total ne le compte pas.
phone-total-without = Total, sans { $count ->
    [one] le produit sans prix
   *[other] les { $count } produits sans prix
}
phone-quantity = Quantité : { $quantity }
phone-less = Un { $name } de moins
phone-more = Un { $name } de plus
phone-remove = Retirer
phone-remove-label = Retirer { $name }
phone-edit-refused = Cette quantité ne peut pas être modifiée ici.
phone-ordered-no-edit = Ce panier a été commandé : il ne peut plus être modifié.
phone-see-order = Voir la commande { $number }
phone-finish = Terminer ici
phone-way-collect = Retrait en magasin
phone-way-delivery = Livraison à domicile
phone-app-fallback = Si l'application n'est pas installée, cette page reste ouverte.

## Identification by one-time code

phone-identify-heading = Prix membres et vos bons
phone-identify-label = Votre e-mail ou numéro de mobile
phone-identify-send = Recevoir un code
phone-identify-bad = Cet e-mail ou ce numéro n'est pas valide.
phone-code-title = Votre code
phone-code-sent = Si cet e-mail ou ce numéro est celui d'un membre, un code vient d'y être envoyé.
phone-code-label = Code reçu
phone-code-check = Valider
phone-code-wrong = Code erroné. { $left ->
    [one] Encore un essai.
   *[other] Encore { $left } essais.
}
phone-code-closed = Ce code n'est plus valable : demandez-en un nouveau.
phone-member-heading = Membre
phone-member = Bonjour { $name } : vos prix membres sont appliqués.
phone-use-coupon = Utiliser mon bon { $code }

## The order forms

phone-basket-total = Panier : { $total }
phone-choose-store = Magasin
phone-store-all-in-stock = tout est en stock
phone-store-missing = { $missing ->
    [one] 1 produit manquant
   *[other] { $missing } produits manquants
}
phone-slot = Créneau
phone-name = Votre nom
phone-street = Rue et numéro
phone-postcode = Code postal
phone-city = Ville
phone-delivery-fee = Frais de livraison : { $fee }
phone-delivery-free = La livraison est offerte pour ce panier.
phone-delivery-free-from = Livraison offerte dès { $amount }.
phone-pay-at-pickup = Vous payez en magasin au retrait.
phone-pay-on-delivery = Vous payez à la livraison.
phone-order-button = Commander
phone-order-refused = Commande non passée
phone-back-to-form = Retour au formulaire
phone-address-bad-street = Indiquez la rue et le numéro.
phone-address-bad-postcode = Le code postal n'est pas valide.
phone-address-bad-city = Indiquez la ville.
phone-order-empty = Le panier est vide.
phone-order-no-price = Le produit { $gtin } n'a pas de prix : retirez-le du panier pour commander.
phone-order-out-of-stock = Le produit { $gtin } n'est pas disponible en cette quantité à cet endroit.
phone-order-no-store = Choisissez un magasin qui a tout le panier.
phone-order-no-slot = Ce créneau n'est plus disponible : choisissez-en un autre.
phone-order-no-name = Indiquez votre nom.
phone-order-no-contact = Indiquez un e-mail ou un numéro de téléphone pour la confirmation.
phone-order-bad-contact = L'e-mail ou le numéro de téléphone n'est pas valide.

## The order page and confirmation

phone-order-title = Commande { $number }
phone-order-status = État : { $status }
phone-order-not-found = Commande introuvable.
phone-order-kiosk = Retrait en magasin à { $store }.
phone-how-collect = À retirer à { $store }, { $slot }.
phone-how-delivery = Livrée au { $street }, { $postcode } { $city }, { $slot }. Frais de livraison : { $fee }.
phone-checkout = Payer maintenant
phone-mail-order-subject = Votre commande { $number }
phone-mail-order-body =
    Bonjour { $name },

    Nous avons bien reçu votre commande { $number }.
    { $how }

    { $lines }
    Total à payer : { $total }

    Suivre votre commande : { $link }

    { $retailer }
phone-sms-order = Commande { $number } reçue. { $how } { $link }
