# The kiosk's shopper screens (src/ui), in French: the source language of
# the screens. Arguments: $code a barcode's digits, $name a product name,
# $price / $total / $shipping amounts, $count a number of units.

## The header and the language button ($count units in the basket).

kiosk-basket-short = Panier ({ $count }) { $total }
kiosk-basket-long = Panier : { $count } { $count ->
    [one] article
   *[other] articles
}, { $total }
# The language button's screen-reader label, in the language it switches to.
kiosk-language-switch = Français : passer en français
# The on-screen keyboard's letter rows (AZERTY), keys separated by spaces.
kiosk-keyboard-row1 = a z e r t y u i o p
kiosk-keyboard-row2 = q s d f g h j k l m
kiosk-keyboard-row3 = w x c v b n é è - '

## Scanning and searching.

kiosk-code-read = Code lu : { $code } — recherche…
kiosk-unknown-product = Produit inconnu (code { $code }) : demandez à un vendeur.
kiosk-catalog-down = Le catalogue ne répond pas : réessayez dans un instant.
kiosk-code-check-digit = Ce code ne correspond à aucun produit : vérifiez les chiffres (le dernier est une clé de contrôle).
kiosk-code-length = Un code-barres a 8, 12, 13 ou 14 chiffres ; celui-ci en a { $len }.
kiosk-code-empty = Tapez les chiffres du code-barres.
kiosk-code-unreadable = Ce code n'a pas pu être lu comme un code produit : réessayez ou tapez les chiffres.
kiosk-scan-link = Ce QR code n'est pas un produit : ouvrez-le avec votre téléphone.
kiosk-scan-not-a-product = Ce code n'est pas un code produit : scannez le code-barres du produit.
kiosk-search-none = Aucun produit ne correspond : essayez un autre mot.
kiosk-search-down = La recherche ne répond pas : réessayez.
kiosk-search-no-price = prix non disponible
kiosk-camera-none = Pas de caméra sur cette borne : tapez le code, cherchez par nom ou utilisez la douchette.
kiosk-camera-unavailable = Caméra indisponible : tapez le code, cherchez par nom ou utilisez la douchette.
# $status the camera's state; $decoded and $captured frames per second;
# $mean and $max decode times in ms.
kiosk-camera-figures = { $status } — { $decoded } images lues/s sur { $captured }, décodage { $mean } ms en moyenne ({ $max } ms au plus)

## The product page.

kiosk-product-code = Code { $code }
kiosk-product-no-price = Prix non disponible
kiosk-weight-price = { $grams } g à { $price } le kg
kiosk-product-pack-price = prix de cette barquette
kiosk-product-per-kg = le kg
kiosk-product-not-sold = Ce produit n'est pas vendu dans ce magasin.
# A place before its stock words ($place a store or "Ici (…)").
kiosk-stock-place = { $place } :
kiosk-stock-here = Ici ({ $store })
kiosk-stock-online = En ligne (livraison)
kiosk-stock-unknown = stock inconnu
kiosk-stock-low = stock faible ({ $count } { $count ->
    [one] restant
   *[other] restants
})
# $when says when ("aujourd'hui à 14:05").
kiosk-offline-since = Prix et stock enregistrés sur cette borne { $when } (borne hors ligne).
kiosk-offline = Prix et stock enregistrés sur cette borne (hors ligne).
kiosk-live-cached = Stock des autres magasins : réponse du siège { $when }.
kiosk-live = Stock des autres magasins en direct du siège.
kiosk-offer-detail = + { $shipping } de livraison, sous { $days } jours
kiosk-facts-nutrition = Valeurs nutritionnelles pour 100 g
kiosk-facts-nutrition-score = Valeurs nutritionnelles pour 100 g · Nutri-Score { $score }
kiosk-nutrient-energy = Énergie
kiosk-nutrient-fat = Matières grasses
kiosk-nutrient-saturates = dont acides gras saturés
kiosk-nutrient-carbohydrates = Glucides
kiosk-nutrient-sugars = dont sucres
kiosk-nutrient-fibre = Fibres
kiosk-nutrient-protein = Protéines
kiosk-nutrient-salt = Sel
kiosk-book = Le livre
kiosk-book-author = Auteur
kiosk-book-year = Première parution
kiosk-book-language = Langue
kiosk-added = Ajouté au panier : { $name }

# When: $time is 14:05; $day and $month two digits, $day_num the day
# without a zero, $month_name the month's short name.
kiosk-when-today = aujourd'hui à { $time }
# unused: $day_num, $month_name
kiosk-when-day = le { $day }/{ $month } à { $time }

