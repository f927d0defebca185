//! Fuzzes what a kiosk reads from a scanned or typed QR code before it
//! trusts it: loyalty tokens (`VTL1.…`), coupon QR codes (`VTC1.…`), card
//! numbers and typed phone numbers or emails. Nothing may panic; nothing
//! but a token signed by the key below may verify; an accepted token must
//! re-sign to the same claims.
//!
//! Shared by the fuzz target and `tests/fuzz_corpora.rs`, which replays the
//! committed corpus in CI.

use vitrine_core::loyalty::{
    DEFAULT_CARD_PREFIX, LoyaltyToken, SignedCoupon, mask_identifier, normalise_card, normalise_email, normalise_phone,
    parse_loyalty_token, split_token,
};
use vitrine_core::sign::SecretKey;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = SecretKey::from_seed([7; 32]);
    let _ = split_token(text);
    if let Ok((claims, _, _)) = parse_loyalty_token(text) {
        // A parsed token signed again verifies, with its own claims.
        let signed = claims.sign(&key);
        if claims.iss == vitrine_core::loyalty::issuer_id(&key.public())
            && claims.exp.saturating_sub(claims.iat) <= 24 * 3600
            && let Ok(t) = LoyaltyToken::verify(&signed, &key.public(), claims.iat)
        {
            assert_eq!(t, claims);
        }
    }
    for now in [0, 1_790_000_000, i64::MAX / 2] {
        if let Ok(t) = LoyaltyToken::verify(text, &key.public(), now) {
            // Only our own signatures verify: the fuzzer cannot forge one.
            assert_eq!(t.sign(&key).len(), text.trim().len());
        }
        let _ = SignedCoupon::verify(text, &key.public(), now).map(|c| c.promotion());
    }
    if let Some(card) = normalise_card(text, DEFAULT_CARD_PREFIX) {
        assert_eq!(card.len(), 13);
    }
    let _ = normalise_email(text);
    let _ = normalise_phone(text);
    let _ = mask_identifier(text);
}
