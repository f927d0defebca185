//! Where stores are, and which are nearest: the phone's click&collect
//! lists the kiosk's store first, then the others nearest first, so the
//! shopper whose store lacks a product sees the closest one that has it.
//!
//! Positions are kept in whole microdegrees (about 0.1 m), so a store
//! compares equal to itself after a round trip through JSON; distances are
//! great-circle (haversine on a sphere of the Earth's mean radius), which is
//! within 0.5 % of the ellipsoid: plenty to order stores and say "2.3 km".

use serde::{Deserialize, Serialize};

use crate::product::Store;

/// The Earth's mean radius (IUGG), in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point on the Earth: latitude and longitude in microdegrees (WGS 84).
/// Written in JSON as decimal degrees, `{"lat": 48.8606, "lon": 2.3376}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Degrees", into = "Degrees")]
pub struct GeoPoint {
    lat_e6: i32,
    lon_e6: i32,
}

/// The JSON form of a [`GeoPoint`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Degrees {
    lat: f64,
    lon: f64,
}

/// Why a position was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    #[error("a latitude is between -90 and 90 degrees")]
    Latitude,
    #[error("a longitude is between -180 and 180 degrees")]
    Longitude,
}

impl GeoPoint {
    /// The point at `lat`, `lon` decimal degrees, rounded to the
    /// microdegree; refused outside the globe (or not a number).
    pub fn new(lat: f64, lon: f64) -> Result<GeoPoint, GeoError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::Latitude);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::Longitude);
        }
        // In range, so each fits an i32 (at most 180_000_000).
        Ok(GeoPoint {
            lat_e6: (lat * 1e6).round() as i32,
            lon_e6: (lon * 1e6).round() as i32,
        })
    }

    /// Latitude in decimal degrees.
    pub fn lat(self) -> f64 {
        f64::from(self.lat_e6) / 1e6
    }

    /// Longitude in decimal degrees.
    pub fn lon(self) -> f64 {
        f64::from(self.lon_e6) / 1e6
    }

    /// The great-circle distance to `other`, in whole metres.
    pub fn distance_m(self, other: GeoPoint) -> u32 {
        let (p1, p2) = (self.lat().to_radians(), other.lat().to_radians());
        let dp = p2 - p1;
        let dl = (other.lon() - self.lon()).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        let c = 2.0 * h.sqrt().min(1.0).asin();
        // At most half the Earth's circumference (~20,000 km): fits a u32.
        (EARTH_RADIUS_M * c).round() as u32
    }
}

impl TryFrom<Degrees> for GeoPoint {
    type Error = GeoError;
    fn try_from(d: Degrees) -> Result<GeoPoint, GeoError> {
        GeoPoint::new(d.lat, d.lon)
    }
}

impl From<GeoPoint> for Degrees {
    fn from(p: GeoPoint) -> Degrees {
        Degrees {
            lat: p.lat(),
            lon: p.lon(),
        }
    }
}

