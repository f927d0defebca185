//! GS1's content rules ("linters") that the Barcode Syntax Dictionary names
//! beside each component, implemented from their definitions in the GS1
//! General Specifications and checked against GS1's reference test vectors
//! (`tests/gs1_conformance.rs`).
//!
//! Five linters are recognised but not checked, on purpose: `iban`
//! (payment slips, AI 8007), `iso3166alpha2` (ship-to countries, AIs
//! 4307/4317), `packagetype` (logistic unit types, 7041), `couponcode` and
//! `couponposoffer` (coupons, 8110/8112). They need reference lists Vitrine
//! does not carry, and none of them appears on a trade item that Vitrine
//! looks up or prices; their character set and length are still checked.

use super::{AiProblem, Charset};

/// The linters the dictionary names (`build.rs` turns `csum` into
/// `Lint::Csum`; a name missing here fails the build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lint {
    Couponcode,
    Couponposoffer,
    Csum,
    Csumalpha,
    Gcppos1,
    Gcppos2,
    Hasnondigit,
    Hh,
    Hhmi,
    Hyphen,
    Iban,
    Importeridx,
    Iso3166,
    Iso3166999,
    Iso3166alpha2,
    Iso4217,
    Iso5218,
    Latitude,
    Longitude,
    Mediatype,
    Mi,
    Nonzero,
    Nozeroprefix,
    Packagetype,
    Pcenc,
    Pieceoftotal,
    Posinseqslash,
    Ss,
    Winding,
    Yesno,
    Yymmd0,
    Yymmdd,
    Yyyymmdd,
    Zero,
}

/// ISO 4217 numeric currency codes, as GS1's reference linter lists them.
const ISO4217: &[u16] = &[
    8, 12, 32, 36, 44, 48, 50, 51, 52, 60, 64, 68, 72, 84, 90, 96, 104, 108, 116, 124, 132, 136, 144, 152, 156, 170,
    174, 188, 191, 192, 203, 208, 214, 222, 230, 232, 238, 242, 262, 270, 292, 320, 324, 328, 332, 340, 344, 348, 352,
    356, 360, 364, 368, 376, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 430, 434, 446, 454, 458, 462,
    480, 484, 496, 498, 504, 512, 516, 524, 532, 533, 548, 554, 558, 566, 578, 586, 590, 598, 600, 604, 608, 634, 643,
    646, 654, 682, 690, 694, 702, 704, 706, 710, 728, 748, 752, 756, 760, 764, 776, 780, 784, 788, 800, 807, 818, 826,
    834, 840, 858, 860, 882, 886, 901, 925, 927, 928, 929, 930, 931, 932, 933, 934, 936, 938, 940, 941, 943, 944, 946,
    947, 948, 949, 950, 951, 952, 953, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965, 967, 968, 969, 970, 971,
    972, 973, 975, 976, 977, 978, 979, 980, 981, 984, 985, 986, 990, 994, 997, 999,
];

/// ISO 3166-1 numeric country codes, as GS1's reference linter lists them.
const ISO3166: &[u16] = &[
    4, 8, 10, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 74, 76, 84, 86, 90, 92,
    96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156, 158, 162, 166, 170, 174, 175, 178, 180,
    184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 238, 239, 242, 246, 248, 250,
    254, 258, 260, 262, 266, 268, 270, 275, 276, 288, 292, 296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336,
    340, 344, 348, 352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422,
    426, 428, 430, 434, 438, 440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484, 492, 496, 498, 499, 500,
    504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554, 558, 562, 566, 570, 574, 578, 580, 581, 583,
    584, 585, 586, 591, 598, 600, 604, 608, 612, 616, 620, 624, 626, 630, 634, 638, 642, 643, 646, 652, 654, 659, 660,
    662, 663, 666, 670, 674, 678, 682, 686, 688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732, 740,
    744, 748, 752, 756, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818, 826, 831,
    832, 833, 834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
];

/// CSET 82, in the order that gives each character its value in the
/// alphanumeric check-pair calculation.
const CSET82: &[u8] = b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const CSET32: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Is `c` in GS1's character set 82?
pub fn in_cset82(c: char) -> bool {
    c.is_ascii() && CSET82.contains(&(c as u8))
}

/// Is `c` in GS1's character set 39?
pub fn in_cset39(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '#' | '-' | '/')
}

