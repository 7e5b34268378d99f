//! `TransferConfig`: boto3's knobs for managed transfers, with boto3's defaults.

use core::fmt;

use crate::{Error, ErrorKind};

/// One mebibyte, the unit boto3's defaults are written in.
pub const MIB: u64 = 1024 * 1024;

/// How a managed transfer splits and paces its work (boto3's `TransferConfig`).
///
/// Every size is in bytes. The defaults are boto3's: multipart above 8 MiB, 8 MiB parts, ten
/// requests at a time, five attempts per downloaded range.
#[derive(Clone, PartialEq, Eq)]
pub struct TransferConfig {
    /// Objects of at least this size are uploaded, downloaded or copied in parts.
    pub multipart_threshold: u64,
    /// The size of each part (raised when an object would otherwise need more than 10,000).
    pub multipart_chunksize: u64,
    /// How many part requests run at once; memory in flight is bounded by this times the
    /// chunk size.
    pub max_concurrency: usize,
    /// Attempts per downloaded range when the body breaks off mid-stream (errors the client
    /// retries itself, such as 5xx answers and throttling, are retried by its retry strategy
    /// before this counts).
    pub num_download_attempts: u32,
    /// boto3's bound on queued disk writes. Writes here are done in order per range as the data
    /// arrives, so the bound is the concurrency; the field is kept for boto3 parity.
    pub max_io_queue: usize,
    /// The size of each read from a file or write to one.
    pub io_chunksize: u64,
    /// `false` runs one request at a time, as boto3 does without threads.
    pub use_threads: bool,
    /// The most bytes per second the transfer reads from its source (uploads) or writes to its
    /// destination (downloads); `None` is unlimited.
    pub max_bandwidth: Option<u64>,
    /// Not in boto3: have S3 check the whole object's CRC32 when a multipart upload completes
    /// (`ChecksumType=FULL_OBJECT`, the value combined from the parts' CRC32s), so a download
    /// of the whole object can be validated later. Off by default, as boto3 (parts' checksums
    /// only, `COMPOSITE`), since some S3-compatible stores do not take full-object checksums.
    pub full_object_checksum: bool,
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig {
            multipart_threshold: 8 * MIB,
            multipart_chunksize: 8 * MIB,
            max_concurrency: 10,
            num_download_attempts: 5,
            max_io_queue: 100,
            io_chunksize: 256 * 1024,
            use_threads: true,
            max_bandwidth: None,
            full_object_checksum: false,
        }
    }
}

impl fmt::Debug for TransferConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferConfig")
            .field("multipart_threshold", &self.multipart_threshold)
            .field("multipart_chunksize", &self.multipart_chunksize)
            .field("max_concurrency", &self.max_concurrency)
            .field("num_download_attempts", &self.num_download_attempts)
            .field("max_io_queue", &self.max_io_queue)
            .field("io_chunksize", &self.io_chunksize)
            .field("use_threads", &self.use_threads)
            .field("max_bandwidth", &self.max_bandwidth)
            .field("full_object_checksum", &self.full_object_checksum)
            .finish()
    }
}

impl TransferConfig {
    /// The configuration with `multipart_threshold` set.
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes;
        self
    }

    /// The configuration with `multipart_chunksize` set.
    pub fn multipart_chunksize(mut self, bytes: u64) -> Self {
        self.multipart_chunksize = bytes;
        self
    }

    /// The configuration with `max_concurrency` set.
    pub fn max_concurrency(mut self, requests: usize) -> Self {
        self.max_concurrency = requests;
        self
    }

    /// The configuration with `num_download_attempts` set.
    pub fn num_download_attempts(mut self, attempts: u32) -> Self {
        self.num_download_attempts = attempts;
        self
    }

    /// The configuration with `io_chunksize` set.
    pub fn io_chunksize(mut self, bytes: u64) -> Self {
        self.io_chunksize = bytes;
        self
    }

    /// The configuration with `use_threads` set.
    pub fn use_threads(mut self, on: bool) -> Self {
        self.use_threads = on;
        self
    }

    /// The configuration with `max_bandwidth` set (bytes per second).
    pub fn max_bandwidth(mut self, bytes_per_second: Option<u64>) -> Self {
        self.max_bandwidth = bytes_per_second;
        self
    }

    /// The configuration with `full_object_checksum` set.
    pub fn full_object_checksum(mut self, on: bool) -> Self {
        self.full_object_checksum = on;
        self
    }

    /// How many requests may run at once: one without threads, as boto3.
    pub fn concurrency(&self) -> usize {
        if self.use_threads {
            self.max_concurrency.max(1)
        } else {
            1
        }
    }

    /// Refuses zero values, as boto3's `TransferConfig` does ("must be greater than 0").
    pub fn validate(&self) -> Result<(), Error> {
        let zero = [
            ("multipart_threshold", self.multipart_threshold == 0),
            ("multipart_chunksize", self.multipart_chunksize == 0),
            ("max_concurrency", self.max_concurrency == 0),
            ("num_download_attempts", self.num_download_attempts == 0),
            ("max_io_queue", self.max_io_queue == 0),
            ("io_chunksize", self.io_chunksize == 0),
            ("max_bandwidth", self.max_bandwidth == Some(0)),
        ];
        match zero.iter().find(|(_, is_zero)| *is_zero) {
            Some((name, _)) => {
                Err(Error::new(ErrorKind::InvalidInput, format!("TransferConfig.{name} must be greater than 0")))
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_boto3s() {
        let c = TransferConfig::default();
        assert_eq!(c.multipart_threshold, 8 * 1024 * 1024);
        assert_eq!(c.multipart_chunksize, 8 * 1024 * 1024);
        assert_eq!(c.max_concurrency, 10);
        assert_eq!(c.num_download_attempts, 5);
        assert_eq!(c.max_io_queue, 100);
        assert_eq!(c.io_chunksize, 262_144);
        assert!(c.use_threads);
        assert_eq!(c.max_bandwidth, None);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn zero_values_are_refused_by_name_and_threads_off_means_one() {
        let err = TransferConfig::default().max_concurrency(0).validate().unwrap_err();
        assert!(err.to_string().contains("max_concurrency must be greater than 0"), "{err}");
        let err = TransferConfig::default().max_bandwidth(Some(0)).validate().unwrap_err();
        assert!(err.to_string().contains("max_bandwidth"), "{err}");
        assert_eq!(TransferConfig::default().use_threads(false).concurrency(), 1);
        assert_eq!(TransferConfig::default().max_concurrency(3).concurrency(), 3);
    }
}
