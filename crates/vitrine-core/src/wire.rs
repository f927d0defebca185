//! The kiosk ↔ HQ protocol (`/v1`): every type that crosses the wire, used by
//! the kiosk's client and HQ's router alike so the two cannot drift. The
//! OpenAPI description is `crates/vitrine-hq/openapi.json`; HQ's tests check
//! the server against it.
//!
//! # Identifiers
//! Handoffs and orders carry a UUIDv7 made by the kiosk when the shopper
//! taps; HQ deduplicates on it (same id and same content: the same answer;
//! same id and other content: refused). An order's short number
//! ([`order_number`]) is derived from its id, so the kiosk can print it while
//! offline and HQ finds the same one.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use thiserror::Error;
use uuid::Uuid;

use crate::catalog::Change;
use crate::gtin::Gtin;
use crate::label::LabelMeasure;
use crate::lang::Lang;
use crate::money::Money;
use crate::product::{StockLevel, UnixTime};
use crate::sign::{PublicKey, SecretKey, SignError, handoff_message, sha256_hex, update_message};

pub mod customers;
pub mod fleet;
pub mod settings;

/// The API's path prefix.
pub const API_PREFIX: &str = "/v1";

/// The SSE event name announcing a new catalog version.
pub const EVENT_VERSION: &str = "version";

/// The SSE event name announcing new remote settings (its data a
/// [`VersionEvent`] with the settings version).
pub const EVENT_SETTINGS: &str = "settings";

/// An error answer: a machine code, a sentence a person can act on, and
/// whether trying again later may work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
    pub retryable: bool,
}

/// Error codes HQ answers with.
pub mod codes {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const REVOKED: &str = "device_revoked";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const CONFLICT: &str = "id_reused_with_other_content";
    /// A basket already sent to (claimed by) another contact.
    pub const ALREADY_CLAIMED: &str = "already_claimed";
    pub const TOO_LARGE: &str = "body_too_large";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const BAD_SIGNATURE: &str = "bad_signature";
    pub const INTERNAL: &str = "internal";
    pub const UNAVAILABLE: &str = "unavailable";
    /// An email or phone identifies a shopper only with a one-time code
    /// (`/v1/customers/challenge`).
    pub const PROOF_REQUIRED: &str = "proof_required";
    /// A wrong one-time code; the message says how many tries are left.
    pub const WRONG_CODE: &str = "wrong_code";
    /// The one-time code expired, was used, or had too many wrong tries.
    pub const CODE_CLOSED: &str = "code_closed";
}

// ---------------------------------------------------------------- enrollment

/// `POST /v1/enroll`: a one-time code from `vitrine-hq device add` for a
/// device token. The kiosk sends the public half of the key it signs handoff
/// baskets with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub device_public_key: String,
    #[serde(default)]
    pub device_name: Option<String>,
}

/// Characters of an enrollment code's secret part (80 bits of randomness:
/// at HQ's enrollment rate limit, guessing one takes longer than the age
/// of the universe).
pub const ENROLL_SECRET_CHARS: usize = 16;

/// A typed enrollment code as HQ and the kiosk read it: letters and digits
/// only, upper case, the look-alikes `I`, `L` and `O` read as `1`, `1`, `0`
/// (the code is Crockford base32).
pub fn normalise_enrollment_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

/// The parts of an enrollment code: its secret (what HQ checks) and the
/// fingerprint of HQ's key it carries (what the kiosk checks), or None when
/// it carries none (a code from an HQ older than issue 14).
pub fn split_enrollment_code(code: &str) -> (String, Option<String>) {
    let n = normalise_enrollment_code(code);
    if n.len() == ENROLL_SECRET_CHARS + crate::sign::FINGERPRINT_CHARS {
        let (secret, fp) = n.split_at(ENROLL_SECRET_CHARS);
        (secret.to_string(), Some(fp.to_string()))
    } else {
        (n, None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: String,
    pub store: String,
    /// The bearer token for every later call. Shown once.
    pub token: String,
    /// HQ's key that signs catalog updates.
    pub hq_public_key: String,
    /// Where phones open handoff links (`{public_base_url}/h/{id}`).
    pub public_base_url: String,
    pub catalog_version: u64,
}

// ------------------------------------------------------------------- catalog

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateKind {
    /// The whole catalog of a store.
    Snapshot,
    /// The changes from one version to another.
    Delta,
}

impl UpdateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateKind::Snapshot => "snapshot",
            UpdateKind::Delta => "delta",
        }
    }
}

/// A signed catalog update. `changes` is kept as the exact JSON text HQ
/// hashed, so the kiosk checks the very bytes that were signed before it
/// parses them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedUpdate {
    pub kind: UpdateKind,
    pub store: String,
    pub from_version: u64,
    pub to_version: u64,
    /// Hex SHA-256 of `changes` as sent.
    pub content_sha256: String,
    /// Unix seconds after which the kiosk refuses this update (signed): a
    /// captured update cannot be replayed for ever.
    pub expires_at: UnixTime,
    /// HQ's ed25519 signature over [`update_message`] (with a
    /// `demo-prices` line when [`SignedUpdate::demo_prices`]).
    pub signature: String,
    /// The prices and stock are generated demo values (HQ imported its
    /// referential with `--demo-prices`): the kiosk keeps saying they are
    /// not real prices. Covered by the signature.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo_prices: bool,
    pub changes: Box<RawValue>,
}

