//! Idempotency tokens: a fresh UUID (version 4 layout) for every request that leaves one unset.
//!
//! Tokens must be unique, not secret, so they come from the standard library's randomly keyed
//! SipHash over a process-wide counter and the clock, which avoids a random-number crate.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::schema::{flags, Schema};
use crate::shape::{Shape, ValueMut, ValueRef};

thread_local! {
    /// A token to use instead of fresh UUIDs on this thread; see [`set_fixed_idempotency_token`].
    static FIXED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Makes every idempotency token filled in on this thread `token` (or random again with
/// `None`). Conformance suites expect a known token, as botocore's tests patch `uuid4`; real
/// callers set the member themselves when they need a known token.
#[doc(hidden)]
pub fn set_fixed_idempotency_token(token: Option<&str>) {
    FIXED.with(|fixed| *fixed.borrow_mut() = token.map(str::to_owned));
}

/// A new UUID such as `4b5c2e8a-1f0d-4c3b-9a7e-0d1c2b3a4f5e`.
pub fn new_uuid() -> String {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let keys = KEYS.get_or_init(RandomState::new);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let half = |salt: u64| {
        let mut h = keys.build_hasher();
        h.write_u64(salt);
        h.write_u64(n);
        h.write_u128(nanos);
        h.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&half(1).to_le_bytes());
    bytes[8..].copy_from_slice(&half(2).to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    // Written into one buffer: a `format!` per byte cost more than the hashing (every call
    // carries an invocation id, so this is on the per-request path).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Sets every unset top-level idempotency-token member of `input` to a fresh UUID, as botocore
/// does before serialising.
pub(crate) fn fill_idempotency_tokens(schema: &'static Schema, input: &mut dyn Shape) {
    for (i, member) in schema.members.iter().enumerate() {
        if !member.has(flags::IDEMPOTENCY_TOKEN) {
            continue;
        }
        let Some(field) = input.field_mut(i) else { continue };
        // A required token is a plain `String`, so empty counts as unset too.
        if matches!(field.get(), Some(ValueRef::Str(s)) if !s.is_empty()) {
            continue;
        }
        if let ValueMut::Str(s) = field.get_mut() {
            *s = FIXED.with(|fixed| fixed.borrow().clone()).unwrap_or_else(new_uuid);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_well_formed_and_distinct() {
        let a = super::new_uuid();
        let b = super::new_uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        let dashes: Vec<usize> = a.char_indices().filter(|(_, c)| *c == '-').map(|(i, _)| i).collect();
        assert_eq!(dashes, [8, 13, 18, 23], "{a}");
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{a}");
    }
}
