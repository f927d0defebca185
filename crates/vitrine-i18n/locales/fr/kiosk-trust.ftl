# Kiosk (issue 14, trust): the one-time code step of identification by
# phone or email. $masked is where the code went (•••• 78, c•••@e•••.com).

kiosk-trust-code-sent = S'il s'agit d'un compte fidélité, nous avons envoyé un code à { $masked }.
kiosk-trust-code-heading = Saisissez votre code
kiosk-trust-code-prompt = Tapez le code à 6 chiffres envoyé à { $masked }. Il est valable 10 minutes.
kiosk-trust-code-other = Un autre numéro ou email
kiosk-trust-code-wrong = { $left ->
    [0] Code erroné. Demandez-en un nouveau.
    [one] Code erroné : encore 1 essai.
   *[other] Code erroné : encore { $left } essais.
}
kiosk-trust-code-closed = Ce code a expiré ou a déjà servi : demandez-en un nouveau.
kiosk-trust-code-too-many = Trop de codes ont été demandés : réessayez dans quelques minutes, ou scannez le QR code de l'application.