/// What the kiosk expects of an update before it applies it.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The store the kiosk was enrolled for.
    pub store: &'a str,
    /// The kiosk's catalog version.
    pub current_version: u64,
    /// True until the kiosk has taken a first snapshot from this HQ (its
    /// catalog may be the demo data, whose versions mean nothing to HQ).
    pub first_sync: bool,
    /// The kiosk's clock: an update whose `expires_at` is before it is refused.
    pub now: UnixTime,
}

/// Why the kiosk refused an update. The catalog is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpdateRejected {
    #[error("catalog update refused: its signature is not HQ's ({0})")]
    Signature(SignError),
    #[error("catalog update refused: its content does not match its signed hash (damaged or tampered)")]
    HashMismatch,
    #[error("catalog update refused: it is for store {found}, this kiosk is enrolled for {expected}")]
    OtherStore { expected: String, found: String },
    #[error(
        "catalog update refused: version {version} is not above this kiosk's version {current} (replayed or stale)"
    )]
    NotNewer { version: u64, current: u64 },
    #[error(
        "catalog update refused: it starts from version {from}, this kiosk is at {current} (replayed or out of order)"
    )]
    WrongBase { from: u64, current: u64 },
    #[error(
        "catalog update refused: it expired at {expires_at} (Unix time), the kiosk's clock says {now} (replayed, or check the kiosk's clock)"
    )]
    Expired { expires_at: UnixTime, now: UnixTime },
    #[error("catalog update refused: unreadable content ({0})")]
    Malformed(String),
}

impl SignedUpdate {
    /// Builds and signs an update (HQ side).
    pub fn sign(
        kind: UpdateKind,
        store: &str,
        from_version: u64,
        to_version: u64,
        expires_at: UnixTime,
        changes: &[Change],
        key: &SecretKey,
    ) -> Result<SignedUpdate, serde_json::Error> {
        let text = serde_json::to_string(changes)?;
        Self::sign_raw(kind, store, from_version, to_version, expires_at, text, key)
    }

    /// Signs an update whose `changes` JSON array is already serialised.
    pub fn sign_raw(
        kind: UpdateKind,
        store: &str,
        from_version: u64,
        to_version: u64,
        expires_at: UnixTime,
        changes_json: String,
        key: &SecretKey,
    ) -> Result<SignedUpdate, serde_json::Error> {
        // What the kiosk hashes is the `changes` value as its JSON parser
        // captures it, without the whitespace around it: sign exactly that
        // (found by the `catalog_update` fuzz target: a trailing newline
        // made every genuine update fail its hash check).
        let trimmed = changes_json.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let changes_json = if trimmed.len() == changes_json.len() {
            changes_json
        } else {
            trimmed.to_string()
        };
        let content_sha256 = sha256_hex(changes_json.as_bytes());
        let signature = key.sign(&update_message(
            kind.as_str(),
            store,
            from_version,
            to_version,
            &content_sha256,
            expires_at,
        ));
        Ok(SignedUpdate {
            kind,
            store: store.to_string(),
            from_version,
            to_version,
            content_sha256,
            expires_at,
            signature,
            demo_prices: false,
            changes: RawValue::from_string(changes_json)?,
        })
    }

    /// Marks the update's prices as generated demo values, and signs again.
    pub fn with_demo_prices(mut self, key: &SecretKey) -> SignedUpdate {
        self.demo_prices = true;
        self.signature = key.sign(&self.message());
        self
    }

    /// The bytes HQ signs.
    fn message(&self) -> Vec<u8> {
        let mut m = update_message(
            self.kind.as_str(),
            &self.store,
            self.from_version,
            self.to_version,
            &self.content_sha256,
            self.expires_at,
        );
        if self.demo_prices {
            m.extend_from_slice(b"\ndemo-prices");
        }
        m
    }

    /// Checks the signature, the content hash, the store and the versions,
    /// then parses the changes (kiosk side).
    pub fn verify(&self, hq: &PublicKey, expect: &Expect<'_>) -> Result<Vec<Change>, UpdateRejected> {
        hq.verify(&self.message(), &self.signature)
            .map_err(UpdateRejected::Signature)?;
        if sha256_hex(self.changes.get().as_bytes()) != self.content_sha256 {
            return Err(UpdateRejected::HashMismatch);
        }
        if self.store != expect.store {
            return Err(UpdateRejected::OtherStore {
                expected: expect.store.to_string(),
                found: self.store.clone(),
            });
        }
        if expect.now > self.expires_at {
            return Err(UpdateRejected::Expired {
                expires_at: self.expires_at,
                now: expect.now,
            });
        }
        let version_ok = self.to_version > expect.current_version
            || (self.kind == UpdateKind::Snapshot && expect.first_sync && self.to_version > 0);
        if !version_ok {
            return Err(UpdateRejected::NotNewer {
                version: self.to_version,
                current: expect.current_version,
            });
        }
        if self.kind == UpdateKind::Delta && (self.from_version != expect.current_version || expect.first_sync) {
            return Err(UpdateRejected::WrongBase {
                from: self.from_version,
                current: expect.current_version,
            });
        }
        serde_json::from_str(self.changes.get()).map_err(|e| UpdateRejected::Malformed(e.to_string()))
    }
}

