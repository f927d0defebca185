//! HQ's settings kept with its data (whether its prices are demo values).

use super::Result;

/// Storage of HQ's settings, as key and text.
pub trait MetaStore {
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> Result<()>;
    /// Sets `key` to `value` unless it is set; the value it has now.
    fn claim_meta(&self, key: &str, value: &str) -> Result<String>;
}