fn in_cset64(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Checks a component's characters. `offset` is where the component starts
/// in the AI's value (positions in errors count from 1 in the value).
pub(crate) fn charset(set: Charset, data: &str, offset: usize) -> Result<(), AiProblem> {
    let bad = |pos: usize, ch: char| AiProblem::Character {
        ch,
        pos: offset + pos + 1,
        set,
    };
    let body = match set {
        Charset::Cset64 => {
            let trimmed = data.trim_end_matches('=');
            let pads = data.len() - trimmed.len();
            if pads > 2 || (pads > 0 && !data.len().is_multiple_of(3)) {
                return Err(AiProblem::Base64Padding);
            }
            trimmed
        }
        _ => data,
    };
    let ok: fn(char) -> bool = match set {
        Charset::Digits => |c| c.is_ascii_digit(),
        Charset::Cset82 => in_cset82,
        Charset::Cset39 => in_cset39,
        Charset::Cset64 => in_cset64,
    };
    match body.chars().enumerate().find(|(_, c)| !ok(*c)) {
        Some((pos, ch)) => Err(bad(pos, ch)),
        None => Ok(()),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Option<u32> {
    if digits(s) { s.parse().ok() } else { None }
}

/// The GS1 mod-10 check digit over all of `data` but its last digit.
fn csum(data: &str) -> bool {
    let b = data.as_bytes();
    let Some((last, body)) = b.split_last() else {
        return false;
    };
    digits(data) && crate::gtin::check_digit(body) == last - b'0'
}

fn csumalpha(data: &str) -> bool {
    const PRIMES: [u32; 97] = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229,
        233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359,
        367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491,
        499, 503, 509,
    ];
    let b = data.as_bytes();
    if b.len() < 2 || b.len() - 2 > PRIMES.len() {
        return false;
    }
    let (body, pair) = b.split_at(b.len() - 2);
    let mut sum = 0u32;
    for (i, c) in body.iter().enumerate() {
        let Some(v) = CSET82.iter().position(|x| x == c) else {
            return false;
        };
        sum += v as u32 * PRIMES[body.len() - 1 - i];
    }
    sum %= 1021;
    pair[0] == CSET32[(sum >> 5) as usize] && pair[1] == CSET32[(sum & 31) as usize]
}

/// The year of a two-digit year by the GS1 General Specifications' rule
/// (section 7.12): within 49 years ahead of `this_year` or 50 behind it.
pub fn full_year(yy: u16, this_year: u16) -> u16 {
    let century = this_year - this_year % 100;
    let diff = i32::from(yy) - i32::from(this_year % 100);
    if diff >= 51 {
        century - 100 + yy
    } else if diff <= -50 {
        century + 100 + yy
    } else {
        century + yy
    }
}

pub(crate) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn date(year: u16, mm: &str, dd: &str, day_zero: bool) -> Result<(), AiProblem> {
    let month = num(mm).ok_or(AiProblem::Month)?;
    if !(1..=12).contains(&month) {
        return Err(AiProblem::Month);
    }
    let day = num(dd).ok_or(AiProblem::Day)?;
    if (day == 0 && !day_zero) || day > u32::from(days_in_month(year, month as u8)) {
        return Err(AiProblem::Day);
    }
    Ok(())
}

fn yymmdd(data: &str, this_year: u16, day_zero: bool) -> Result<(), AiProblem> {
    let yy = num(data.get(..2).unwrap_or("")).ok_or(AiProblem::Rule { rule: "yymmdd" })?;
    date(full_year(yy as u16, this_year), &data[2..4], &data[4..6], day_zero)
}

fn in_range(data: &str, max: u32, problem: AiProblem) -> Result<(), AiProblem> {
    match num(data) {
        Some(v) if v <= max => Ok(()),
        _ => Err(problem),
    }
}

impl Lint {
    /// Checks `data` (one component, already of the right length and
    /// character set) by this rule. `this_year` places two-digit years.
    pub(crate) fn check(self, data: &str, this_year: u16) -> Result<(), AiProblem> {
        let rule = |rule: &'static str| AiProblem::Rule { rule };
        let ok_if = |cond: bool, problem: AiProblem| if cond { Ok(()) } else { Err(problem) };
        match self {
            Lint::Couponcode | Lint::Couponposoffer | Lint::Iban | Lint::Iso3166alpha2 | Lint::Packagetype => Ok(()),
            Lint::Csum => ok_if(csum(data), AiProblem::CheckDigit),
            Lint::Csumalpha => ok_if(csumalpha(data), AiProblem::CheckPair),
            Lint::Gcppos1 => ok_if(
                data.len() >= 4 && data.bytes().take(4).all(|b| b.is_ascii_digit()),
                AiProblem::CompanyPrefix,
            ),
            Lint::Gcppos2 => ok_if(
                data.len() >= 5 && data.bytes().skip(1).take(4).all(|b| b.is_ascii_digit()),
                AiProblem::CompanyPrefix,
            ),
            Lint::Hasnondigit => ok_if(data.bytes().any(|b| !b.is_ascii_digit()), rule("hasnondigit")),
            Lint::Hh => in_range(data, 23, AiProblem::Hour),
            Lint::Mi => in_range(data, 59, AiProblem::Minute),
            Lint::Ss => in_range(data, 59, AiProblem::Second),
            Lint::Hhmi => {
                if data.len() != 4 {
                    return Err(AiProblem::Hour);
                }
                in_range(&data[..2], 23, AiProblem::Hour)?;
                in_range(&data[2..], 59, AiProblem::Minute)
            }
            Lint::Hyphen => ok_if(data == "-", rule("hyphen")),
            Lint::Importeridx => ok_if(
                data.len() == 1 && data.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                rule("importeridx"),
            ),
            Lint::Iso3166 => ok_if(
                data.len() == 3 && num(data).is_some_and(|n| ISO3166.binary_search(&(n as u16)).is_ok()),
                AiProblem::Country,
            ),
            Lint::Iso3166999 => ok_if(
                data == "999"
                    || (data.len() == 3 && num(data).is_some_and(|n| ISO3166.binary_search(&(n as u16)).is_ok())),
                AiProblem::Country,
            ),
            Lint::Iso4217 => ok_if(
                data.len() == 3 && num(data).is_some_and(|n| ISO4217.binary_search(&(n as u16)).is_ok()),
                AiProblem::Currency,
            ),
            Lint::Iso5218 => ok_if(matches!(data, "0" | "1" | "2" | "9"), rule("iso5218")),
            Lint::Latitude => in_range(data, 1_800_000_000, rule("latitude")),
            Lint::Longitude => in_range(data, 3_600_000_000, rule("longitude")),
            Lint::Mediatype => ok_if(
                data.len() == 2 && num(data).is_some_and(|n| (1..=10).contains(&n) || (80..=99).contains(&n)),
                rule("mediatype"),
            ),
            Lint::Nonzero => ok_if(data.bytes().any(|b| b != b'0'), AiProblem::Zero),
            Lint::Nozeroprefix => ok_if(data.len() == 1 || !data.starts_with('0'), AiProblem::ZeroPrefix),
            Lint::Zero => ok_if(data == "0", rule("zero")),
            Lint::Yesno => ok_if(matches!(data, "0" | "1"), rule("yesno")),
            Lint::Winding => ok_if(matches!(data, "0" | "1" | "9"), rule("winding")),
            Lint::Pcenc => {
                let b = data.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b'%' {
                        let hex = b.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                        if hex.is_none() {
                            return Err(rule("pcenc"));
                        }
                        i += 3;
                    } else {
                        i += 1;
                    }
                }
                Ok(())
            }
            Lint::Pieceoftotal => {
                if !data.len().is_multiple_of(2) || data.is_empty() {
                    return Err(rule("pieceoftotal"));
                }
                let (piece, total) = data.split_at(data.len() / 2);
                match (num(piece), num(total)) {
                    (Some(p), Some(t)) if p >= 1 && t >= 1 && p <= t => Ok(()),
                    _ => Err(rule("pieceoftotal")),
                }
            }
            Lint::Posinseqslash => {
                let Some((pos, end)) = data.split_once('/') else {
                    return Err(rule("posinseqslash"));
                };
                match (num(pos), num(end)) {
                    (Some(p), Some(e)) if !pos.starts_with('0') && !end.starts_with('0') && p <= e => Ok(()),
                    _ => Err(rule("posinseqslash")),
                }
            }
            Lint::Yymmd0 => yymmdd(data, this_year, true),
            Lint::Yymmdd => yymmdd(data, this_year, false),
            Lint::Yyyymmdd => {
                let year = num(data.get(..4).unwrap_or("")).ok_or(AiProblem::Month)?;
                date(year as u16, &data[4..6], &data[6..8], false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_century_follows_genspecs_7_12() {
        // Today 2026: 49 years ahead stays in this century, 51 goes back.
        assert_eq!(full_year(75, 2026), 2075);
        assert_eq!(full_year(76, 2026), 2076);
        assert_eq!(full_year(77, 2026), 1977);
        assert_eq!(full_year(26, 2026), 2026);
        assert_eq!(full_year(0, 2026), 2000);
        // Near a century's end the window wraps forward.
        assert_eq!(full_year(10, 2095), 2110);
        assert_eq!(full_year(46, 2095), 2046);
        assert_eq!(full_year(45, 2095), 2145);
    }

    #[test]
    fn check_characters() {
        assert!(csum("05449000039231"));
        assert!(!csum("05449000039232"));
        assert!(csumalpha("1987654Ad4X4bL5ttr2310c2K"));
        assert!(!csumalpha("1987654Ad4X4bL5ttr2310cXK"));
        assert!(csumalpha("22"));
    }
}