/// `GET /v1/catalog/changes?since=V`.
///
/// Deserialised through a plain struct (not serde's internally tagged
/// enums, which buffer their content and so cannot keep the signed
/// `changes` text byte for byte).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChangesAnswer {
    /// Nothing newer than `since`.
    UpToDate { version: u64 },
    /// The changes from `since` to the current version.
    Delta { update: SignedUpdate },
    /// HQ no longer has the changes since that version (or never had that
    /// version): fetch `GET /v1/catalog/snapshot`.
    SnapshotRequired { version: u64, reason: String },
}

#[derive(Deserialize)]
struct ChangesAnswerFields {
    status: String,
    #[serde(default)]
    version: Option<u64>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    update: Option<SignedUpdate>,
}

impl<'de> Deserialize<'de> for ChangesAnswer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let f = ChangesAnswerFields::deserialize(d)?;
        let version = || f.version.ok_or_else(|| D::Error::missing_field("version"));
        match f.status.as_str() {
            "up_to_date" => Ok(ChangesAnswer::UpToDate { version: version()? }),
            "delta" => Ok(ChangesAnswer::Delta {
                update: f.update.ok_or_else(|| D::Error::missing_field("update"))?,
            }),
            "snapshot_required" => Ok(ChangesAnswer::SnapshotRequired {
                version: version()?,
                reason: f.reason.unwrap_or_default(),
            }),
            other => Err(D::Error::unknown_variant(
                other,
                &["up_to_date", "delta", "snapshot_required"],
            )),
        }
    }
}

/// The data of an SSE `version` event (its `id` is the version too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionEvent {
    pub version: u64,
}

// ------------------------------------------------------------------ handoffs

/// A basket line as it crosses the wire: the product, how many, and for a
/// weighed or label-priced pack what its label says (the kiosk signs it
/// with the basket; HQ prices the pack from it with
/// [`crate::label::pack_price`], as the kiosk did). Such a line has
/// quantity 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffLine {
    pub gtin: Gtin,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<LabelMeasure>,
}

impl HandoffLine {
    /// `quantity` units of `gtin`, priced at the catalog's unit price.
    pub fn new(gtin: Gtin, quantity: u32) -> HandoffLine {
        HandoffLine {
            gtin,
            quantity,
            measure: None,
        }
    }
}

/// A line's measure in the compact basket: `p{minor}{CUR}~` (an in-store
/// label's price), `w~{grams}` (its weight), `g{price}~{grams}` (a GS1
/// label's price and/or weight, either part empty when absent). Only
/// characters a URL fragment allows unescaped.
fn measure_token(m: &LabelMeasure) -> String {
    let price = |p: Option<Money>| {
        p.map(|p| format!("{}{}", p.amount_minor, p.currency.code()))
            .unwrap_or_default()
    };
    let grams = |g: Option<u32>| g.map(|g| g.to_string()).unwrap_or_default();
    match *m {
        LabelMeasure::PackPrice { price: p } => format!("p{}~", price(Some(p))),
        LabelMeasure::PackWeight { grams: g } => format!("w~{}", grams(Some(g))),
        LabelMeasure::Gs1 { price: p, net_weight_g } => format!("g{}~{}", price(p), grams(net_weight_g)),
    }
}

fn parse_measure_token(t: &str) -> Option<LabelMeasure> {
    let kind = t.chars().next()?;
    let (price, grams) = t[1..].split_once('~')?;
    let price = match price {
        "" => None,
        p => {
            let split = p.find(|c: char| c.is_ascii_alphabetic())?;
            let (minor, code) = p.split_at(split);
            if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                return None;
            }
            Some(Money::new(minor.parse().ok()?, crate::Currency::from_code(code).ok()?))
        }
    };
    let grams = match grams {
        "" => None,
        g if g.bytes().all(|b| b.is_ascii_digit()) => Some(g.parse().ok()?),
        _ => return None,
    };
    match (kind, price, grams) {
        ('p', Some(price), None) => Some(LabelMeasure::PackPrice { price }),
        ('w', None, Some(grams)) => Some(LabelMeasure::PackWeight { grams }),
        ('g', price, net_weight_g) if price.is_some() || net_weight_g.is_some() => {
            Some(LabelMeasure::Gs1 { price, net_weight_g })
        }
        _ => None,
    }
}

/// A measured line is one pack; its label's amounts are not negative.
fn measured_line_ok(l: &HandoffLine) -> bool {
    match l.measure {
        None => true,
        Some(m) => l.quantity == 1 && m.price().is_none_or(|p| p.amount_minor >= 0),
    }
}

/// Most lines and units in one basket (keeps QR codes scannable and bodies small).
pub const MAX_LINES: usize = 60;
pub const MAX_QUANTITY: u32 = 99;

/// A basket handed from a kiosk to a phone. Its compact, signed text goes in
/// the QR code's URL fragment, so the phone page can submit it to HQ when the
/// kiosk could not (offline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffBasket {
    pub id: Uuid,
    pub device_id: String,
    pub store: String,
    pub created_at: UnixTime,
    pub lines: Vec<HandoffLine>,
}

