//! The `images` and `image_sizes` tables: product pictures by content hash.

use vitrine_core::picture::{ImageId, ImageSize};

use super::PgStorage;
use crate::storage::Result;
use crate::storage::images::{ImageStore, NewImage};

impl ImageStore for PgStorage {
    fn has_image(&self, id: &ImageId) -> Result<bool> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt("SELECT 1 FROM images WHERE id = $1", &[&id.as_str()])?
                .is_some())
        })
    }

    fn put_image(&self, image: &NewImage<'_>) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                let added = tx.execute(
                    "INSERT INTO images(id, width, height, original) VALUES ($1, $2, $3, $4) ON CONFLICT(id) DO NOTHING",
                    &[
                        &image.id.as_str(),
                        &i64::from(image.width),
                        &i64::from(image.height),
                        &image.original,
                    ],
                )?;
                if added == 1 {
                    for (size, bytes) in image.sizes {
                        tx.execute(
                            "INSERT INTO image_sizes(id, size, bytes) VALUES ($1, $2, $3)",
                            &[&image.id.as_str(), &size.as_str(), bytes],
                        )?;
                    }
                }
                Ok(())
            })
        })
    }

    fn image_size(&self, id: &ImageId, size: ImageSize) -> Result<Option<Vec<u8>>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(
                    "SELECT bytes FROM image_sizes WHERE id = $1 AND size = $2",
                    &[&id.as_str(), &size.as_str()],
                )?
                .map(|r| r.get(0)))
        })
    }
}
