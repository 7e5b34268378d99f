//! A gzip encoder for request compression (the `requestCompression` trait), so that large
//! `query` and JSON bodies such as CloudWatch `PutMetricData` travel compressed without a new
//! dependency.
//!
//! The output is one RFC 1952 gzip member around one RFC 1951 deflate block with the fixed
//! Huffman codes. Matches come from an LZ77 search over a 32 KiB window with hash chains and one
//! step of lazy matching, as zlib's default level does. Fixed codes make the output about a third
//! larger than zlib's dynamic codes at level 6 on XML-like text (and a little smaller than zlib
//! limited to fixed codes), but they need no second pass over the data and no code-length
//! encoding, which keeps this file small; request bodies are text with long repeats (parameter
//! names), where the LZ77 stage does most of the work.

use super::checksum::crc32;

/// The gzip member of `data`: a 10-byte header, the deflate stream, the CRC-32 and the length.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 32);
    // Magic, CM = 8 (deflate), no flags, no modification time, no extra flags, OS unknown: a
    // fixed header keeps the output (and the request signature) reproducible.
    out.extend_from_slice(&[0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]);
    deflate(data, &mut out);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // ISIZE is the length modulo 2^32 by definition, so the truncation is intended.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Appends the raw deflate stream of `data` (one final block with fixed Huffman codes) to `out`.
fn deflate(data: &[u8], out: &mut Vec<u8>) {
    let mut bits = BitWriter { out, acc: 0, len: 0 };
    // BFINAL = 1, BTYPE = 01 (fixed Huffman codes).
    bits.put(0b011, 3);
    let mut matcher = Matcher::new(data);
    let mut pos = 0;
    // A match found one byte ahead by the lazy step, reused instead of searched again.
    let mut pending: Option<(usize, usize)> = None;
    while pos < data.len() {
        let found = match pending.take() {
            Some(found) => found,
            None => matcher.find(pos),
        };
        matcher.insert(pos);
        let (len, dist) = found;
        if len < MIN_MATCH {
            bits.literal(data[pos]);
            pos += 1;
            continue;
        }
        // Lazy matching: if the match starting at the next byte is longer, this byte goes out
        // as a literal and that match is taken instead.
        if len < LAZY_LIMIT && pos + 1 < data.len() {
            let next = matcher.find(pos + 1);
            if next.0 > len {
                bits.literal(data[pos]);
                pending = Some(next);
                pos += 1;
                continue;
            }
        }
        bits.copy(len, dist);
        for p in pos + 1..pos + len {
            matcher.insert(p);
        }
        pos += len;
    }
    bits.symbol(END_OF_BLOCK);
    bits.flush();
}

/// The shortest and longest matches deflate can express.
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// The farthest a match may reach back.
const WINDOW: usize = 32 * 1024;
const HASH_BITS: u32 = 15;
/// How many earlier positions with the same hash are tried: zlib's level 6 uses 128.
const MAX_CHAIN: usize = 128;
/// A match at least this long is taken without looking further, as zlib's `nice_match`.
const NICE_MATCH: usize = 128;
/// Matches shorter than this are second-guessed by looking one byte ahead.
const LAZY_LIMIT: usize = 32;
/// A three-byte match this far back costs more bits than three literals, as zlib's `TOO_FAR`.
const TOO_FAR: usize = 4096;
/// Marks an empty slot in the hash tables.
const NONE: usize = usize::MAX;

/// LZ77 match finder: for each hash of three bytes, the latest position with that hash, and for
/// each position in the window the previous one with the same hash.
struct Matcher<'a> {
    data: &'a [u8],
    head: Vec<usize>,
    prev: Vec<usize>,
}

impl<'a> Matcher<'a> {
    fn new(data: &'a [u8]) -> Self {
        Matcher { data, head: vec![NONE; 1 << HASH_BITS], prev: vec![NONE; WINDOW] }
    }

