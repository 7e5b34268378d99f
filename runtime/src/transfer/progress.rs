//! Progress reporting: boto3's `Callback`, called with the bytes transferred since the last call.

use core::fmt;
use std::sync::Arc;

/// A progress callback: called with each increment of bytes transferred, from whichever part
/// moved them. Summing the increments gives the bytes done; a finished transfer's increments sum
/// to the object's size.
#[derive(Clone)]
pub struct Progress(Option<Arc<dyn Fn(u64) + Send + Sync>>);

impl Progress {
    /// No reporting.
    pub fn none() -> Self {
        Progress(None)
    }

    /// Reports to `callback`.
    pub fn new(callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(callback)))
    }

    /// Reports `bytes` more done (nothing for zero, as boto3 does not call back for nothing).
    pub fn add(&self, bytes: u64) {
        if let (Some(callback), true) = (&self.0, bytes > 0) {
            callback(bytes);
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::none()
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(callback)" } else { "Progress(none)" })
    }
}
