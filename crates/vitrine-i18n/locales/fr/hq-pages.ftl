# HQ's pages: the phone basket page (/h/…), the survey page (/s/…), the
# store staff's orders page (/staff/…) and their error pages.

## The phone basket page

hq-page-basket-title = Votre panier
hq-page-basket-heading = Votre panier Vitrine
# A basket line: 3 × Nordic must original
hq-page-line = { $quantity } × { $name }
hq-page-unknown-product = Produit inconnu ({ $gtin })
hq-page-no-price = prix indisponible
hq-page-total = Total
hq-page-store-prices = Prix du magasin { $store }.
hq-page-open-app = Ouvrir dans l'application
hq-page-loading = Chargement du panier…
hq-page-need-js = Activez JavaScript pour récupérer ce panier.
hq-page-claim-heading = Recevoir ce panier
hq-page-claim-email = E-mail
hq-page-claim-phone = ou téléphone (SMS)
hq-page-send = Envoyer
hq-page-claimed = Panier enregistré : la confirmation est envoyée.
hq-page-claim-need-contact = Indiquez un e-mail ou un numéro de téléphone.
hq-page-claim-bad-email = L'adresse e-mail n'est pas valide.
hq-page-claim-bad-phone = Le numéro de téléphone n'est pas valide (des chiffres, éventuellement précédés de +).
hq-page-claim-taken-title = Panier déjà enregistré
hq-page-claim-taken = Ce panier a déjà été enregistré : sa confirmation est partie vers l'adresse e-mail ou le numéro donné la première fois. Pour votre sécurité, il ne peut pas être envoyé ailleurs. Pour recevoir un panier, scannez à nouveau le QR code de la borne.
hq-page-coupon = Bon de réduction
hq-page-coupon-use = Utiliser
hq-page-coupon-applied = Bon appliqué
# Before the new total, in bold.
hq-page-coupon-new-total = Nouveau total :
hq-page-coupon-refused = Bon refusé
hq-page-link-invalid = Ce lien n'est pas valide.
hq-page-link-invalid-short = Lien non valide.
hq-page-back-to-basket = Retour au panier
hq-page-form-too-large = Le formulaire envoyé est trop long. Revenez en arrière et réessayez.
hq-page-form-unreadable = Le formulaire envoyé est incomplet ou illisible. Revenez en arrière et réessayez.

## What the pages (and the phone page's script) say for an error code of
## HQ's answers, never the API's English message.

hq-error-bad-signature = Ce lien a été abîmé ou modifié : la signature du panier ne correspond pas à la borne qui l'a créé. Scannez à nouveau le QR code de la borne.
hq-error-bad-request = Ce lien est incomplet ou illisible : scannez à nouveau le QR code de la borne.
hq-error-forbidden = Ce panier vient d'une borne que le magasin ne reconnaît plus. Demandez de l'aide à un vendeur.
hq-error-not-found = Panier introuvable : scannez à nouveau le QR code de la borne.
hq-error-conflict = Ce lien correspond à un autre panier : scannez à nouveau le QR code de la borne.
hq-error-too-large = Ce panier est trop grand pour être ouvert ici. Demandez de l'aide à un vendeur.
hq-error-rate-limited = Trop de demandes d'un coup : réessayez dans une minute.
hq-error-unavailable = Le service est momentanément indisponible : réessayez dans un instant.

## The survey page

hq-survey-title = Votre avis
hq-survey-question = Êtes-vous satisfait de votre achat ?
hq-survey-score = { $score } / 5
hq-survey-thanks = Merci !
# Before the coupon's code, in bold.
hq-survey-coupon = Votre bon de réduction :
hq-survey-coupon-until = valable jusqu'au { $date }

## The staff's orders page

hq-staff-title = Commandes
hq-staff-heading = Commandes click&collect — { $store }
hq-staff-order = Commande
hq-staff-customer = Client
hq-staff-status = Statut
hq-staff-items = { $count } article(s)
hq-staff-no-orders = Aucune commande.
hq-staff-back = Retour aux commandes
hq-staff-no-store = Ce magasin n'existe pas.
hq-staff-bad-status = Statut inconnu : choisissez reçue, en préparation, prête ou retirée.
hq-staff-no-order = Cette commande n'existe pas.
hq-staff-no-order-here = Cette commande n'existe pas dans ce magasin.
hq-staff-busy = Le siège est occupé : réessayez dans un instant.
hq-staff-failed = Le siège a rencontré un problème : réessayez dans un instant ; s'il persiste, prévenez le support.
hq-staff-login-title = Connexion du personnel
hq-staff-login-name = Identifiant
hq-staff-login-password = Mot de passe
hq-staff-login-submit = Se connecter
hq-staff-login-refused = Identifiant ou mot de passe incorrect.
hq-staff-login-locked = Trop de tentatives : réessayez dans { $minutes } min.
hq-staff-logout = Se déconnecter
hq-staff-signed-in = Connecté : { $name }
hq-staff-not-your-store = Votre compte n'est pas celui de ce magasin.
hq-staff-form-expired = Ce formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.
hq-staff-audit = Derniers changements
hq-staff-audit-row = { $time } : commande { $number }, { $from } → { $to }, par { $name }
hq-staff-stores = Magasins
