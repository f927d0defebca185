# Used by the catalogue's own tests and documentation.
selftest-hello = Hallo { $name }!
selftest-quote = Sie sagt: „{ $said }“
selftest-items = { $count } { $count ->
    [one] Artikel
   *[other] Artikel
}
