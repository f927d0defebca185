# La ligne de commande `vitrine` : sorties texte et erreurs sur stderr.
# Le code aligne les libellés des lignes en colonne : moins de 14 caractères.

## Erreurs. $detail : les mots (anglais) d'un autre module ou du système.

cli-error-write = impossible d'écrire la sortie : { $detail }
cli-error-invalid-code = code invalide « { $code } » : { $reason }
cli-error-unknown-product = aucun produit de GTIN { $gtin } dans le catalogue (version { $version })
cli-error-cannot-read = impossible de lire { $file } : { $detail }
cli-error-import = { $file } : { $detail }
cli-error-runtime = impossible de démarrer le moteur réseau : { $detail }
cli-error-workers = impossible de démarrer les tâches de fond : { $detail }
cli-error-hq-link = impossible de démarrer le lien avec le siège : { $detail }
cli-error-not-enrolled = ce kiosque n'est pas enrôlé auprès du siège : lancez `vitrine enroll --hq URL --code CODE` (ou enrôlez-le depuis l'écran du personnel)
# $problem : une phrase sur le genre de problème (sync.ftl).
cli-error-sync = { $problem } ({ $detail })

## Pourquoi un code est refusé. $code : le code tel que lu.

cli-code-empty = aucun code : scannez un code-barres ou tapez les chiffres imprimés dessous
cli-code-invalid-character = « { $ch } » en position { $pos } n'est pas un chiffre : un code-barres n'a que des chiffres
cli-code-bad-length = un code-barres produit a 8, 12, 13 ou 14 chiffres ; celui-ci en a { $len } : vérifiez qu'il ne manque aucun chiffre et qu'il n'y en a pas de trop
cli-code-check-digit = la clé de contrôle devrait être { $expected }, pas { $found } ({ $code })
cli-code-check-digit-8 = la clé de contrôle devrait être { $ean8 } (lu comme EAN-8) ou { $upce } (lu comme UPC-E), pas { $found } ({ $code })
cli-code-isbn10-check = la clé de contrôle ISBN-10 devrait être { $expected }, pas { $found } ({ $code })
cli-code-not-upce = { $code } n'est pas un code UPC-E : un UPC-E commence par 0 ou 1
cli-code-unknown-ai = identifiant d'application GS1 inconnu à « { $at } » : le code est peut-être abîmé, ou utilise un identifiant que Vitrine ne lit pas
# $reason : les mots (anglais) de l'analyseur GS1.
cli-code-ai-value = identifiant d'application GS1 ({ $ai }) : { $reason }
cli-code-missing-gtin = ce code GS1 ne porte pas de GTIN (AI 01 ou 02) : il ne désigne pas un produit
cli-code-digital-link = pas un GS1 Digital Link : { $reason }
cli-code-not-a-product = ce code n'est pas un code-barres produit ({ $what })

## vitrine lookup

cli-lookup-brand = marque
cli-lookup-quantity = quantité
cli-lookup-price = prix
cli-lookup-demo-price = { $price } (prix de démonstration, pas un vrai prix)
cli-lookup-no-price = non disponible
cli-lookup-unit-price = prix unitaire
cli-lookup-per-kg = { $price } le kg
cli-lookup-net-weight = poids net
cli-lookup-grams = { $grams } g
cli-lookup-label-price = prix étiquette
cli-lookup-promotion = promotion
cli-lookup-stock-here = stock ici
# $level : en stock, stock faible, rupture (domain.ftl).
cli-lookup-stock = { $quantity } ({ $level })
cli-lookup-stock-unknown = inconnu
cli-lookup-online = en ligne
cli-lookup-offer-label = offre
cli-lookup-offer = { $seller } { $price } + { $shipping } de livraison, { $days } jours
cli-lookup-catalog = catalogue
cli-lookup-catalog-version = version { $version }

## vitrine search

cli-search-none = aucun produit ne correspond à "{ $query }"

## vitrine import. Dans la barre de progression, $bar, $bytes, $total et
## $eta sont des emplacements que la barre remplit.

