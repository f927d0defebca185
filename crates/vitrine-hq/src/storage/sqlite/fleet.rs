//! The device_health tables: the latest heartbeat per device, and the
//! bounded history.

use rusqlite::params;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::fleet::Heartbeat;

use super::{SqliteStorage, corrupt, json};
use crate::storage::Result;
use crate::storage::fleet::{FleetStore, HeartbeatRecord};

struct Row {
    device_id: String,
    received_at: UnixTime,
    data: String,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            device_id: r.get(0)?,
            received_at: r.get(1)?,
            data: r.get(2)?,
        })
    }

    fn record(self) -> Result<HeartbeatRecord> {
        let beat: Heartbeat = serde_json::from_str(&self.data).map_err(corrupt)?;
        Ok(HeartbeatRecord {
            device_id: self.device_id,
            received_at: self.received_at,
            beat,
        })
    }
}

impl FleetStore for SqliteStorage {
    fn record_heartbeat(&self, device: &str, beat: &Heartbeat, received_at: UnixTime, keep: u32) -> Result<()> {
        let data = json(beat)?;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO device_health(device_id, received_at, data) VALUES (?1, ?2, ?3)
             ON CONFLICT(device_id) DO UPDATE SET received_at = excluded.received_at, data = excluded.data",
            params![device, received_at, data],
        )?;
        tx.execute(
            "INSERT INTO device_health_history(device_id, received_at, data) VALUES (?1, ?2, ?3)",
            params![device, received_at, data],
        )?;
        tx.execute(
            "DELETE FROM device_health_history WHERE device_id = ?1 AND id <= (
               SELECT id FROM device_health_history WHERE device_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
            params![device, keep.max(1)],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn latest_heartbeats(&self) -> Result<Vec<HeartbeatRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT device_id, received_at, data FROM device_health ORDER BY device_id")?;
        let rows = s.query_map([], Row::read)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(Row::record).collect()
    }

    fn heartbeat_history(&self, device: &str, limit: u32) -> Result<Vec<HeartbeatRecord>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT device_id, received_at, data FROM device_health_history WHERE device_id = ?1
             ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = s
            .query_map(params![device, limit], Row::read)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(Row::record).collect()
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::wire::fleet::{CameraState, ScreenState};

    use super::*;

    fn beat(catalog_version: u64) -> Heartbeat {
        Heartbeat {
            software_version: "0.1.0".into(),
            catalog_version,
            outbox_pending: 0,
            outbox_dead: 0,
            last_sync: None,
            last_scan: None,
            camera: CameraState::Ok,
            decode_fps: Some(12),
            disk_free_bytes: None,
            uptime_s: 1,
            screen: ScreenState::On,
            audio_device: Some(true),
        }
    }

    #[test]
    fn the_latest_heartbeat_replaces_the_last_and_the_history_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 100).unwrap();
        for v in 1..=5 {
            s.record_heartbeat("dev-a", &beat(v), 100 + v as i64, 3).unwrap();
        }
        s.record_heartbeat("dev-b", &beat(9), 200, 3).unwrap();
        let latest = s.latest_heartbeats().unwrap();
        assert_eq!(latest.len(), 2);
        assert_eq!(
            (latest[0].device_id.as_str(), latest[0].beat.catalog_version),
            ("dev-a", 5)
        );
        assert_eq!(latest[0].received_at, 105);
        let h: Vec<u64> = s
            .heartbeat_history("dev-a", 10)
            .unwrap()
            .iter()
            .map(|r| r.beat.catalog_version)
            .collect();
        assert_eq!(h, vec![5, 4, 3]);
        assert_eq!(s.heartbeat_history("dev-b", 10).unwrap().len(), 1);
    }
}
