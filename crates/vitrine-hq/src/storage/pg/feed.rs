//! `LISTEN` on the channels the writing transactions `NOTIFY`: every
//! replica hears of a catalog version or a revocation at the writer's
//! commit, whoever wrote it (another replica, the command line).

use std::time::Duration;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::PgStorage;
use super::catalog::CATALOG_CHANNEL;
use super::devices::DEVICES_CHANNEL;
use super::settings::SETTINGS_CHANNEL;
use crate::storage::shared::{Feed, FeedEvent};
use crate::storage::{Result, StorageError};

/// A connection of its own (not pooled) listening on both channels.
pub(super) struct PgFeed {
    client: Client,
}

impl PgStorage {
    pub(super) fn feed(&self) -> Result<PgFeed> {
        let mut client = self.open()?;
        client.batch_execute(&format!(
            "LISTEN {CATALOG_CHANNEL}; LISTEN {DEVICES_CHANNEL}; LISTEN {SETTINGS_CHANNEL}"
        ))?;
        Ok(PgFeed { client })
    }
}

impl Feed for PgFeed {
    fn next(&mut self, timeout: Duration) -> Result<Option<FeedEvent>> {
        if self.client.is_closed() {
            return Err(StorageError::Corrupt("the listening connection is closed".into()));
        }
        let Some(n) = self.client.notifications().timeout_iter(timeout).next()? else {
            return Ok(None);
        };
        Ok(Some(match n.channel() {
            CATALOG_CHANNEL => FeedEvent::Version(
                n.payload()
                    .parse()
                    .map_err(|e| StorageError::Corrupt(format!("catalog notification {:?}: {e}", n.payload())))?,
            ),
            SETTINGS_CHANNEL => FeedEvent::Settings(
                n.payload()
                    .parse()
                    .map_err(|e| StorageError::Corrupt(format!("settings notification {:?}: {e}", n.payload())))?,
            ),
            _ => FeedEvent::Revoked(n.payload().to_string()),
        }))
    }
}
