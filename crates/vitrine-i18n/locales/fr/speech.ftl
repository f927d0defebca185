# Audio mode: what the kiosk says (src/speech, src/ui/shell/audio.rs).
speech-audio-on = Mode audio activé. Flèches haut et bas : passer d'une commande à l'autre. Entrée : choisir. Échap : revenir. F1 : savoir où vous êtes. Plus et moins : le volume. F2 : la vitesse de la voix.
speech-keys = Haut et bas pour vous déplacer, Entrée pour choisir, Échap pour revenir, F1 pour l'aide.
speech-button = { $label }, bouton.
speech-option = { $label }, option.
speech-option-chosen = { $label }, option choisie.
speech-focus-on = Vous êtes sur : { $label }.
speech-volume = Volume { $percent } pour cent.
speech-rate = { $step ->
    [0] Vitesse normale.
    [1] Vitesse rapide.
    [2] Vitesse très rapide.
   *[other] Vitesse lente.
}
speech-nothing-back = Vous êtes au début.
speech-page-attract = Bienvenue. Scannez un produit pour connaître son prix, ses promotions et sa disponibilité. Appuyez sur Entrée pour commencer.
speech-page-scan = Scanner un produit. Tenez le code-barres devant la caméra, sous l'écran : des sons vous guident. Ou tapez les chiffres imprimés sous le code-barres, puis Entrée.
speech-product = { $name }.
speech-product-price = Prix : { $price }. { $note }
speech-demo-price = Prix de démonstration : ce n'est pas un vrai prix.
speech-product-promotion = Promotion : { $text }
speech-product-allergens = Allergènes : { $list }.
speech-stock = { $place } { $text }.
speech-basket-empty = Votre panier est vide.
speech-basket = { $count ->
    [one] Votre panier : un produit.
   *[other] Votre panier : { $count } produits.
}
speech-basket-line = { $name }, quantité { $quantity }, { $total }.
speech-basket-total = Total : { $total }.
speech-page-identify = M'identifier. Scannez votre carte de fidélité, ou tapez votre numéro de téléphone puis Entrée.
speech-identified = Vous êtes identifié.
speech-identified-name = Bonjour { $name }, vous êtes identifié.
speech-page-handoff = Votre panier est prêt à être envoyé sur votre téléphone : un code QR est affiché à l'écran. Pour recevoir le lien par SMS ou par e-mail, tapez votre numéro ou votre adresse, puis Entrée.
speech-collect-step = { $step ->
    [1] Click and collect, étape 1 sur 4 : choisissez le magasin de retrait.
    [2] Étape 2 sur 4 : choisissez le créneau de retrait.
    [3] Étape 3 sur 4 : tapez votre nom, puis votre e-mail ou votre téléphone.
    [4] Étape 4 sur 4 : vérifiez puis confirmez la commande.
   *[other] Votre commande est enregistrée.
}
speech-collect-number = Numéro de commande : { $number }.
speech-page-staff = Accès réservé au personnel.
speech-idle = Êtes-vous toujours là ? Votre session s'efface dans { $seconds } secondes. Appuyez sur une touche pour avoir plus de temps.
speech-aim-left = Déplacez le produit vers la gauche.
speech-aim-right = Déplacez le produit vers la droite.
speech-aim-up = Plus haut.
speech-aim-down = Plus bas.
speech-aim-closer = Plus près.
speech-aim-farther = Plus loin.
speech-aim-still = Ne bougez plus.
speech-status-label = Voix
speech-status-ok = Voix : { $engine }, son : { $output }.
speech-status-no-device = Aucun périphérique audio : la borne ne peut pas parler (le mode audio reste utilisable au clavier).
speech-status-no-engine = Moteur de voix absent ({ $engine }) : installez-le (apt-get install espeak-ng).
speech-status-headset = Casque branché.

# vitrine speak (audio mode's voice into a WAV file)
cli-speak-bad-lang = Langue inconnue « { $lang } » : choisissez parmi { $known }.
cli-speak-failed = Impossible de faire parler la voix : { $reason }
cli-speak-done = { $file } : { $ms } ms de parole.
