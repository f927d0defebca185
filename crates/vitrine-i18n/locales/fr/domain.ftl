# Words for the domain's types (crate vitrine-i18n, module domain).

tier-member = Membre
tier-silver = Argent
tier-gold = Or

stock-in = En stock
stock-low = Stock faible
stock-out = Épuisé

order-status-received = Reçue
order-status-preparing = En préparation
order-status-ready = Prête à retirer
order-status-collected = Retirée
order-status-cancelled = Annulée

allergen-gluten = Gluten
allergen-crustaceans = Crustacés
allergen-eggs = Œufs
allergen-fish = Poisson
allergen-peanuts = Arachides
allergen-soybeans = Soja
allergen-milk = Lait
allergen-nuts = Fruits à coque
allergen-celery = Céleri
allergen-mustard = Moutarde
allergen-sesame = Sésame
allergen-sulphites = Sulfites
allergen-lupin = Lupin
allergen-molluscs = Mollusques

token-unreadable = Ce code n'est pas une carte de fidélité lisible. Réessayez ou saisissez votre téléphone.
token-other-retailer = Ce code vient d'une autre enseigne : il n'est pas valable ici.
token-forged = Ce code n'est pas authentique : il est refusé.
token-expired = Ce code a expiré : affichez un nouveau code dans l'application.
token-not-yet-valid = Ce code n'est pas encore valable : vérifiez l'heure de votre téléphone.

## Promotions. $off is an amount or a percentage; $nth which unit (2 for
## "the second"); $offer a whole sentence from below.

promo-badge-off = -{ $off }
promo-badge-buy-pay = { $buy } pour { $pay }
promo-badge-nth = { $nth ->
        [1] 1er
       *[other] { $nth }e
    } à -{ $percent }
promo-badge-price = { $price }

promo-for-customer = Votre offre personnelle : { $offer }
promo-for-members = Prix membre : { $offer }
promo-for-tier = Prix membre { $tier } : { $offer }
promo-with-coupon = Avec le coupon : { $offer }

# On the product page: what the promotion gives at this unit price.
promo-percent-off = -{ $percent } : { $new } au lieu de { $old }
promo-amount-off = { $amount } de remise : { $new } au lieu de { $old }
promo-buy-pay = { $buy } pour le prix de { $pay } : { $buy } achetés, { $paid } au lieu de { $full }
promo-nth-off = Le { $nth ->
        [1] 1er
       *[other] { $nth }e
    } à -{ $percent } : { $new } au lieu de { $old }
promo-fixed-price = { $new } au lieu de { $old }
promo-basket = { $off } sur le panier
promo-basket-min = { $off } sur le panier dès { $min } d'achat

# In the basket: why it applied and what it saved.
promo-saved-buy-pay = { $buy } pour le prix de { $pay } : { $free } { $free ->
        [one] article offert
       *[other] articles offerts
    }, vous économisez { $saved }
promo-saved-nth = Le { $nth ->
        [1] 1er
       *[other] { $nth }e
    } à -{ $percent } : vous économisez { $saved }
promo-saved-price = { $price } l'unité : vous économisez { $saved }
promo-saved-percent = -{ $percent } : vous économisez { $saved }
promo-saved-amount = { $amount } de remise par article : vous économisez { $saved }
promo-saved-basket-percent = -{ $percent } sur le panier : vous économisez { $saved }
promo-saved-basket-amount = { $amount } de remise sur le panier : vous économisez { $saved }

promo-hint = Ajoutez-en { $missing } pour profiter de l'offre { $badge }
