//! Coupons: HQ's single-use coupons (a survey's thank-you, an operator's
//! gift), used once across every channel, and the catalog's coupon codes
//! (printed on a leaflet, not single-use). A kiosk lists the ones it
//! applied in its order and the phone page sends one; HQ records each
//! single-use coupon's one use ([`apply_coupons`]) and refuses a second
//! use, on any channel, with the first one's channel and date
//! ([`CouponRefusal`]).

use vitrine_core::Lang;
use vitrine_core::loyalty::{SignedCoupon, coupon_promotion, issuer_id};
use vitrine_core::pricing::Promotion;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::customers::{CouponOutcome, CouponState, CouponStatus};
use vitrine_i18n::{Text, text};

use crate::Hq;
use crate::dates::date;
use crate::storage::StorageError;
use crate::storage::customers::{CouponRecord, Redeem, Redemption};

/// Why HQ refused a coupon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponRefusal {
    /// Neither an HQ coupon nor a catalog coupon code.
    Unknown,
    /// Its validity ended at this time.
    Expired(UnixTime),
    /// Used before, on another order or basket.
    UsedElsewhere { channel: String, used_at: UnixTime },
    /// This basket does not meet its conditions: it was not used.
    DoesNotApply,
    /// A personal coupon on a basket that is not its holder's (HQ did not
    /// vouch for its customer): it was not used.
    NotHolder,
}

/// The languages of a refusal's `reason` on the wire
/// ([`CouponOutcome::reason`] is documented as English and French: kiosks
/// store it as it comes).
const WIRE_LANGS: [Lang; 2] = [Lang::EN, Lang::FR];

impl CouponRefusal {
    /// The refusal as a sentence for the shopper.
    pub fn text(&self) -> Text {
        match self {
            CouponRefusal::Unknown => text!("hq-coupon-unknown"),
            CouponRefusal::Expired(at) => text!("hq-coupon-expired", date = date(*at)),
            CouponRefusal::UsedElsewhere { channel, used_at } => {
                text!("hq-coupon-used", date = date(*used_at), channel = channel_text(channel))
            }
            CouponRefusal::DoesNotApply => text!("hq-coupon-not-applicable"),
            CouponRefusal::NotHolder => text!("hq-coupon-not-holder"),
        }
    }

    /// The refusal as a clause inside another sentence (the order email's
    /// "Coupon X could not be applied (…)").
    pub fn clause(&self) -> Text {
        match self {
            CouponRefusal::Unknown => text!("hq-coupon-unknown.clause"),
            CouponRefusal::Expired(at) => text!("hq-coupon-expired.clause", date = date(*at)),
            CouponRefusal::UsedElsewhere { channel, used_at } => {
                text!(
                    "hq-coupon-used.clause",
                    date = date(*used_at),
                    channel = channel_text(channel)
                )
            }
            CouponRefusal::DoesNotApply => text!("hq-coupon-not-applicable.clause"),
            CouponRefusal::NotHolder => text!("hq-coupon-not-holder.clause"),
        }
    }

    /// The outcome a kiosk receives for this code.
    pub fn outcome(&self, code: &str) -> CouponOutcome {
        let reason = WIRE_LANGS
            .iter()
            .map(|l| self.text().render(*l))
            .collect::<Vec<_>>()
            .join(" / ");
        CouponOutcome {
            code: code.to_string(),
            accepted: false,
            reason: Some(reason),
        }
    }
}

/// Where a coupon was used, for a sentence ("at an in-store kiosk").
fn channel_text(channel: &str) -> Text {
    match channel {
        "kiosk" => text!("hq-channel-kiosk"),
        "phone" => text!("hq-channel-phone"),
        _ => text!("hq-channel-online"),
    }
}

/// The promotion an HQ coupon gives, to price with.
pub fn coupon_promo(c: &CouponRecord) -> Promotion {
    coupon_promotion(&c.code, c.basis_points, c.min_spend_minor, c.valid_from, c.valid_until)
}

/// The QR text of a coupon (scanned at a kiosk).
pub fn signed_coupon(hq: &Hq, c: &CouponRecord) -> String {
    SignedCoupon {
        iss: issuer_id(&hq.key.public()),
        code: c.code.clone(),
        basis_points: c.basis_points,
        min_spend_minor: c.min_spend_minor,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
    }
    .sign(&hq.key)
}

/// Whether `code` is one of the catalog's coupon codes.
pub fn is_catalog_code(hq: &Hq, code: &str) -> Result<bool, StorageError> {
    Ok(hq
        .storage
        .promotions()?
        .iter()
        .any(|p| p.coupon_code.as_deref() == Some(code)))
}

/// Where a coupon stands (for a kiosk online, before it applies one).
pub fn coupon_state(hq: &Hq, code: &str, now: UnixTime) -> Result<CouponState, StorageError> {
    let code = code.trim();
    let st = |status, promotion, r: Option<&Redemption>| CouponState {
        code: code.to_string(),
        status,
        promotion,
        used_channel: r.map(|r| r.channel.clone()),
        used_at: r.map(|r| r.used_at),
    };
    Ok(match hq.storage.coupon(code)? {
        Some(c) if c.redemption.is_some() => st(CouponStatus::Used, Some(coupon_promo(&c)), c.redemption.as_ref()),
        Some(c) if now >= c.valid_until => st(CouponStatus::Expired, Some(coupon_promo(&c)), None),
        Some(c) => st(CouponStatus::Valid, Some(coupon_promo(&c)), None),
        None => match hq
            .storage
            .promotions()?
            .into_iter()
            .find(|p| p.coupon_code.as_deref() == Some(code))
        {
            Some(p) => st(CouponStatus::Valid, Some(p), None),
            None => st(CouponStatus::Unknown, None, None),
        },
    })
}