/// Why a compact basket was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompactError {
    #[error("the basket link is damaged or incomplete ({0}); scan the QR code again")]
    Malformed(String),
    #[error("the basket link was not signed by a Vitrine kiosk ({0})")]
    Signature(SignError),
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl HandoffBasket {
    /// The signed text: `1.{id}.{device}.{store}.{created}.{gtin14*qty,...}`,
    /// a weighed or label-priced line as `gtin14*1*{measure}` (see
    /// `measure_token`).
    /// Only characters allowed in a URL fragment without escaping.
    pub fn payload(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| match &l.measure {
                None => format!("{}*{}", l.gtin.as_gtin14(), l.quantity),
                Some(m) => format!("{}*{}*{}", l.gtin.as_gtin14(), l.quantity, measure_token(m)),
            })
            .collect();
        format!(
            "1.{}.{}.{}.{}.{}",
            self.id,
            self.device_id,
            self.store,
            self.created_at,
            lines.join(",")
        )
    }

    /// Checks the basket is one HQ can accept (ids, line count, quantities).
    pub fn validate(&self) -> Result<(), CompactError> {
        let bad = |m: &str| Err(CompactError::Malformed(m.to_string()));
        if self.device_id.is_empty() || !self.device_id.chars().all(is_token_char) {
            return bad("device id");
        }
        if self.store.is_empty() || !self.store.chars().all(is_token_char) {
            return bad("store id");
        }
        if self.lines.is_empty() {
            return bad("the basket is empty");
        }
        if self.lines.len() > MAX_LINES {
            return bad("too many lines");
        }
        if self.lines.iter().any(|l| l.quantity == 0 || l.quantity > MAX_QUANTITY) {
            return bad("a quantity is out of range");
        }
        if !self.lines.iter().all(measured_line_ok) {
            return bad("a weighed or label-priced line is one pack");
        }
        Ok(())
    }

    /// The compact text with the device's signature appended.
    pub fn to_compact(&self, device_key: &SecretKey) -> String {
        let payload = self.payload();
        let sig = device_key.sign(&handoff_message(&payload));
        format!("{payload}.{sig}")
    }

    /// Parses a compact basket without checking its signature; returns the
    /// basket, the signed payload and the signature.
    pub fn parse_compact(text: &str) -> Result<(HandoffBasket, String, String), CompactError> {
        let bad = |m: &str| CompactError::Malformed(m.to_string());
        let text = text.trim().trim_start_matches('#');
        let (payload, sig) = text.rsplit_once('.').ok_or_else(|| bad("no signature"))?;
        let parts: Vec<&str> = payload.split('.').collect();
        let [ver, id, device, store, created, lines] = parts.as_slice() else {
            return Err(bad("wrong number of fields"));
        };
        if *ver != "1" {
            return Err(bad("unknown format version"));
        }
        let id = Uuid::parse_str(id).map_err(|_| bad("basket id"))?;
        let created_at: UnixTime = created.parse().map_err(|_| bad("date"))?;
        let mut out = Vec::new();
        for l in lines.split(',').filter(|l| !l.is_empty()) {
            let mut fields = l.split('*');
            let (Some(g), Some(q)) = (fields.next(), fields.next()) else {
                return Err(bad("line"));
            };
            let gtin = Gtin::from_gtin14(g).map_err(|_| bad("product code"))?;
            let quantity: u32 = q.parse().map_err(|_| bad("quantity"))?;
            let measure = match fields.next() {
                None => None,
                Some(m) => Some(parse_measure_token(m).ok_or_else(|| bad("label measure"))?),
            };
            if fields.next().is_some() {
                return Err(bad("line"));
            }
            out.push(HandoffLine {
                gtin,
                quantity,
                measure,
            });
        }
        let basket = HandoffBasket {
            id,
            device_id: device.to_string(),
            store: store.to_string(),
            created_at,
            lines: out,
        };
        basket.validate()?;
        if basket.payload() != payload {
            return Err(bad("not in canonical form"));
        }
        Ok((basket, payload.to_string(), sig.to_string()))
    }

    /// Parses and checks the device's signature.
    pub fn verify_compact(text: &str, device_key: &PublicKey) -> Result<HandoffBasket, CompactError> {
        let (basket, payload, sig) = Self::parse_compact(text)?;
        device_key
            .verify(&handoff_message(&payload), &sig)
            .map_err(CompactError::Signature)?;
        Ok(basket)
    }
}

/// The link the kiosk's QR code encodes: `{base}/h/{id}#{compact}`.
pub fn handoff_url(public_base_url: &str, id: &Uuid, compact: &str) -> String {
    format!("{}/h/{id}#{compact}", public_base_url.trim_end_matches('/'))
}

/// Contact details a shopper gives for a confirmation. Never logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none()
    }

    /// Checks the shape of the email and phone number; the message says what
    /// to fix (in English and French, it may reach a shopper).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(e) = &self.email
            && !valid_email(e)
        {
            return Err("the email address is not valid / l'adresse e-mail n'est pas valide".into());
        }
        if let Some(p) = &self.phone
            && !valid_phone(p)
        {
            return Err(
                "the phone number is not valid (digits, optionally starting with +) / le numéro de téléphone n'est pas valide"
                    .into(),
            );
        }
        Ok(())
    }
}

/// A plausible email: one `@`, something before, a dot after, no spaces.
pub fn valid_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && s.len() <= 254
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The longest name an order is collected under.
pub const MAX_NAME_CHARS: usize = 100;

/// A name a person gives (an order's collection name, a customer's first
/// name): 1 to [`MAX_NAME_CHARS`] characters of letters, digits, spaces,
/// hyphens, apostrophes and full stops, no full stop inside a word. It goes
/// into the retailer's emails and text messages and onto the staff page:
/// no control character (a newline, NUL or escape cannot start a line of
/// the retailer's text), and nothing a mail reader turns into a link (no
/// `:`, `/`, `@`, no `example.com`).
pub fn valid_name(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return false;
    }
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.');
    let chars: Vec<char> = s.chars().collect();
    chars.iter().all(|c| ok_char(*c)) && !chars.windows(2).any(|w| w[0] == '.' && w[1].is_alphanumeric())
}

