# Used by the catalogue's own tests and documentation.
selftest-hello = Bonjour { $name } !
selftest-quote = Elle dit : « { $said } »
selftest-items = { $count } { $count ->
    [one] article
   *[other] articles
}