/// `stores` in the order a shopper of store `home` chooses from: `home`
/// first (when it is among them), then the stores both it and they have a
/// position for, nearest first, then the others by name (case folded);
/// each with its distance from `home` when known.
pub fn nearest_first(home: &str, stores: Vec<Store>) -> Vec<(Store, Option<u32>)> {
    let origin = stores.iter().find(|s| s.id == home).and_then(|s| s.location);
    let mut out: Vec<(Store, Option<u32>)> = stores
        .into_iter()
        .map(|s| {
            let d = match (origin, s.location) {
                (Some(o), Some(p)) if s.id != home => Some(o.distance_m(p)),
                _ => None,
            };
            (s, d)
        })
        .collect();
    out.sort_by(|(a, da), (b, db)| {
        (b.id == home)
            .cmp(&(a.id == home))
            // Some before None, then nearer first.
            .then_with(|| da.is_none().cmp(&db.is_none()))
            .then_with(|| da.cmp(db))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(id: &str, name: &str, at: Option<(f64, f64)>) -> Store {
        Store {
            id: id.into(),
            name: name.into(),
            city: None,
            address: None,
            location: at.map(|(lat, lon)| GeoPoint::new(lat, lon).unwrap()),
        }
    }

    #[test]
    fn distances_match_known_great_circles() {
        let paris = GeoPoint::new(48.8566, 2.3522).unwrap();
        let london = GeoPoint::new(51.5074, -0.1278).unwrap();
        // Paris–London is 343.5 km on the sphere (the usual reference).
        let d = paris.distance_m(london);
        assert!((343_000..=344_000).contains(&d), "{d}");
        assert_eq!(d, london.distance_m(paris));
        assert_eq!(paris.distance_m(paris), 0);
        // A quarter of a meridian: pole to equator.
        let pole = GeoPoint::new(90.0, 0.0).unwrap();
        let equator = GeoPoint::new(0.0, 0.0).unwrap();
        assert_eq!(pole.distance_m(equator), 10_007_557);
        // Antipodes across the date line: half the circumference.
        let a = GeoPoint::new(0.0, 179.0).unwrap();
        let b = GeoPoint::new(0.0, -1.0).unwrap();
        assert_eq!(a.distance_m(b), 20_015_114);
    }

    #[test]
    fn positions_outside_the_globe_are_refused_and_json_is_degrees() {
        assert_eq!(GeoPoint::new(90.5, 0.0), Err(GeoError::Latitude));
        assert_eq!(GeoPoint::new(0.0, -180.1), Err(GeoError::Longitude));
        assert_eq!(GeoPoint::new(f64::NAN, 0.0), Err(GeoError::Latitude));
        let p = GeoPoint::new(48.860_611, 2.337_644).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"lat":48.860611,"lon":2.337644}"#);
        assert_eq!(serde_json::from_str::<GeoPoint>(&json).unwrap(), p);
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat":91,"lon":0}"#).is_err());
    }

    #[test]
    fn the_home_store_comes_first_then_the_nearest_then_those_without_a_place_by_name() {
        let stores = vec![
            store("bdx", "Bordeaux", Some((44.8404, -0.5736))),
            store("pop", "zz Pop-up", None),
            store("lil", "Lille", Some((50.6366, 3.0635))),
            store("par", "Paris", Some((48.8606, 2.3376))),
            store("ann", "Annecy", None),
            store("bas", "Bastille", Some((48.8533, 2.3692))),
            store("lyo", "Lyon", Some((45.7606, 4.8594))),
        ];
        let order = nearest_first("par", stores.clone());
        let ids: Vec<&str> = order.iter().map(|(s, _)| s.id.as_str()).collect();
        assert_eq!(ids, ["par", "bas", "lil", "lyo", "bdx", "ann", "pop"]);
        let d: Vec<Option<u32>> = order.iter().map(|(_, d)| d.map(|m| m / 100)).collect();
        // In hectometres: Bastille 2.4 km, Lille 204 km, Lyon 394 km,
        // Bordeaux 499 km away; none for the home store or the unplaced.
        assert_eq!(d, [None, Some(24), Some(2042), Some(3936), Some(4987), None, None]);

        // A home store without a place: everyone by name after it.
        let mut unplaced = stores.clone();
        unplaced[3].location = None;
        let ids: Vec<String> = nearest_first("par", unplaced).into_iter().map(|(s, _)| s.id).collect();
        assert_eq!(ids, ["par", "ann", "bas", "bdx", "lil", "lyo", "pop"]);
        // A home store that is not in the list: by name.
        let ids: Vec<String> = nearest_first("nowhere", stores)
            .into_iter()
            .map(|(s, _)| s.id)
            .collect();
        assert_eq!(ids, ["ann", "bas", "bdx", "lil", "lyo", "par", "pop"]);
    }
}