/// A plausible phone number: 6 to 15 digits, optionally a leading `+`,
/// spaces, dots and dashes between.
pub fn valid_phone(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits) && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'))
}

/// `POST /v1/handoffs` (kiosk) and `POST /h/{id}/submit` (phone page).
/// The handoff's identity is its signed basket: contact details are merged,
/// not compared, so the kiosk's copy and the phone's copy are one handoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffSubmit {
    /// The compact basket signed by the device ([`HandoffBasket::to_compact`]).
    pub compact: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// The customer the kiosk believes it identified: informational, HQ
    /// never prices for it (at most [`crate::loyalty::MAX_CUSTOMER_ID_LEN`]
    /// characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// What vouches for the customer: the identification HQ issued to this
    /// kiosk (`VTI1.…`), the loyalty token HQ signed (`VTL1.…`) or the
    /// loyalty card number presented offline. Without it (or if HQ does not
    /// accept it) the basket is anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
}

/// `POST /v1/handoffs/{id}/send`: the kiosk asks HQ to send the link of a
/// basket it handed off to the shopper's phone or email, typed on the
/// kiosk (a shopper who cannot aim a phone at a QR code). HQ treats it as
/// the shopper's claim of the basket: sent once, to that contact only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffSend {
    /// The handoff, as in the path (the kiosk's outbox keeps the body
    /// whole, so it names the handoff itself).
    pub handoff: Uuid,
    pub contact: Contact,
    /// Language of the email or text message.
    pub lang: Lang,
}

impl HandoffSend {
    /// A contact to send to, well formed.
    pub fn validate(&self) -> Result<(), String> {
        if self.contact.is_empty() {
            return Err(
                "an email address or a phone number is needed / il faut une adresse e-mail ou un numéro de téléphone"
                    .into(),
            );
        }
        self.contact.validate()
    }
}

/// HQ's answer to [`HandoffSend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffSendReply {
    pub status: HandoffSent,
}

/// What became of a [`HandoffSend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffSent {
    /// The link is on its way.
    Sent,
    /// It was sent to this contact before (a repeated request): nothing
    /// more is sent.
    AlreadySent,
}

/// HQ's answer to a handoff. Depends only on the stored handoff, so a
/// repeated request gets the very same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffReceipt {
    pub id: Uuid,
    /// The phone page (without the fragment).
    pub url: String,
    pub store: String,
    /// Units in the basket.
    pub items: u32,
    /// When HQ first received it.
    pub received_at: UnixTime,
}

// -------------------------------------------------------------------- orders

/// Where a click&collect order stands. The one rule of how it moves is
/// [`OrderStatus::may_become`]: HQ refuses any other change, whoever asks,
/// and the staff desk offers only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Received,
    Preparing,
    Ready,
    Collected,
    /// Given up (with a [`CancelReason`] the shopper is told).
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::Received,
        OrderStatus::Preparing,
        OrderStatus::Ready,
        OrderStatus::Collected,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Received => "received",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Ready => "ready",
            OrderStatus::Collected => "collected",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The statuses an order in this one may move to, the next step of the
    /// counter's work first: received → preparing → ready → collected, and
    /// cancelled from any status before collected. Collected and cancelled
    /// are final (a handed-over order cannot be taken back here: that is a
    /// return, the till's business).
    pub fn next(self) -> &'static [OrderStatus] {
        match self {
            OrderStatus::Received => &[OrderStatus::Preparing, OrderStatus::Cancelled],
            OrderStatus::Preparing => &[OrderStatus::Ready, OrderStatus::Cancelled],
            OrderStatus::Ready => &[OrderStatus::Collected, OrderStatus::Cancelled],
            OrderStatus::Collected | OrderStatus::Cancelled => &[],
        }
    }

    /// Whether an order in this status may move to `to`.
    pub fn may_become(self, to: OrderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether the order still needs the store's work (not collected, not
    /// cancelled).
    pub fn is_open(self) -> bool {
        !self.next().is_empty()
    }
}

/// Why a store cancels an order: a reason the shopper is told in their own
/// language (so a kind, not a sentence typed by the staff in theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// A product is missing or damaged.
    OutOfStock,
    /// Not collected within the time the store keeps orders.
    NotCollected,
    /// The shopper asked for it.
    CustomerRequest,
    /// The store cannot prepare it (closed, incident).
    StoreUnavailable,
}

impl CancelReason {
    pub const ALL: [CancelReason; 4] = [
        CancelReason::OutOfStock,
        CancelReason::NotCollected,
        CancelReason::CustomerRequest,
        CancelReason::StoreUnavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::OutOfStock => "out_of_stock",
            CancelReason::NotCollected => "not_collected",
            CancelReason::CustomerRequest => "customer_request",
            CancelReason::StoreUnavailable => "store_unavailable",
        }
    }

    pub fn parse(s: &str) -> Option<CancelReason> {
        CancelReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who collects a click&collect order. Never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCustomer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The customer the kiosk believes it identified: informational, HQ
    /// prices for the one [`OrderRequest::identification`] vouches for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

/// `POST /v1/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// UUIDv7 made by the kiosk.
    pub id: Uuid,
    pub store: String,
    pub created_at: UnixTime,
    pub lines: Vec<HandoffLine>,
    pub customer: OrderCustomer,
    /// The language of the confirmation messages.
    #[serde(default)]
    pub lang: Lang,
    /// Coupon codes the kiosk applied (scanned, or the identified
    /// customer's): HQ records their one use, or refuses one already used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupons: Vec<String>,
    /// What vouches for the customer (see [`HandoffSubmit::identification`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
}