    /// The hash of the three bytes at `pos`, when there are three.
    fn hash(&self, pos: usize) -> Option<usize> {
        let bytes = self.data.get(pos..pos + MIN_MATCH)?;
        let word = u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16;
        Some((word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize)
    }

    fn insert(&mut self, pos: usize) {
        if let Some(h) = self.hash(pos) {
            self.prev[pos % WINDOW] = self.head[h];
            self.head[h] = pos;
        }
    }

    /// The longest earlier match for the bytes at `pos` as `(length, distance)`; the length is
    /// below [`MIN_MATCH`] when there is none worth taking.
    fn find(&self, pos: usize) -> (usize, usize) {
        let Some(h) = self.hash(pos) else { return (0, 0) };
        let max = (self.data.len() - pos).min(MAX_MATCH);
        let (mut best_len, mut best_dist) = (0, 0);
        let mut candidate = self.head[h];
        let mut chain = MAX_CHAIN;
        while candidate != NONE && candidate < pos && pos - candidate <= WINDOW && chain > 0 {
            // Checking the byte that would make the match longer first skips most candidates
            // without a full comparison.
            if self.data[candidate + best_len.min(max - 1)] == self.data[pos + best_len.min(max - 1)] {
                let len = common_prefix(&self.data[candidate..], &self.data[pos..], max);
                if len > best_len {
                    best_len = len;
                    best_dist = pos - candidate;
                    if len >= NICE_MATCH.min(max) {
                        break;
                    }
                }
            }
            let next = self.prev[candidate % WINDOW];
            // Chains only go back in time; anything else is a slot reused by a newer position.
            if next == NONE || next >= candidate {
                break;
            }
            candidate = next;
            chain -= 1;
        }
        if best_len == MIN_MATCH && best_dist > TOO_FAR {
            return (0, 0);
        }
        (best_len, best_dist)
    }
}

/// How many leading bytes `a` and `b` share, up to `max`, eight bytes at a time.
fn common_prefix(a: &[u8], b: &[u8], max: usize) -> usize {
    let max = max.min(a.len()).min(b.len());
    let mut len = 0;
    while len + 8 <= max {
        let mut x = [0u8; 8];
        let mut y = [0u8; 8];
        x.copy_from_slice(&a[len..len + 8]);
        y.copy_from_slice(&b[len..len + 8]);
        let diff = u64::from_le_bytes(x) ^ u64::from_le_bytes(y);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while len < max && a[len] == b[len] {
        len += 1;
    }
    len
}

const END_OF_BLOCK: usize = 256;

/// `value` with its low `len` bits in reverse order: Huffman codes are defined most significant
/// bit first but deflate packs bits least significant first.
const fn reverse(value: u32, len: u32) -> u32 {
    value.reverse_bits() >> (32 - len)
}

/// The fixed literal/length code of RFC 1951 section 3.2.6, as (bit-reversed code, length).
const FIXED_CODES: [(u16, u8); 288] = {
    let mut codes = [(0u16, 0u8); 288];
    let mut symbol = 0;
    while symbol < 288 {
        let (code, len) = match symbol {
            0..=143 => (0x30 + symbol, 8),
            144..=255 => (0x190 + symbol - 144, 9),
            256..=279 => (symbol - 256, 7),
            _ => (0xC0 + symbol - 280, 8),
        };
        codes[symbol as usize] = (reverse(code, len) as u16, len as u8);
        symbol += 1;
    }
    codes
};

const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/// The length code (257..=285 as 0..=28) of every match length, indexed by `length - 3`.
const LENGTH_CODE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut code = 0;
    while code < 29 {
        let mut len = LENGTH_BASE[code] as usize;
        let end = if code == 28 { 259 } else { LENGTH_BASE[code + 1] as usize };
        while len < end {
            table[len - 3] = code as u8;
            len += 1;
        }
        code += 1;
    }
    // Length 258 has a code of its own rather than being the top of code 284's range.
    table[255] = 28;
    table
};

/// The distance code of a distance, as zlib looks it up: `d - 1` for the first 256 distances and
/// `256 + (d - 1) / 128` for the rest, whose codes all start on multiples of 128.
const DIST_CODE: [u8; 512] = {
    let mut table = [0u8; 512];
    let mut code = 0;
    while code < 30 {
        let start = DIST_BASE[code] as usize - 1;
        let end = if code == 29 { WINDOW } else { DIST_BASE[code + 1] as usize - 1 };
        let mut d = start;
        while d < end {
            if d < 256 {
                table[d] = code as u8;
            } else {
                table[256 + (d >> 7)] = code as u8;
            }
            d += 1;
        }
        code += 1;
    }
    table
};

/// Packs codes least significant bit first into bytes.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    /// Bits waiting in `acc`, always below 32 between calls.
    len: u32,
}

impl BitWriter<'_> {
    /// Appends the low `len` bits of `bits`; `len` is at most 32.
    fn put(&mut self, bits: u32, len: u32) {
        self.acc |= u64::from(bits) << self.len;
        self.len += len;
        if self.len >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.len -= 32;
        }
    }

    fn symbol(&mut self, symbol: usize) {
        let (code, len) = FIXED_CODES[symbol];
        self.put(u32::from(code), u32::from(len));
    }

    fn literal(&mut self, byte: u8) {
        self.symbol(usize::from(byte));
    }

    /// A back-reference of `len` bytes (3..=258) from `dist` bytes back (1..=32768).
    fn copy(&mut self, len: usize, dist: usize) {
        let code = usize::from(LENGTH_CODE[len - MIN_MATCH]);
        self.symbol(257 + code);
        self.put((len - usize::from(LENGTH_BASE[code])) as u32, u32::from(LENGTH_EXTRA[code]));
        let d = dist - 1;
        let code = usize::from(if d < 256 { DIST_CODE[d] } else { DIST_CODE[256 + (d >> 7)] });
        // Distance codes are five bits, reversed like every Huffman code.
        self.put(reverse(code as u32, 5), 5);
        self.put((dist - usize::from(DIST_BASE[code])) as u32, u32::from(DIST_EXTRA[code]));
    }

    /// Writes out the last partial byte, padded with zeros.
    fn flush(&mut self) {
        while self.len > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len = self.len.saturating_sub(8);
        }
    }
}

#[cfg(test)]
#[path = "gzip_tests.rs"]
mod tests;
