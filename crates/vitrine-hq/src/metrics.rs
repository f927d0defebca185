//! HQ's Prometheus metrics (`GET /metrics`, OpenMetrics text). One
//! registry per [`crate::Hq`], not a process-wide recorder: tests run
//! several HQs in one process and each counts its own.
//!
//! | metric | type | labels | what |
//! |---|---|---|---|
//! | `vitrine_http_requests_total` | counter | `route`, `method`, `status` | answers, per route of the route table (`unmatched` for the fallback) |
//! | `vitrine_http_request_duration_seconds` | histogram | `route`, `method` | time to the answer's head |
//! | `vitrine_push_connections` | gauge | | push streams open now |
//! | `vitrine_connections` | gauge | | HTTP connections open now (all routes) |
//! | `vitrine_connections_closed_total` | counter | `reason` (`over_cap`, `header_timeout`) | connections HQ closed itself: refused over a connection cap, or no whole request head within the header-read timeout |
//! | `vitrine_catalog_version` | gauge | | HQ's catalog version |
//! | `vitrine_kiosks` | gauge | `state` (`ok`, `stale`, `behind`, `queuing`, `blind`) | enrolled kiosks per state; a kiosk with several flags counts under each |
//! | `vitrine_outbox_pending` | gauge | `store` | messages waiting in the kiosks' outboxes, summed per store, as of their latest heartbeats |
//! | `vitrine_notifications_total` | counter | `channel`, `outcome` (`sent`, `failed`) | email and text message attempts |
//! | `vitrine_heartbeats_total` | counter | | heartbeats recorded |
//!
//! The fleet gauges are read from storage at each scrape (a scrape every
//! 15 s costs one read of the devices and their latest heartbeats).

use std::sync::Mutex;
use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

/// The bearer token a scraper of `/metrics` sends; never printed (its
/// `Debug` hides it, so HQ's configuration can be logged).
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(pub String);

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~4 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 13))
}

