//! The `images` and `image_sizes` tables: product pictures by content hash.

use rusqlite::{OptionalExtension, params};
use vitrine_core::picture::{ImageId, ImageSize};

use super::SqliteStorage;
use crate::storage::Result;
use crate::storage::images::{ImageStore, NewImage};

impl ImageStore for SqliteStorage {
    fn has_image(&self, id: &ImageId) -> Result<bool> {
        Ok(self
            .reader()?
            .query_row("SELECT 1 FROM images WHERE id = ?1", [id.as_str()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn put_image(&self, image: &NewImage<'_>) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let added = tx.execute(
            "INSERT INTO images(id, width, height, original) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO NOTHING",
            params![image.id.as_str(), image.width, image.height, image.original],
        )?;
        if added == 1 {
            for (size, bytes) in image.sizes {
                tx.execute(
                    "INSERT INTO image_sizes(id, size, bytes) VALUES (?1, ?2, ?3)",
                    params![image.id.as_str(), size.as_str(), bytes],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn image_size(&self, id: &ImageId, size: ImageSize) -> Result<Option<Vec<u8>>> {
        Ok(self
            .reader()?
            .query_row(
                "SELECT bytes FROM image_sizes WHERE id = ?1 AND size = ?2",
                params![id.as_str(), size.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }
}
