# Refus GS1 (crate vitrine-i18n, module gs1) : pourquoi des données GS1 ou
# un GS1 Digital Link enfreignent les règles de GS1 (le Barcode Syntax
# Dictionary), et pourquoi le prix d'une étiquette n'est pas retenu. Dits
# sur l'écran de la borne et par la ligne de commande. Les propositions
# commencent par une minuscule : elles suivent un deux-points.
# Arguments : $ai un identifiant d'application GS1 (chiffres), $at un
# morceau du code, $ch un caractère, $pos sa position (à partir de 1),
# $min / $max des longueurs.

gs1-empty = les données GS1 sont vides
gs1-brackets = des données GS1 entre parenthèses s'écrivent (AI)valeur(AI)valeur… ; l'écriture se rompt à « { $at } »
gs1-unknown-ai = ({ $ai }) n'est pas un identifiant d'application GS1 : le code est peut-être abîmé
gs1-no-ai-at = aucun identifiant d'application GS1 ne commence « { $at } » : le code est peut-être abîmé, ou ses champs ne sont pas séparés
gs1-value = AI ({ $ai }) : { $problem }
gs1-repeated = l'AI ({ $ai }) figure deux fois dans le code avec des valeurs différentes
gs1-requires = l'AI ({ $ai }) n'est pas valable seul : GS1 exige à côté l'un de ces groupes d'AI : { $required }
gs1-requires-measure = un prix imprimé sur une étiquette GS1 (AI ({ $ai })) n'est valable qu'à côté d'une mesure de l'article (un nombre ou un poids : AI 30, 31nn, 32nn, 35nn ou 36nn), et ce code n'en a pas : le prix n'est pas accepté
gs1-excludes = GS1 interdit l'AI ({ $ai }) avec l'AI ({ $other }) dans un même code
gs1-unserialised = l'AI ({ $ai }) doit porter sa partie numéro de série quand le code est signé (AI 8030)

## Ce qui ne va pas dans la valeur d'un AI ($problem ci-dessus).
gs1-problem-empty = la valeur est vide
gs1-problem-too-short = la valeur est trop courte (au moins { $min } caractères)
gs1-problem-too-long = la valeur est trop longue (au plus { $max } caractères)
gs1-problem-character = le caractère { $pos } ({ $ch }) n'est pas permis : { $set }
gs1-set-digits = seuls les chiffres sont permis
gs1-set-82 = seuls les lettres, les chiffres et les signes !"%&'()*+,-./:;<=>?_ sont permis (jeu de caractères GS1 82)
gs1-set-39 = seuls les majuscules, les chiffres et les signes #-/ sont permis (jeu de caractères GS1 39)
gs1-set-64 = seuls les lettres, les chiffres, - et _ sont permis (jeu de caractères GS1 64)
gs1-problem-base64-padding = le remplissage « = » à la fin est faux
gs1-problem-check-digit = la clé de contrôle est fausse : vérifiez les chiffres
gs1-problem-check-pair = les deux caractères de contrôle à la fin sont faux
gs1-problem-company-prefix = elle ne commence pas par un préfixe d'entreprise GS1
gs1-problem-month = le mois n'est pas entre 01 et 12
gs1-problem-day = ce jour n'existe pas dans ce mois
gs1-problem-hour = l'heure n'est pas entre 00 et 23
gs1-problem-minute = la minute n'est pas entre 00 et 59
gs1-problem-second = la seconde n'est pas entre 00 et 59
gs1-problem-currency = ce n'est pas un code de devise ISO 4217
gs1-problem-country = ce n'est pas un code de pays ISO 3166
gs1-problem-zero = elle ne peut pas être nulle
gs1-problem-zero-prefix = elle ne peut pas commencer par 0
gs1-problem-rule = elle enfreint la règle GS1 « { $rule } »

## GS1 Digital Link (une adresse web dans un QR code).
gs1-dl-character = pas un GS1 Digital Link : l'adresse contient { $ch }, qu'une adresse web ne peut pas contenir
gs1-dl-scheme = pas un GS1 Digital Link : l'adresse doit commencer par http:// ou https://
gs1-dl-host = pas un GS1 Digital Link : l'adresse n'a pas de nom d'hôte valable
gs1-dl-no-key = pas un GS1 Digital Link : le chemin n'a pas de clé GS1 en chiffres, comme /01/ suivi d'un GTIN à 14 chiffres
gs1-dl-empty-value = GS1 Digital Link : l'AI ({ $ai }) n'a pas de valeur
gs1-dl-null = GS1 Digital Link : la valeur de l'AI ({ $ai }) contient %00
gs1-dl-qualifiers = GS1 Digital Link : les qualificatifs du chemin n'appartiennent pas à sa clé ou ne sont pas dans l'ordre de GS1 (après un GTIN : /22/, puis /10/, puis /21/)
gs1-dl-not-attribute = GS1 Digital Link : l'AI ({ $ai }) ne peut pas être donné après « ? »
gs1-dl-in-path = GS1 Digital Link : l'AI ({ $ai }) va dans le chemin (/{ $ai }/…), pas après « ? »
gs1-dl-unknown-ai = GS1 Digital Link : ({ $ai }) après « ? » n'est pas un identifiant d'application GS1
gs1-dl-duplicate = GS1 Digital Link : l'AI ({ $ai }) est donné deux fois

## Une étiquette dont le prix ou le poids n'est pas retenu (phrases entières).
gs1-label-fixed-price = Le prix imprimé sur cette étiquette n'est pas accepté : ce produit a un prix fixe (un prix d'étiquette ne vaut que pour un article pesé ou mesuré).
gs1-label-not-store-number = Cette étiquette du magasin n'est pas acceptée : une étiquette de prix ou de poids doit porter un numéro propre au magasin (préfixe 02 ou 20 à 29).

## L'écran de la borne, pour un code GS1 refusé.
gs1-kiosk-refused = Ce code a été refusé : { $reason }.

## La ligne de commande, pour une étiquette refusée ($code tel que tapé).
gs1-cli-label-refused = étiquette de « { $code } » refusée. { $reason }
