//! Product pictures, content-addressed: the original file HQ imported
//! (kept, so that a new size can be made later without asking the
//! referential again) and the sizes it made of it.

use vitrine_core::picture::{ImageId, ImageSize};

use super::Result;

/// A picture as HQ stores it.
pub struct NewImage<'a> {
    pub id: &'a ImageId,
    pub original: &'a [u8],
    pub width: u32,
    pub height: u32,
    /// Every size of [`ImageSize::ALL`], encoded (JPEG).
    pub sizes: &'a [(ImageSize, Vec<u8>)],
}

/// Storage of product pictures. An id names one content forever, so a
/// picture is written once and never changed.
pub trait ImageStore {
    /// Whether the picture is stored (an import skips decoding it again).
    fn has_image(&self, id: &ImageId) -> Result<bool>;
    /// Stores a picture and its sizes; storing one that is there already
    /// changes nothing.
    fn put_image(&self, image: &NewImage<'_>) -> Result<()>;
    /// The bytes of one size of a picture.
    fn image_size(&self, id: &ImageId, size: ImageSize) -> Result<Option<Vec<u8>>>;
}
