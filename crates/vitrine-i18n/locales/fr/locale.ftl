# How French is written: the language's name in itself, numbers, money.
language-name = Français
number-decimal = ,
number-group = { " " }
# $sign is "-" or nothing, $amount the digits, $symbol the currency's sign (€).
money = { $sign }{ $amount } { $symbol }
# A currency written as letters (CHF).
money-code = { $sign }{ $amount } { $symbol }
percent = { $value } %

# Days (1 is Monday) and months (short: "25 nov.").
weekday-1 = Lundi
weekday-2 = Mardi
weekday-3 = Mercredi
weekday-4 = Jeudi
weekday-5 = Vendredi
weekday-6 = Samedi
weekday-7 = Dimanche
month-1 = janv.
month-2 = févr.
month-3 = mars
month-4 = avr.
month-5 = mai
month-6 = juin
month-7 = juil.
month-8 = août
month-9 = sept.
month-10 = oct.
month-11 = nov.
month-12 = déc.

# A duration for people: "30 s", "2 min".
duration-seconds = { $n } s
duration-minutes = { $n } min
