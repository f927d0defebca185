# How English is written: the language's name in itself, numbers, money.
language-name = English
number-decimal = .
number-group = ,
# $sign is "-" or nothing, $amount the digits, $symbol the currency's sign (€).
money = { $sign }{ $symbol }{ $amount }
# A currency written as letters (CHF).
money-code = { $sign }{ $symbol } { $amount }
percent = { $value }%

# Days (1 is Monday) and months (short: "25 Nov").
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

# A duration for people: "30 s", "2 min".
duration-seconds = { $n } s
duration-minutes = { $n } min
