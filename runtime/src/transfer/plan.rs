//! Part planning: how an object of a known size is split into parts.
//!
//! Uploads and copies follow S3's limits as s3transfer's `ChunksizeAdjuster` does: the part
//! size is doubled until the object needs at most 10,000 parts, then held between 5 MiB and
//! 5 GiB. Downloads have no such limits and use the configured size as it is.

use core::ops::Range;

use super::config::MIB;

/// The most parts one multipart upload may have.
pub const MAX_PARTS: u64 = 10_000;
/// The smallest part S3 accepts (except the last).
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// The largest part S3 accepts.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;

/// The part size of an upload or copy of `size` bytes, starting from `chunksize`.
pub fn upload_part_size(chunksize: u64, size: u64) -> u64 {
    let mut part = chunksize.max(1);
    while size.div_ceil(part) > MAX_PARTS {
        part = part.saturating_mul(2);
    }
    part.clamp(MIN_PART_SIZE, MAX_PART_SIZE)
}

/// The byte ranges of `size` bytes cut into parts of `part_size`, in order; none for an empty
/// object.
pub fn ranges(size: u64, part_size: u64) -> impl Iterator<Item = Range<u64>> {
    let part_size = part_size.max(1);
    (0..size.div_ceil(part_size)).map(move |i| {
        let start = i * part_size;
        start..(start + part_size).min(size)
    })
}

/// The HTTP `Range` (and `x-amz-copy-source-range`) value of a byte range: inclusive ends.
pub fn range_header(range: &Range<u64>) -> String {
    format!("bytes={}-{}", range.start, range.end.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_size_is_raised_until_ten_thousand_parts_fit() {
        // 8 MiB parts fit 78.125 GiB in 10,000 parts; 100 GiB needs 16 MiB (doubling, as
        // s3transfer), and the result never drops under S3's 5 MiB minimum.
        assert_eq!(upload_part_size(8 * MIB, 50 * MIB), 8 * MIB);
        assert_eq!(upload_part_size(8 * MIB, 10_000 * 8 * MIB), 8 * MIB);
        assert_eq!(upload_part_size(8 * MIB, 10_000 * 8 * MIB + 1), 16 * MIB);
        assert_eq!(upload_part_size(8 * MIB, 100 * 1024 * MIB), 16 * MIB);
        assert_eq!(upload_part_size(1024, 1), MIN_PART_SIZE);
        assert_eq!(upload_part_size(6 * 1024 * MIB, 1), MAX_PART_SIZE);
        // 5 TiB, S3's largest object, fits in 10,000 parts of at most 5 GiB.
        let five_tib = 5 * 1024 * 1024 * MIB;
        assert!(five_tib.div_ceil(upload_part_size(8 * MIB, five_tib)) <= MAX_PARTS);
    }

    #[test]
    fn ranges_cover_the_object_exactly() {
        let parts: Vec<_> = ranges(11, 5).collect();
        assert_eq!(parts, vec![0..5, 5..10, 10..11]);
        assert_eq!(ranges(10, 5).count(), 2);
        assert_eq!(ranges(0, 5).count(), 0);
        assert_eq!(range_header(&(5..10)), "bytes=5-9");
        assert_eq!(range_header(&(0..1)), "bytes=0-0");
    }
}