cli-import-progress = import { $bar } { $bytes }/{ $total } (encore { $eta })
cli-import-done = { $imported } produits importés, { $skipped } ignorés ; version du catalogue { $version }
# $example : « line N: raison », dans les mots de l'analyseur.
cli-import-skipped = ignoré { $example }

## vitrine status et vitrine sync

cli-status-store = magasin
cli-status-catalog-version = version du catalogue
cli-status-catalog-updated = catalogue mis à jour
cli-status-last-sync = dernière synchro
cli-status-never = jamais
cli-status-products-label = produits
cli-status-products = { $products } ({ $prices } prix, { $promotions } promotions, { $stock } lignes de stock, { $offers } offres, { $stores } magasins)
cli-status-prices-origin = origine des prix
cli-status-database = base de données
cli-status-database-size = { $path } ({ $bytes } octets)
cli-status-hq = siège
cli-status-hq-enrolled = { $hq } (appareil { $device }, magasin { $store })
cli-status-not-enrolled = non enrôlé
cli-status-outbox = file d'envoi
cli-status-outbox-counts = { $pending } en attente, { $dead } refusés par le siège
cli-sync-last-error = dernière erreur
cli-sync-not-all-sent = le siège n'a pas pu prendre tous les messages en attente ; ils restent dans la file

## vitrine enroll

cli-enroll-no-hq = pas d'adresse du siège : passez --hq URL ou renseignez hq.url
cli-enroll-bad-url = --hq : une adresse http:// ou https:// est attendue, trouvé « { $url } »
cli-enroll-done = enrôlé : appareil { $device } pour le magasin { $store } sur { $hq }
cli-enroll-store-note = remarque : ce kiosque sert désormais le magasin { $store }, pour lequel le siège l'a enrôlé (kiosk.store = "{ $configured }" dans la configuration n'est que la valeur proposée avant l'enrôlement)

## vitrine handoff

cli-handoff-bad-quantity = quantité invalide dans « { $item } »
cli-handoff-quantity-range = « { $item } » : la quantité doit aller de 1 à { $max }

## vitrine identify

cli-identify-first-name = prénom
cli-identify-tier = niveau
cli-identify-consent = consentement
cli-identify-consent-yes = oui
cli-identify-consent-no = non (pas de prix personnels)
cli-identify-offers = offres
# $detail : quel contrôle a échoué, en mots techniques (anglais) ;
# $reason : la phrase que montre le kiosque.
cli-identify-refused = { $detail } ({ $reason })

## vitrine config check

cli-config-ok = configuration valide : { $file }
cli-config-no-file = (pas de fichier : valeurs par défaut et environnement)

## vitrine staff set-pin (les invites sont suivies d'une espace)

cli-staff-env-pin = une variable d'environnement impose staff.pin_hash, un nouveau code n'aurait pas d'effet ; retirez-la d'abord : { $var }
cli-staff-pin-prompt = Nouveau code (4 à 8 chiffres) :
cli-staff-pin-prompt-again = Encore une fois :
cli-staff-read-pin = impossible de lire le code : { $detail }
cli-staff-no-pin = aucun code sur l'entrée standard : tapez-le quand il est demandé, ou passez-le par un tube (echo … | vitrine staff set-pin)
cli-staff-pin-saved = Code du personnel enregistré (haché avec Argon2) dans { $file } ; le kiosque l'utilise à son prochain démarrage.

## vitrine scan

cli-scan-replay-folder = --replay prend un dossier ou des fichiers image : { $folder } est un dossier parmi { $count } chemins
# $reason : pourquoi la caméra ne s'ouvre pas (kiosk-domain.ftl).
cli-scan-camera-unavailable = caméra « { $device } » indisponible : { $reason }
# $p50 et $p95 : des millisecondes avec une décimale.
cli-scan-summary = # { $scans } lectures ; latence p50 { $p50 } ms, p95 { $p95 } ms ; { $captured } images capturées, { $decoded } décodées, { $dropped } abandonnées
