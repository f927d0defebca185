"""Schemathesis hooks for Vitrine HQ's openapi.json (loaded by
crates/vitrine-hq/tests/contract.rs through SCHEMATHESIS_HOOKS).

The `gtin` format is a GTIN with a right GS1 check digit: a JSON Schema
pattern cannot state a check digit, so without this Schemathesis would call
"valid" GTINs that HQ rightly refuses (400). Negative cases still come from
the pattern (`^[0-9]{14}$` and the like).
"""

import schemathesis
from hypothesis import strategies as st


def _with_check_digit(body: str) -> str:
    # GS1 mod 10: weights 3 and 1 alternate from the rightmost digit of the body.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


schemathesis.openapi.format(
    "gtin",
    st.text("0123456789", min_size=13, max_size=13).map(_with_check_digit),
)
