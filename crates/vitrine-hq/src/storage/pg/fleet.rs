//! The device_health tables: the latest heartbeat per device, and the
//! bounded history.

use postgres::Row;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::fleet::Heartbeat;

use super::{PgStorage, corrupt, json};
use crate::storage::Result;
use crate::storage::fleet::{FleetStore, HeartbeatRecord};

fn record(r: &Row) -> Result<HeartbeatRecord> {
    let beat: Heartbeat = serde_json::from_str(r.get(2)).map_err(corrupt)?;
    Ok(HeartbeatRecord {
        device_id: r.get(0),
        received_at: r.get(1),
        beat,
    })
}

impl FleetStore for PgStorage {
    fn record_heartbeat(&self, device: &str, beat: &Heartbeat, received_at: UnixTime, keep: u32) -> Result<()> {
        super::off_runtime(|| {
            let data = json(beat)?;
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO device_health(device_id, received_at, data) VALUES ($1, $2, $3)
                     ON CONFLICT(device_id) DO UPDATE SET received_at = excluded.received_at, data = excluded.data",
                    &[&device, &received_at, &data],
                )?;
                tx.execute(
                    "INSERT INTO device_health_history(device_id, received_at, data) VALUES ($1, $2, $3)",
                    &[&device, &received_at, &data],
                )?;
                tx.execute(
                    "DELETE FROM device_health_history WHERE device_id = $1 AND id <= (
                       SELECT id FROM device_health_history WHERE device_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
                    &[&device, &i64::from(keep.max(1))],
                )?;
                Ok(())
            })
        })
    }

    fn latest_heartbeats(&self) -> Result<Vec<HeartbeatRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    "SELECT device_id, received_at, data FROM device_health ORDER BY device_id",
                    &[],
                )?
                .iter()
                .map(record)
                .collect()
        })
    }

    fn heartbeat_history(&self, device: &str, limit: u32) -> Result<Vec<HeartbeatRecord>> {
        super::off_runtime(|| {
            self.conn()?
                .query(
                    "SELECT device_id, received_at, data FROM device_health_history WHERE device_id = $1
                     ORDER BY id DESC LIMIT $2",
                    &[&device, &i64::from(limit)],
                )?
                .iter()
                .map(record)
                .collect()
        })
    }
}
