# Words for the domain's types (crate vitrine-i18n, module domain).

tier-member = Mitglied
tier-silver = Silber
tier-gold = Gold

stock-in = Vorrätig
stock-low = Geringer Bestand
stock-out = Ausverkauft

order-status-received = Eingegangen
order-status-preparing = In Vorbereitung
order-status-ready = Abholbereit
order-status-collected = Abgeholt
order-status-cancelled = Storniert

allergen-gluten = Gluten
allergen-crustaceans = Krebstiere
allergen-eggs = Eier
allergen-fish = Fisch
allergen-peanuts = Erdnüsse
allergen-soybeans = Soja
allergen-milk = Milch
allergen-nuts = Schalenfrüchte
allergen-celery = Sellerie
allergen-mustard = Senf
allergen-sesame = Sesam
allergen-sulphites = Sulfite
allergen-lupin = Lupinen
allergen-molluscs = Weichtiere

token-unreadable = Dieser Code ist keine lesbare Kundenkarte. Versuchen Sie es erneut oder geben Sie Ihre Telefonnummer ein.
token-other-retailer = Dieser Code stammt von einem anderen Händler: Er gilt hier nicht.
token-forged = Dieser Code ist nicht echt: Er wird abgelehnt.
token-expired = Dieser Code ist abgelaufen: Zeigen Sie einen neuen Code aus der App.
token-not-yet-valid = Dieser Code ist noch nicht gültig: Prüfen Sie die Uhrzeit Ihres Telefons.

## Promotions. $off is an amount or a percentage; $nth which unit (2 for
## "the second"); $offer a whole sentence from below.

promo-badge-off = -{ $off }
promo-badge-buy-pay = { $buy } für { $pay }
promo-badge-nth = { $nth }. Stück -{ $percent }
promo-badge-price = { $price }

promo-for-customer = Ihr persönliches Angebot: { $offer }
promo-for-members = Mitgliederpreis: { $offer }
promo-for-tier = Mitgliederpreis { $tier }: { $offer }
promo-with-coupon = Mit dem Gutschein: { $offer }

# On the product page: what the promotion gives at this unit price.
promo-percent-off = -{ $percent }: { $new } statt { $old }
promo-amount-off = { $amount } Rabatt: { $new } statt { $old }
promo-buy-pay = { $buy } zum Preis von { $pay }: { $buy } kaufen, { $paid } statt { $full } zahlen
promo-nth-off = Das { $nth }. Stück -{ $percent }: { $new } statt { $old }
promo-fixed-price = { $new } statt { $old }
promo-basket = { $off } auf den Einkauf
promo-basket-min = { $off } auf den Einkauf ab { $min }

# In the basket: why it applied and what it saved.
promo-saved-buy-pay = { $buy } zum Preis von { $pay }: { $free } { $free ->
        [one] Artikel
       *[other] Artikel
    } gratis, Sie sparen { $saved }
promo-saved-nth = Das { $nth }. Stück -{ $percent }: Sie sparen { $saved }
promo-saved-price = { $price } pro Stück: Sie sparen { $saved }
promo-saved-percent = -{ $percent }: Sie sparen { $saved }
promo-saved-amount = { $amount } Rabatt pro Artikel: Sie sparen { $saved }
promo-saved-basket-percent = -{ $percent } auf den Einkauf: Sie sparen { $saved }
promo-saved-basket-amount = { $amount } Rabatt auf den Einkauf: Sie sparen { $saved }

promo-hint = Noch { $missing } dazunehmen für das Angebot { $badge }
