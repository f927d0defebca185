# The kiosk's own typed reasons (session, contact, collection slots, staff
# PIN, identification, coupons, camera), worded for the shopper or staff.

basket-no-price = Ce produit n'a pas de prix dans ce magasin : demandez à un vendeur.
basket-full = Le panier est plein : envoyez-le sur votre téléphone ou commandez-le d'abord.
basket-too-many = Quantité maximale atteinte pour ce produit.
basket-currency = Ce prix n'est pas dans la monnaie du magasin : demandez à un vendeur.

contact-empty = Tapez une adresse email ou un numéro de téléphone.
contact-email = Cette adresse email n'est pas complète : elle s'écrit nom@exemple.fr.
contact-phone = Ce numéro n'est pas valide : 10 chiffres commençant par 0, ou + et l'indicatif du pays.
contact-too-long = C'est trop long pour une adresse.

# A collection slot. $start and $end are times (14:00); $weekday the day's
# name, $day and $month two digits.
slot-today = Aujourd'hui, { $start } – { $end }
slot-tomorrow = Demain, { $start } – { $end }
# unused: $day_num, $month_name
slot-day = { $weekday } { $day }/{ $month }, { $start } – { $end }

staff-pin-granted = Accès accordé
staff-pin-wrong = Code incorrect. Essais restants avant blocage : { $left }
staff-pin-locked = Trop d'essais : réessayez dans { $wait }
staff-pin-rule-length = Le code doit avoir de 4 à 8 chiffres.
staff-pin-rule-trivial = Code trop simple (chiffres identiques ou suite) : choisissez-en un autre.
staff-pin-rule-default = C'est le code d'usine : choisissez-en un autre.
staff-pin-rule-mismatch = Les deux saisies ne sont pas identiques.

identify-not-understood = Nous ne reconnaissons pas ce code : scannez le QR code de l'application ou votre carte, ou tapez votre téléphone ou votre email.
identify-unknown = Nous ne trouvons pas de compte fidélité avec ces informations.
identify-offline = La borne n'est pas connectée : scannez le QR code de l'application pour vous identifier.
identify-unavailable = L'identification est indisponible pour le moment : demandez à un vendeur.

coupon-already-used = Ce bon de réduction a déjà été utilisé : il ne sert qu'une fois.
coupon-unavailable = Ce bon ne peut pas être vérifié pour le moment : demandez à un vendeur.

## The camera, for staff. $device is a camera index or name, $detail the
## driver's own (English) words.

camera-off = Pas de caméra sur cette borne
camera-starting = Démarrage de la caméra…
camera-running = Caméra en marche
camera-running-mode = Caméra en marche ({ $width }x{ $height }, { $fps } i/s)
camera-unavailable = Caméra indisponible : { $why }. Nouvel essai dans { $secs } s (essai { $attempt }).
camera-ended = Relecture terminée
camera-stopped = Caméra arrêtée

camera-not-found = caméra { $device } introuvable : vérifiez qu'elle est branchée (ou réglez camera.device)
camera-not-found-detail = caméra { $device } introuvable ({ $detail }) : vérifiez qu'elle est branchée (ou réglez camera.device)
camera-not-named = aucune caméra nommée « { $device } » : vérifiez qu'elle est branchée (ou réglez camera.device)
camera-not-named-detail = aucune caméra nommée « { $device } » ({ $detail }) : vérifiez qu'elle est branchée (ou réglez camera.device)
camera-detail-no-node = { $node } n'existe pas
camera-detail-none-connected = aucune caméra n'est branchée
camera-detail-connected = branchées : { $names }
camera-busy = la caméra { $device } est occupée par un autre programme
camera-permission = accès refusé à la caméra { $device } : ajoutez l'utilisateur de la borne au groupe « video »
camera-disconnected = la caméra { $device } n'envoie plus d'images, est-elle débranchée ? ({ $detail })
camera-stalled = la caméra n'a envoyé aucune image depuis { $secs } s, elle va être rouverte
camera-no-mode = la caméra { $device } n'offre aucun format d'image utilisable ({ $detail })
camera-failed = erreur de la caméra { $device } : { $what } ({ $detail })
camera-step-list = impossible de lister les caméras
camera-step-open = impossible de l'ouvrir
camera-step-thread = impossible de démarrer la capture (ressources épuisées)
camera-no-images = aucune image lisible dans { $what } : ajoutez des fichiers PNG, JPEG ou WebP (ou corrigez camera.replay_dir)
camera-replay-ended = la relecture est arrivée à sa fin