/// The longest identification text accepted (a token's worth).
pub const MAX_IDENTIFICATION_LEN: usize = crate::loyalty::MAX_TOKEN_LEN;

/// Checks the informational customer id and the identification's size.
pub fn check_customer_fields(customer_id: Option<&str>, identification: Option<&str>) -> Result<(), String> {
    if customer_id.is_some_and(|id| !crate::loyalty::valid_customer_id(id)) {
        return Err(format!(
            "customer_id: at most {} letters, digits, '-' or '_'",
            crate::loyalty::MAX_CUSTOMER_ID_LEN
        ));
    }
    if identification.is_some_and(|t| t.len() > MAX_IDENTIFICATION_LEN) {
        return Err(format!("identification: at most {MAX_IDENTIFICATION_LEN} characters"));
    }
    Ok(())
}

impl OrderRequest {
    pub fn validate(&self) -> Result<(), String> {
        check_customer_fields(self.customer.customer_id.as_deref(), self.identification.as_deref())?;
        if self.lines.is_empty() {
            return Err("the order has no line".into());
        }
        if self.lines.len() > MAX_LINES {
            return Err(format!("the order has more than {MAX_LINES} lines"));
        }
        if self.lines.iter().any(|l| l.quantity == 0 || l.quantity > MAX_QUANTITY) {
            return Err(format!("each quantity must be 1 to {MAX_QUANTITY}"));
        }
        if !self.lines.iter().all(measured_line_ok) {
            return Err("a weighed or label-priced line is one pack (quantity 1)".into());
        }
        if !valid_name(&self.customer.name) {
            return Err(format!(
                "the customer's name is required: 1 to {MAX_NAME_CHARS} letters, digits, spaces, hyphens, apostrophes or full stops"
            ));
        }
        let contact = Contact {
            email: self.customer.email.clone(),
            phone: self.customer.phone.clone(),
        };
        if contact.is_empty() {
            return Err("an email or a phone number is required for the confirmation".into());
        }
        contact.validate()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReceipt {
    pub id: Uuid,
    pub number: String,
    pub store: String,
    pub status: OrderStatus,
    pub total: Money,
    pub created_at: UnixTime,
    /// What HQ did with each coupon of the order (a refused one is not in
    /// the total).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupons: Vec<customers::CouponOutcome>,
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The short number a shopper reads out at the counter (`7KM-2QX`): 30 bits
/// of the id's random part in Crockford base32. Unique enough per store and
/// day; the id stays the key.
pub fn order_number(id: &Uuid) -> String {
    let b = id.as_bytes();
    let v = u32::from_be_bytes([b[12], b[13], b[14], b[15]]) & 0x3FFF_FFFF;
    let mut s = String::with_capacity(7);
    for i in (0..6).rev() {
        s.push(CROCKFORD[((v >> (i * 5)) & 31) as usize] as char);
        if i == 3 {
            s.push('-');
        }
    }
    s
}

// -------------------------------------------------------------- availability

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStock {
    pub store: String,
    pub name: String,
    #[serde(default)]
    pub city: Option<String>,
    pub quantity: i64,
    pub level: StockLevel,
    pub updated_at: UnixTime,
}

/// `GET /v1/availability/{gtin}`: live stock in every store and online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub gtin: Gtin,
    /// Every store with a stock record, most units first.
    pub stores: Vec<StoreStock>,
    pub online: Option<StoreStock>,
    /// HQ's clock when it answered.
    pub as_of: UnixTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::PriceEntry;

    fn key() -> SecretKey {
        SecretKey::from_seed([3; 32])
    }

    fn gtin(s: &str) -> Gtin {
        Gtin::from_digits(s).unwrap()
    }

    fn price_change(minor: i64) -> Change {
        Change::SetPrice(PriceEntry {
            gtin: gtin("5449000039231"),
            store: None,
            price: Money::eur(minor),
        })
    }

    #[test]
    fn signed_update_verifies_and_rejects() {
        let k = key();
        let pk = k.public();
        let u = SignedUpdate::sign(UpdateKind::Delta, "paris-01", 4, 5, 1000, &[price_change(199)], &k).unwrap();
        // Through JSON, as on the wire.
        let u: SignedUpdate = serde_json::from_str(&serde_json::to_string(&u).unwrap()).unwrap();
        let ok = Expect {
            store: "paris-01",
            current_version: 4,
            first_sync: false,
            now: 999,
        };
        assert_eq!(u.verify(&pk, &ok).unwrap(), vec![price_change(199)]);

        let other_store = Expect { store: "lyon-02", ..ok };
        assert!(matches!(
            u.verify(&pk, &other_store),
            Err(UpdateRejected::OtherStore { .. })
        ));
        let already = Expect {
            current_version: 5,
            ..ok
        };
        assert!(matches!(u.verify(&pk, &already), Err(UpdateRejected::NotNewer { .. })));
        let older_base = Expect {
            current_version: 3,
            ..ok
        };
        assert!(matches!(
            u.verify(&pk, &older_base),
            Err(UpdateRejected::WrongBase { .. })
        ));
        assert!(matches!(
            u.verify(&SecretKey::from_seed([9; 32]).public(), &ok),
            Err(UpdateRejected::Signature(_))
        ));

        // Tampered content: another price under the same signature.
        let mut t = u.clone();
        t.changes = RawValue::from_string(serde_json::to_string(&[price_change(1)]).unwrap()).unwrap();
        assert_eq!(t.verify(&pk, &ok), Err(UpdateRejected::HashMismatch));
        // Tampered header.
        let mut t = u.clone();
        t.to_version = 6;
        assert!(matches!(t.verify(&pk, &ok), Err(UpdateRejected::Signature(_))));
        // Expired: refused once the kiosk's clock is past it, and pushing
        // the expiry further breaks the signature.
        let late = Expect { now: 1001, ..ok };
        assert_eq!(
            u.verify(&pk, &late),
            Err(UpdateRejected::Expired {
                expires_at: 1000,
                now: 1001
            })
        );
        let mut t = u.clone();
        t.expires_at = 5000;
        assert!(matches!(t.verify(&pk, &late), Err(UpdateRejected::Signature(_))));

        // Demo prices: said and signed; the flag cannot be flipped on the
        // way (either way).
        let d = u.clone().with_demo_prices(&k);
        let text = serde_json::to_string(&d).unwrap();
        assert!(text.contains("\"demo_prices\":true"), "{text}");
        let d: SignedUpdate = serde_json::from_str(&text).unwrap();
        assert!(d.demo_prices);
        assert_eq!(d.verify(&pk, &ok).unwrap(), vec![price_change(199)]);
        let mut t = d.clone();
        t.demo_prices = false;
        assert!(matches!(t.verify(&pk, &ok), Err(UpdateRejected::Signature(_))));
        let mut t = u.clone();
        t.demo_prices = true;
        assert!(matches!(t.verify(&pk, &ok), Err(UpdateRejected::Signature(_))));
        assert!(!serde_json::to_string(&u).unwrap().contains("demo_prices"));
    }

    #[test]
    fn changes_answer_keeps_the_signed_bytes_through_json() {
        let k = key();
        let u = SignedUpdate::sign(UpdateKind::Delta, "paris-01", 1, 2, 1000, &[price_change(5)], &k).unwrap();
        let a = ChangesAnswer::Delta { update: u };
        let back: ChangesAnswer = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        let ChangesAnswer::Delta { update } = back else {
            panic!()
        };
        let ok = Expect {
            store: "paris-01",
            current_version: 1,
            first_sync: false,
            now: 999,
        };
        assert_eq!(update.verify(&k.public(), &ok).unwrap(), vec![price_change(5)]);
        let up: ChangesAnswer = serde_json::from_str(r#"{"status":"up_to_date","version":3}"#).unwrap();
        assert!(matches!(up, ChangesAnswer::UpToDate { version: 3 }));
        assert!(serde_json::from_str::<ChangesAnswer>(r#"{"status":"nope"}"#).is_err());
    }

    #[test]
    fn changes_with_surrounding_whitespace_still_verify_after_the_wire() {
        let k = key();
        let text = format!(" \n{}\r\n", serde_json::to_string(&[price_change(5)]).unwrap());
        let u = SignedUpdate::sign_raw(UpdateKind::Delta, "paris-01", 1, 2, 1000, text, &k).unwrap();
        let wire = serde_json::to_string(&u).unwrap();
        let back: SignedUpdate = serde_json::from_str(&wire).unwrap();
        let ok = Expect {
            store: "paris-01",
            current_version: 1,
            first_sync: false,
            now: 999,
        };
        assert_eq!(back.verify(&k.public(), &ok).unwrap(), vec![price_change(5)]);
    }

    #[test]
    fn first_snapshot_may_have_any_version() {
        let k = key();
        let s = SignedUpdate::sign(UpdateKind::Snapshot, "paris-01", 0, 2, 1000, &[], &k).unwrap();
        let first = Expect {
            store: "paris-01",
            current_version: 7,
            first_sync: true,
            now: 1000,
        };
        assert!(s.verify(&k.public(), &first).is_ok());
        let later = Expect {
            first_sync: false,
            ..first
        };
        assert!(matches!(
            s.verify(&k.public(), &later),
            Err(UpdateRejected::NotNewer { .. })
        ));
    }

    #[test]
    fn a_measured_line_travels_signed_with_its_label() {
        let comte = gtin("2500100000002");
        let lines = vec![
            HandoffLine {
                gtin: comte,
                quantity: 1,
                measure: Some(LabelMeasure::PackWeight { grams: 7500 }),
            },
            HandoffLine {
                gtin: comte,
                quantity: 1,
                measure: Some(LabelMeasure::Gs1 {
                    price: Some(Money::eur(1999)),
                    net_weight_g: Some(1500),
                }),
            },
            HandoffLine {
                gtin: gtin("2103000012344"),
                quantity: 1,
                measure: Some(LabelMeasure::PackPrice {
                    price: Money::eur(1234),
                }),
            },
            HandoffLine {
                gtin: comte,
                quantity: 1,
                measure: Some(LabelMeasure::Gs1 {
                    price: None,
                    net_weight_g: Some(200),
                }),
            },
            HandoffLine::new(gtin("5449000039231"), 2),
        ];
        let b = HandoffBasket {
            id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            device_id: "dev-1".into(),
            store: "paris-01".into(),
            created_at: 1_700_000_000,
            lines,
        };
        let k = key();
        let compact = b.to_compact(&k);
        assert!(
            compact.contains("*1*w~7500") && compact.contains("*1*g1999EUR~1500"),
            "{compact}"
        );
        assert!(
            compact
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.*,~".contains(c)),
            "{compact}"
        );
        assert_eq!(HandoffBasket::verify_compact(&compact, &k.public()).unwrap(), b);
        // A changed weight is a forged basket.
        let forged = compact.replace("w~7500", "w~750");
        assert!(matches!(
            HandoffBasket::verify_compact(&forged, &k.public()),
            Err(CompactError::Signature(_))
        ));
        // A measured line is one pack; unreadable measures are refused.
        let mut two = b.clone();
        two.lines[0].quantity = 2;
        assert!(two.validate().is_err());
        for bad in ["x~1", "p~", "w12~", "p12~5", "g~", "pabcEUR~", "p12XXX~"] {
            let t = compact.replace("w~7500", bad);
            assert!(
                matches!(HandoffBasket::parse_compact(&t), Err(CompactError::Malformed(_))),
                "{bad}"
            );
        }
        // JSON keeps plain lines as they were (order fingerprints).
        assert_eq!(
            serde_json::to_string(&HandoffLine::new(gtin("5449000039231"), 2)).unwrap(),
            r#"{"gtin":"05449000039231","quantity":2}"#
        );
    }

    #[test]
    fn compact_basket_roundtrip_and_tamper() {
        let k = key();
        let b = HandoffBasket {
            id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            device_id: "dev-ABC123".into(),
            store: "paris-01".into(),
            created_at: 1_790_000_000,
            lines: vec![
                HandoffLine {
                    gtin: gtin("5449000039231"),
                    quantity: 2,
                    measure: None,
                },
                HandoffLine {
                    gtin: gtin("9780439023481"),
                    quantity: 1,
                    measure: None,
                },
            ],
        };
        let c = b.to_compact(&k);
        assert!(
            c.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_.*,".contains(ch)),
            "{c}"
        );
        assert_eq!(HandoffBasket::verify_compact(&c, &k.public()).unwrap(), b);
        let url = handoff_url("https://hq.example/", &b.id, &c);
        assert!(url.starts_with(&format!("https://hq.example/h/{}#1.", b.id)), "{url}");

        let tampered = c.replace("*2,", "*9,");
        assert!(matches!(
            HandoffBasket::verify_compact(&tampered, &k.public()),
            Err(CompactError::Signature(_))
        ));
        assert!(matches!(
            HandoffBasket::verify_compact("1.x.y", &k.public()),
            Err(CompactError::Malformed(_))
        ));
        let other_key = SecretKey::from_seed([4; 32]).public();
        assert!(HandoffBasket::verify_compact(&c, &other_key).is_err());
    }

    #[test]
    fn order_numbers_are_short_and_stable() {
        let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_1234_5678);
        let n = order_number(&id);
        assert_eq!(n.len(), 7);
        assert_eq!(n, order_number(&id));
        assert_eq!(&n[3..4], "-");
        assert_ne!(
            n,
            order_number(&Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_1234_5679))
        );
    }

    #[test]
    fn names_cannot_carry_lines_links_or_escapes() {
        for ok in [
            "Ana",
            "Camille Zébulon-Paradis",
            "O'Brien",
            "J. R. R. Tolkien",
            "Søren Kierkegaard",
            "Louis 14",
        ] {
            assert!(valid_name(ok), "{ok}");
        }
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        for bad in [
            "",
            "  ",
            "Ana\nLog in at http://evil.example",
            "Ana\0",
            "Ana\u{1b}[31m",
            "Ana\r\nBcc: x",
            "see evil.example",
            "http://x",
            "a@b",
            &long,
        ] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn contact_checks() {
        assert!(valid_email("a.b@example.fr"));
        assert!(!valid_email("a b@example.fr"));
        assert!(!valid_email("ab@example"));
        assert!(valid_phone("+33 6 12 34 56 78"));
        assert!(!valid_phone("06-12-ab"));
        let order = OrderRequest {
            id: Uuid::nil(),
            store: "paris-01".into(),
            created_at: 0,
            lines: vec![HandoffLine {
                gtin: gtin("5449000039231"),
                quantity: 1,
                measure: None,
            }],
            customer: OrderCustomer {
                name: "Ana".into(),
                email: None,
                phone: None,
                customer_id: None,
            },
            lang: Lang::FR,
            coupons: vec![],
            identification: None,
        };
        assert!(order.validate().unwrap_err().contains("email or a phone"));
    }

    #[test]
    fn an_order_moves_only_forward_one_step_or_to_cancelled_before_collection() {
        use OrderStatus::*;
        let allowed: Vec<(OrderStatus, OrderStatus)> = OrderStatus::ALL
            .into_iter()
            .flat_map(|from| OrderStatus::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.may_become(*to))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Received, Preparing),
                (Received, Cancelled),
                (Preparing, Ready),
                (Preparing, Cancelled),
                (Ready, Collected),
                (Ready, Cancelled),
            ]
        );
        assert!(!Collected.is_open() && !Cancelled.is_open() && Ready.is_open());
        for st in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(st.as_str()), Some(st));
        }
        for r in CancelReason::ALL {
            assert_eq!(CancelReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}