/// The coupons of an order or a phone basket, once HQ has looked at them.
#[derive(Debug, Clone, Default)]
pub struct AppliedCoupons {
    /// One per code, accepted or refused with the reason.
    pub outcomes: Vec<CouponOutcome>,
    /// The refused codes and why (what the shopper is told).
    pub refused: Vec<(String, CouponRefusal)>,
    /// The promotions of the accepted HQ coupons (to price with).
    pub promotions: Vec<Promotion>,
    /// The accepted codes (to price with, as scanned codes).
    pub codes: Vec<String>,
}

impl AppliedCoupons {
    fn accept(&mut self, code: &str, promotion: Option<Promotion>) {
        self.promotions.extend(promotion);
        self.codes.push(code.to_string());
        self.outcomes.push(CouponOutcome {
            code: code.to_string(),
            accepted: true,
            reason: None,
        });
    }

    fn refuse(&mut self, code: &str, why: CouponRefusal) {
        self.outcomes.push(why.outcome(code));
        self.refused.push((code.to_string(), why));
    }
}

/// Whether the customer HQ vouched for (`holder`, None: anonymous) may use
/// coupon `c`: a personal coupon (issued to a customer) only by that
/// customer; a bearer coupon (issued to no customer: an operator's gift, a
/// survey answered without an account) by whoever holds its code.
pub fn may_use(c: &CouponRecord, holder: Option<&str>) -> bool {
    c.customer_id.as_deref().is_none_or(|owner| holder == Some(owner))
}

/// Records the use of each coupon of an order or a phone basket and
/// returns the outcomes with the promotions of the accepted ones. Catalog
/// coupons (a code printed on a leaflet) are not single-use. A personal
/// coupon is refused unless `holder` (the customer HQ vouched for) is its
/// customer ([`may_use`]). `used_at` is HQ's pricing time of the order.
pub fn apply_coupons(
    hq: &Hq,
    codes: &[String],
    channel: &str,
    reference: &str,
    store: Option<&str>,
    used_at: UnixTime,
    holder: Option<&str>,
) -> Result<AppliedCoupons, StorageError> {
    let mut out = AppliedCoupons::default();
    let catalog = hq.storage.promotions()?;
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).take(10) {
        let Some(coupon) = hq.storage.coupon(code)? else {
            if catalog.iter().any(|p| p.coupon_code.as_deref() == Some(code)) {
                out.accept(code, None);
            } else {
                out.refuse(code, CouponRefusal::Unknown);
            }
            continue;
        };
        if !may_use(&coupon, holder) {
            tracing::warn!(channel, reference, "personal coupon refused: not its holder's basket");
            out.refuse(code, CouponRefusal::NotHolder);
            continue;
        }
        let r = Redemption {
            code: code.to_string(),
            channel: channel.to_string(),
            reference: reference.to_string(),
            store: store.map(String::from),
            used_at,
            recorded_at: hq.now(),
        };
        match hq.storage.redeem(&r)? {
            Redeem::Recorded | Redeem::AlreadyThis => {
                tracing::info!(channel, reference, "coupon redeemed");
                out.accept(code, Some(coupon_promo(&coupon)));
            }
            Redeem::UsedElsewhere(old) => out.refuse(
                code,
                CouponRefusal::UsedElsewhere {
                    channel: old.channel,
                    used_at: old.used_at,
                },
            ),
            Redeem::Expired(at) => out.refuse(code, CouponRefusal::Expired(at)),
            Redeem::Unknown => out.refuse(code, CouponRefusal::Unknown),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_the_same_as_before_in_french_and_english_and_in_german_too() {
        let used = CouponRefusal::UsedElsewhere {
            channel: "kiosk".into(),
            used_at: 1_795_000_000,
        };
        assert_eq!(
            used.outcome("C1").reason.as_deref(),
            Some(
                "This coupon was already used on 2026-11-18 at an in-store kiosk: it can be used only once. / \
                 Ce bon de réduction a déjà été utilisé le 2026-11-18 à une borne en magasin : il ne sert qu'une fois."
            )
        );
        assert_eq!(
            used.clause().render(Lang::FR),
            "ce bon de réduction a déjà été utilisé le 2026-11-18 à une borne en magasin : il ne sert qu'une fois"
        );
        assert_eq!(
            used.text().render(Lang::DE),
            "Dieser Gutschein wurde bereits am 18.11.2026 an einem Terminal im Geschäft eingelöst: Er gilt nur einmal."
        );
        assert_eq!(
            CouponRefusal::Unknown.outcome("X").reason.as_deref(),
            Some("unknown coupon code / code de réduction inconnu")
        );
        assert_eq!(
            CouponRefusal::Expired(1_795_000_000).outcome("X").reason.as_deref(),
            Some("this coupon expired on 2026-11-18 / ce bon a expiré le 2026-11-18")
        );
        assert_eq!(
            CouponRefusal::DoesNotApply.outcome("X").reason.as_deref(),
            Some(
                "this coupon does not apply to this basket (minimum spend, products or dates): it was not used and stays valid \
                 / ce bon ne s'applique pas à ce panier (montant minimum, produits ou dates) : il n'a pas été utilisé et reste valable"
            )
        );
    }
}
