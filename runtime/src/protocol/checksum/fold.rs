//! Carry-less multiplication folding for the reflected CRCs (Intel's "Fast CRC Computation for
//! Generic Polynomials Using PCLMULQDQ"): sixteen bytes per multiplication pair instead of one
//! table lookup per byte, which takes a CRC32 from about 1.9 GB/s (slicing-by-8) to memory
//! speed. Every upload part's CRC32 goes through here, so on a loaded machine this is
//! client CPU taken away from the store and the network.
//!
//! Folding only shrinks the input: it returns a 16-byte block that leaves the CRC register
//! exactly where the folded bytes would have, and the caller runs its table-driven code over that
//! block and the tail. So no Barrett reduction is needed, the same code serves CRC32, CRC32C and
//! CRC64/NVME, and the tables stay the definition the results are tested against.
//!
//! The algebra, in the reflected bit order of these CRCs: a 16-byte block read little-endian is
//! the polynomial whose x^127 coefficient is bit 0, so its low 64 bits are the high half `H` and
//! its high 64 bits the low half `L` of `A = H·x^64 + L`. Moving `A` forward by `D` bits is
//! `H·x^(64+D) + L·x^D`, and modulo the CRC polynomial `P` that is `H·k1 + L·k2` with
//! `k1 = x^(63+D) mod P` and `k2 = x^(D-1) mod P`: a carry-less product of two 64-bit reflected
//! values is the reflection of their product times `x`, hence the `- 1`. Since a CRC only
//! depends on its message modulo `P`, the folded block has the same CRC as the bytes it stands
//! for.

/// The multipliers that move a 128-bit block forward by 512, 384, 256 and 128 bits, each as
/// `[k1, k2]` (reflected), for one polynomial.
// Only the x86-64 folding reads them; elsewhere the tables do all the work.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) struct FoldKeys {
    by_512: [u64; 2],
    by_384: [u64; 2],
    by_256: [u64; 2],
    by_128: [u64; 2],
}

impl FoldKeys {
    /// The keys for the reflected polynomial `reflected` of `width` bits (32 or 64).
    pub(super) const fn new(reflected: u64, width: u32) -> Self {
        FoldKeys {
            by_512: keys(reflected, width, 512),
            by_384: keys(reflected, width, 384),
            by_256: keys(reflected, width, 256),
            by_128: keys(reflected, width, 128),
        }
    }
}

const fn keys(reflected: u64, width: u32, distance: u32) -> [u64; 2] {
    [x_pow_mod(reflected, width, distance + 63), x_pow_mod(reflected, width, distance - 1)]
}

/// `x^n mod P` in the reflected 64-bit form a carry-less multiplication takes: bit `63 - i` is
/// the coefficient of `x^i`. Computed bit by bit in the normal form, once, at compile time.
const fn x_pow_mod(reflected: u64, width: u32, n: u32) -> u64 {
    // The normal form of P, its x^width term included.
    let poly: u128 = (1u128 << width) | (reflected.reverse_bits() >> (64 - width)) as u128;
    let mut r: u128 = 1;
    let mut i = 0;
    while i < n {
        r <<= 1;
        if r >> width & 1 == 1 {
            r ^= poly;
        }
        i += 1;
    }
    (r as u64).reverse_bits()
}

/// Below this many bytes the tables are as quick as setting up the vector registers.
const MIN_LEN: usize = 128;

/// Folds the bytes of `data` that fill whole 16-byte blocks, with `register` (the pre-inverted
/// CRC register, zero-extended) mixed into the first bytes, into one block; returns it and the
/// bytes left over. The block continues from a zero register. `None` when the CPU cannot
/// multiply carry-less or `data` is too short to be worth it.
pub(super) fn fold<'a>(keys: &FoldKeys, register: u64, data: &'a [u8]) -> Option<([u8; 16], &'a [u8])> {
    if data.len() < MIN_LEN || !available() {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `available` checked that the CPU has the instructions the function is built for.
        Some(unsafe { x86::fold(keys, register, data) })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (keys, register);
        None
    }
}

/// Whether this CPU takes the folding path (detected once, then a cached flag).
pub(super) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("pclmulqdq") && std::is_x86_feature_detected!("sse2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::{
        __m128i, _mm_clmulepi64_si128, _mm_loadu_si128, _mm_set_epi64x, _mm_storeu_si128, _mm_xor_si128,
    };

    use super::FoldKeys;

    /// See [`super::fold`]; `data` holds at least 64 bytes.
    ///
    /// # Safety
    /// The CPU must support `pclmulqdq` and `sse2`.
    #[target_feature(enable = "pclmulqdq,sse2")]
    pub(super) unsafe fn fold<'a>(keys: &FoldKeys, register: u64, data: &'a [u8]) -> ([u8; 16], &'a [u8]) {
        // Four blocks in flight hide the multiplier's latency.
        let mut x = [load(&data[0..16]), load(&data[16..32]), load(&data[32..48]), load(&data[48..64])];
        x[0] = _mm_xor_si128(x[0], _mm_set_epi64x(0, register as i64));
        let mut rest = &data[64..];
        let by_512 = key(keys.by_512);
        while let Some((next, after)) = rest.split_first_chunk::<64>() {
            for (lane, bytes) in x.iter_mut().zip(next.chunks_exact(16)) {
                *lane = _mm_xor_si128(forward(*lane, by_512), load(bytes));
            }
            rest = after;
        }
        let mut a = _mm_xor_si128(
            _mm_xor_si128(forward(x[0], key(keys.by_384)), forward(x[1], key(keys.by_256))),
            _mm_xor_si128(forward(x[2], key(keys.by_128)), x[3]),
        );
        let by_128 = key(keys.by_128);
        while let Some((next, after)) = rest.split_first_chunk::<16>() {
            a = _mm_xor_si128(forward(a, by_128), load(next));
            rest = after;
        }
        let mut block = [0u8; 16];
        _mm_storeu_si128(block.as_mut_ptr().cast(), a);
        (block, rest)
    }

    /// An unaligned load of the first 16 bytes of `bytes`.
    ///
    /// # Safety
    /// The CPU must support `sse2`.
    #[inline]
    #[target_feature(enable = "sse2")]
    unsafe fn load(bytes: &[u8]) -> __m128i {
        // The length check keeps the load inside the slice in release builds too.
        assert!(bytes.len() >= 16, "a block is 16 bytes");
        _mm_loadu_si128(bytes.as_ptr().cast())
    }

    /// A pair of keys in one register: `k1` in the low half, `k2` in the high half.
    ///
    /// # Safety
    /// The CPU must support `sse2`.
    #[inline]
    #[target_feature(enable = "sse2")]
    unsafe fn key(k: [u64; 2]) -> __m128i {
        _mm_set_epi64x(k[1] as i64, k[0] as i64)
    }

    /// `a` moved forward by the keys' distance: its low half (H) times `k1` plus its high half
    /// (L) times `k2`.
    ///
    /// # Safety
    /// The CPU must support `pclmulqdq` and `sse2`.
    #[inline]
    #[target_feature(enable = "pclmulqdq,sse2")]
    unsafe fn forward(a: __m128i, k: __m128i) -> __m128i {
        _mm_xor_si128(_mm_clmulepi64_si128::<0x00>(a, k), _mm_clmulepi64_si128::<0x11>(a, k))
    }
}
