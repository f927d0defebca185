# The phone page's last pieces (issue 16): the stores to collect from with
# their distance from the kiosk's store, and the note a basket or order page
# shows when the service worker serves the copy it kept (no network).

# $distance: kilometres, a number written in the page's language.
phone-store-distance = à { $distance } km
phone-offline-basket = Hors ligne : voici le dernier état connu du panier, tel qu'au dernier chargement de la page. Il se mettra à jour au retour du réseau.
phone-offline-order = Hors ligne : voici la commande telle qu'au dernier chargement de la page. Son état se mettra à jour au retour du réseau.
phone-app-token-bad = Ce code fidélité n'a pas été accepté : rouvrez le panier depuis l'application, ou identifiez-vous avec un code à usage unique.
