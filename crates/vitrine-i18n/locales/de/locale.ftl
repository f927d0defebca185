# How German is written: the language's name in itself, numbers, money.
language-name = Deutsch
number-decimal = ,
number-group = .
# $sign is "-" or nothing, $amount the digits, $symbol the currency's sign (€).
money = { $sign }{ $amount } { $symbol }
# A currency written as letters (CHF).
money-code = { $sign }{ $amount } { $symbol }
percent = { $value } %
