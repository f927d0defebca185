# Used by the catalogue's own tests and documentation.
selftest-hello = Hello { $name }!
selftest-quote = She says: “{ $said }”
selftest-items = { $count } { $count ->
    [one] item
   *[other] items
}