/// HQ's metrics (see the module's documentation).
pub struct Metrics {
    // std Mutex: held only to encode, never across an await.
    registry: Mutex<Registry>,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    push_connections: Gauge<i64, AtomicI64>,
    connections: Gauge<i64, AtomicI64>,
    connections_closed: Family<Labels, Counter>,
    catalog_version: Gauge<i64, AtomicI64>,
    kiosks: Family<Labels, Gauge<i64, AtomicI64>>,
    outbox: Family<Labels, Gauge<i64, AtomicI64>>,
    notifications: Family<Labels, Counter>,
    heartbeats: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut r = Registry::with_prefix("vitrine");
        let requests = Family::<Labels, Counter>::default();
        let latency = Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let push_connections = Gauge::<i64, AtomicI64>::default();
        let connections = Gauge::<i64, AtomicI64>::default();
        let connections_closed = Family::<Labels, Counter>::default();
        let catalog_version = Gauge::<i64, AtomicI64>::default();
        let kiosks = Family::<Labels, Gauge<i64, AtomicI64>>::default();
        let outbox = Family::<Labels, Gauge<i64, AtomicI64>>::default();
        let notifications = Family::<Labels, Counter>::default();
        let heartbeats = Counter::default();
        r.register(
            "http_requests",
            "HTTP answers per route, method and status",
            requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Time to the answer's head per route and method",
            latency.clone(),
        );
        r.register(
            "push_connections",
            "Push streams (/v1/events) open now",
            push_connections.clone(),
        );
        r.register("connections", "HTTP connections open now", connections.clone());
        r.register(
            "connections_closed",
            "Connections HQ closed itself, per reason (over_cap, header_timeout)",
            connections_closed.clone(),
        );
        r.register("catalog_version", "HQ's catalog version", catalog_version.clone());
        r.register(
            "kiosks",
            "Enrolled kiosks per state (ok, stale, behind, queuing, blind)",
            kiosks.clone(),
        );
        r.register(
            "outbox_pending",
            "Messages waiting in the kiosks' outboxes, per store, as of their latest heartbeats",
            outbox.clone(),
        );
        r.register(
            "notifications",
            "Email and text message attempts per channel and outcome",
            notifications.clone(),
        );
        r.register("heartbeats", "Kiosk heartbeats recorded", heartbeats.clone());
        Metrics {
            registry: Mutex::new(r),
            requests,
            latency,
            push_connections,
            connections,
            connections_closed,
            catalog_version,
            kiosks,
            outbox,
            notifications,
            heartbeats,
        }
    }

    /// Counts one answer of `route` (the route table's pattern).
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&vec![
                ("route", route.to_string()),
                ("method", method.to_string()),
                ("status", status.to_string()),
            ])
            .inc();
        self.latency
            .get_or_create(&vec![("route", route.to_string()), ("method", method.to_string())])
            .observe(seconds);
    }

    /// Counts one notification attempt on `channel`.
    pub fn observe_notification(&self, channel: &str, sent: bool) {
        self.notifications
            .get_or_create(&vec![
                ("channel", channel.to_string()),
                ("outcome", if sent { "sent" } else { "failed" }.to_string()),
            ])
            .inc();
    }

    pub fn observe_heartbeat(&self) {
        self.heartbeats.inc();
    }

    /// Sets the gauges read at each scrape: push streams, catalog version,
    /// kiosks per state, outboxes per store (a store no longer reported
    /// goes away).
    pub fn set_fleet(&self, push: usize, catalog: u64, states: &[(&'static str, u64)], outbox: &[(String, u64)]) {
        self.push_connections.set(push as i64);
        self.catalog_version.set(i64::try_from(catalog).unwrap_or(i64::MAX));
        for (state, n) in states {
            self.kiosks
                .get_or_create(&vec![("state", (*state).to_string())])
                .set(*n as i64);
        }
        self.outbox.clear();
        for (store, n) in outbox {
            self.outbox
                .get_or_create(&vec![("store", store.clone())])
                .set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
    }

    /// Sets the connection figures read at each scrape from the server's
    /// counts: open now, and closed since start over a cap and for a late
    /// request head (counters only ever go up).
    pub fn set_connections(&self, open: usize, over_cap: u64, header_timeouts: u64) {
        self.connections.set(i64::try_from(open).unwrap_or(i64::MAX));
        for (reason, total) in [("over_cap", over_cap), ("header_timeout", header_timeouts)] {
            let c = self
                .connections_closed
                .get_or_create(&vec![("reason", reason.to_string())]);
            c.inc_by(total.saturating_sub(c.get()));
        }
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        encode(&mut out, &r)?;
        Ok(out)
    }
}

/// How a metric value is read in tests: the value of the first sample
/// named `name` whose labels contain `labels` (`state="stale"`).
pub fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.split([' ', '{']).next() == Some(name) && (labels.is_empty() || l.contains(labels)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_every_metric_with_its_labels() {
        let m = Metrics::new();
        m.observe_request("/v1/heartbeat", "POST", 200, 0.004);
        m.observe_notification("email", true);
        m.observe_notification("sms", false);
        m.set_fleet(3, 42, &[("ok", 2), ("stale", 1)], &[("paris-01".into(), 5)]);
        m.set_connections(7, 2, 1);
        m.set_connections(7, 2, 4);
        let t = m.encode().unwrap();
        assert_eq!(sample(&t, "vitrine_connections", ""), Some(7.0), "{t}");
        assert_eq!(
            sample(&t, "vitrine_connections_closed_total", "reason=\"header_timeout\""),
            Some(4.0),
            "{t}"
        );
        assert_eq!(
            sample(&t, "vitrine_connections_closed_total", "reason=\"over_cap\""),
            Some(2.0),
            "{t}"
        );
        assert_eq!(
            sample(&t, "vitrine_http_requests_total", "route=\"/v1/heartbeat\""),
            Some(1.0),
            "{t}"
        );
        assert!(t.contains("vitrine_http_request_duration_seconds_bucket"), "{t}");
        assert_eq!(sample(&t, "vitrine_push_connections", ""), Some(3.0));
        assert_eq!(sample(&t, "vitrine_catalog_version", ""), Some(42.0));
        assert_eq!(sample(&t, "vitrine_kiosks", "state=\"stale\""), Some(1.0));
        assert_eq!(sample(&t, "vitrine_outbox_pending", "store=\"paris-01\""), Some(5.0));
        assert_eq!(
            sample(&t, "vitrine_notifications_total", "outcome=\"failed\""),
            Some(1.0)
        );
        assert!(t.trim_end().ends_with("# EOF"), "{t}");
        // A store that no longer reports goes away.
        m.set_fleet(0, 42, &[], &[]);
        assert_eq!(sample(&m.encode().unwrap(), "vitrine_outbox_pending", ""), None);
    }
}
