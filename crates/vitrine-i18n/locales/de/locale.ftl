# How German is written: the language's name in itself, numbers, money.
language-name = Deutsch
number-decimal = ,
number-group = .
# $sign is "-" or nothing, $amount the digits, $symbol the currency's sign (€).
money = { $sign }{ $amount } { $symbol }
# A currency written as letters (CHF).
money-code = { $sign }{ $amount } { $symbol }
percent = { $value } %

# Days (1 is Monday) and months (short: "25. Nov.").
weekday-1 = Montag
weekday-2 = Dienstag
weekday-3 = Mittwoch
weekday-4 = Donnerstag
weekday-5 = Freitag
weekday-6 = Samstag
weekday-7 = Sonntag
month-1 = Jan.
month-2 = Feb.
month-3 = März
month-4 = Apr.
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = Aug.
month-9 = Sept.
month-10 = Okt.
month-11 = Nov.
month-12 = Dez.

# A duration for people: "30 s", "2 min".
duration-seconds = { $n } s
duration-minutes = { $n } min
