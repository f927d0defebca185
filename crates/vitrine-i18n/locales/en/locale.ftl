# How English is written: the language's name in itself, numbers, money.
language-name = English
number-decimal = .
number-group = ,
# $sign is "-" or nothing, $amount the digits, $symbol the currency's sign (€).
money = { $sign }{ $symbol }{ $amount }
# A currency written as letters (CHF).
money-code = { $sign }{ $symbol } { $amount }
percent = { $value }%