## The attract screen's promotions.

kiosk-slide-brand = Toute la marque { $brand }
kiosk-slide-books = Tous les livres
kiosk-slide-category = Rayon { $category }
kiosk-slide-store = Dans tout le magasin
kiosk-slide-usual-price = Prix habituel : { $price }
# $badge is "-20 %", "3 pour 2"...
kiosk-slide-selection = { $badge } sur toute la sélection

## The basket, coupons.

kiosk-basket-empty = Votre panier est vide.
kiosk-basket-no-total = Le total ne peut pas être calculé : demandez à un vendeur.
kiosk-basket-fixed-pack = Barquette à prix fixe
kiosk-basket-each = { $price } l'unité
kiosk-basket-brand-each = { $brand } · { $price } l'unité
kiosk-items-total = { $count } { $count ->
    [one] article
   *[other] articles
} · { $total }
# A coupon code printed by the store ($offer: what it gives).
kiosk-coupon-added = Bon de réduction ajouté : { $offer }
kiosk-coupon-already-added = Ce bon de réduction est déjà dans votre panier.
# A signed coupon QR: $off a percentage or an amount, $offer its badge.
kiosk-coupon-qr-added = Bon de réduction ajouté : -{ $off } sur le panier
kiosk-coupon-qr-added-offer = Bon de réduction ajouté : { $offer } sur le panier
kiosk-coupon-qr-already-added = Ce bon de réduction est déjà dans votre panier.

## Identification.

kiosk-identify-looking = Recherche de votre compte…
kiosk-identify-no-consent = Vous n'avez pas accepté les offres personnalisées : vos prix restent les prix du magasin.
kiosk-identify-coupons = { $count ->
    [one] Votre bon de réduction personnel s'applique aussi.
   *[other] Vos { $count } bons de réduction personnels s'appliquent aussi.
}

## Send to my phone, click & collect.

kiosk-desk-not-connected = Cette borne n'est pas reliée au siège : l'envoi vers un téléphone et les commandes ne sont pas possibles ici. Demandez à un vendeur.
kiosk-desk-refused = Votre panier n'a pas pu être préparé (trop d'articles ?) : demandez à un vendeur.
kiosk-desk-failed = Un problème sur la borne empêche l'envoi : réessayez ou demandez à un vendeur.
kiosk-handoff-no-code = Le code n'a pas pu être affiché : demandez à un vendeur.
kiosk-handoff-pending = Il sera envoyé dès que la borne sera en ligne. Votre téléphone peut déjà l'ouvrir.
kiosk-handoff-sent = Envoyé.
kiosk-handoff-send-prompt = Tapez votre numéro de téléphone ou votre adresse e-mail, puis Entrée : nous vous envoyons le lien de votre panier.
kiosk-handoff-link-sms = Le lien de votre panier part par SMS au { $to }.
kiosk-handoff-link-email = Le lien de votre panier part par e-mail à { $to }.
kiosk-handoff-link-sms-later = Le lien de votre panier partira par SMS au { $to } dès que la borne sera en ligne.
kiosk-handoff-link-email-later = Le lien de votre panier partira par e-mail à { $to } dès que la borne sera en ligne.
kiosk-collect-this-store = { $store } (ce magasin)
kiosk-collect-all-in-stock = ✓ Tout votre panier est en stock
kiosk-collect-missing = ✗ { $count } { $count ->
    [one] produit manquant
   *[other] produits manquants
}
kiosk-collect-store-missing = Ce magasin n'a pas tout votre panier en stock : choisissez-en un autre.
kiosk-collect-choose-store = Choisissez un magasin.
kiosk-collect-choose-slot = Choisissez un créneau.
kiosk-collect-name = Écrivez le nom sous lequel vous retirerez la commande.
kiosk-collect-no-hq = La commande n'est pas possible sur cette borne : elle n'est pas reliée au siège. Demandez à un vendeur.
kiosk-collect-summary-store = Magasin
kiosk-collect-summary-slot = Créneau
kiosk-collect-summary-name = Nom
kiosk-collect-summary-contact = Contact
kiosk-collect-summary-basket = Panier
kiosk-collect-summary-payment = Paiement
kiosk-collect-pay-in-store = au retrait, en magasin
# $contact is masked (c•••@e•••.fr).
kiosk-collect-confirmation-sent = Une confirmation part vers { $contact }.
kiosk-collect-confirmation-later = Votre commande est enregistrée sur la borne : elle sera envoyée dès que la borne sera en ligne, puis une confirmation partira vers { $contact }.
