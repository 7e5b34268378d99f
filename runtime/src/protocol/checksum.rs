//! Request and response checksums: the five algorithms of the `httpChecksum` trait (CRC32,
//! CRC32C, CRC64/NVME, SHA-1, SHA-256) and MD5 for `Content-MD5`.
//!
//! Every algorithm is incremental, so a streaming body can be checksummed chunk by chunk as it is
//! sent and the value put in a trailer. The CRCs are table-driven, eight bytes at a time
//! ("slicing-by-8"), with tables computed by `const fn` at compile time; on x86-64 CPUs with
//! carry-less multiplication, inputs of 128 bytes and more are first folded sixteen bytes at a
//! time (`fold`), which makes an upload part's CRC32 about ten times cheaper. SHA-256 comes
//! from ring, already compiled for TLS (it uses the CPU's SHA extensions where present); SHA-1
//! and MD5 are written here because they are short and MD5 is in no dependency of the runtime.
//! None of this is used as a security boundary: the checksums detect corruption, and signing is
//! what authenticates a request.

use core::fmt;

use crate::types::base64_encode;

/// A checksum algorithm of the `httpChecksum` trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in the order AWS SDKs prefer them when a response offers several.
    pub const ALL: [ChecksumAlgorithm; 5] = [
        ChecksumAlgorithm::Crc64Nvme,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
    ];

    /// The algorithm named `name` (`CRC32`, `crc32c`, `CRC64NVME`, `SHA1`, `SHA256`), in any case,
    /// as the models' `requestAlgorithmMember` enums and users spell them.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|algorithm| algorithm.name().eq_ignore_ascii_case(name))
    }

    /// The model's name of the algorithm, such as `CRC32C`.
    pub const fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "CRC32",
            ChecksumAlgorithm::Crc32c => "CRC32C",
            ChecksumAlgorithm::Crc64Nvme => "CRC64NVME",
            ChecksumAlgorithm::Sha1 => "SHA1",
            ChecksumAlgorithm::Sha256 => "SHA256",
        }
    }

    /// The header (or trailer) that carries the checksum, such as `x-amz-checksum-crc32`.
    pub const fn header_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            ChecksumAlgorithm::Sha1 => "x-amz-checksum-sha1",
            ChecksumAlgorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The length of the digest in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
            ChecksumAlgorithm::Crc64Nvme => 8,
            ChecksumAlgorithm::Sha1 => 20,
            ChecksumAlgorithm::Sha256 => 32,
        }
    }

    /// The checksum of `data` in one call.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut checksum = Checksum::new(self);
        checksum.update(data);
        checksum.finish()
    }

    /// The checksum of `data`, base64-encoded as the header carries it.
    pub fn digest_base64(self, data: &[u8]) -> String {
        base64_encode(&self.digest(data))
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An incremental checksum: feed the body with [`update`](Self::update) in as many pieces as it
/// comes in, then take the digest with [`finish`](Self::finish).
#[derive(Clone)]
pub struct Checksum {
    state: State,
}

#[derive(Clone)]
enum State {
    /// The CRCs keep their register inverted between updates, as the algorithms define it.
    Crc32(u32),
    Crc32c(u32),
    Crc64Nvme(u64),
    Sha1(Sha1),
    /// Boxed: ring's context holds a buffer for SHA-512's larger blocks too, and would make
    /// every checksum (and every body that carries one) twice as large.
    Sha256(Box<ring::digest::Context>),
}

impl Checksum {
    /// A checksum of nothing yet.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let state = match algorithm {
            ChecksumAlgorithm::Crc32 => State::Crc32(!0),
            ChecksumAlgorithm::Crc32c => State::Crc32c(!0),
            ChecksumAlgorithm::Crc64Nvme => State::Crc64Nvme(!0),
            ChecksumAlgorithm::Sha1 => State::Sha1(Sha1::new()),
            ChecksumAlgorithm::Sha256 => State::Sha256(Box::new(ring::digest::Context::new(&ring::digest::SHA256))),
        };
        Checksum { state }
    }

    /// Which algorithm this is.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        match self.state {
            State::Crc32(_) => ChecksumAlgorithm::Crc32,
            State::Crc32c(_) => ChecksumAlgorithm::Crc32c,
            State::Crc64Nvme(_) => ChecksumAlgorithm::Crc64Nvme,
            State::Sha1(_) => ChecksumAlgorithm::Sha1,
            State::Sha256(_) => ChecksumAlgorithm::Sha256,
        }
    }

    /// Adds the next bytes of the body.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(crc) => *crc = crc32_update(&CRC32_TABLES, &CRC32_FOLD, *crc, data),
            State::Crc32c(crc) => *crc = crc32_update(&CRC32C_TABLES, &CRC32C_FOLD, *crc, data),
            State::Crc64Nvme(crc) => *crc = crc64_update(&CRC64_NVME_TABLES, &CRC64_NVME_FOLD, *crc, data),
            State::Sha1(sha1) => sha1.update(data),
            State::Sha256(sha256) => sha256.update(data),
        }
    }

    /// The digest: CRCs as big-endian bytes, as AWS sends them, and hashes as they are.
    pub fn finish(self) -> Vec<u8> {
        match self.state {
            State::Crc32(crc) | State::Crc32c(crc) => (!crc).to_be_bytes().to_vec(),
            State::Crc64Nvme(crc) => (!crc).to_be_bytes().to_vec(),
            State::Sha1(sha1) => sha1.finish().to_vec(),
            State::Sha256(sha256) => sha256.finish().as_ref().to_vec(),
        }
    }

    /// The digest base64-encoded, the form of the `x-amz-checksum-*` headers and trailers.
    pub fn finish_base64(self) -> String {
        base64_encode(&self.finish())
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Checksum").field(&self.algorithm()).finish()
    }
}

/// CRC-32 (ISO-HDLC, as in zlib and gzip) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    !crc32_update(&CRC32_TABLES, &CRC32_FOLD, !0, data)
}

/// The CRC-32 of some bytes followed by `data`, from `crc`, the CRC-32 of those bytes (zlib's
/// `crc32(crc, buf, len)`): a CRC taken piece by piece, each piece while it is in cache.
pub fn crc32_continue(crc: u32, data: &[u8]) -> u32 {
    !crc32_update(&CRC32_TABLES, &CRC32_FOLD, !crc, data)
}

/// CRC-32C (Castagnoli, as in iSCSI) of `data`.
pub fn crc32c(data: &[u8]) -> u32 {
    !crc32_update(&CRC32C_TABLES, &CRC32C_FOLD, !0, data)
}

/// CRC-64/NVME of `data`.
pub fn crc64_nvme(data: &[u8]) -> u64 {
    !crc64_update(&CRC64_NVME_TABLES, &CRC64_NVME_FOLD, !0, data)
}

/// The CRC-32 of `a` followed by `b`, from `crc32(a)`, `crc32(b)` and `b`'s length: how the
/// CRC of a whole object is had from its parts' CRCs without reading the object again (S3's
/// `FULL_OBJECT` checksum of a multipart upload).
pub fn crc32_combine(crc_a: u32, crc_b: u32, len_b: u64) -> u32 {
    crc_combine(u64::from(crc_a), u64::from(crc_b), len_b, u64::from(CRC32_POLY), 32) as u32
}

/// [`crc32_combine`] for CRC-32C.
pub fn crc32c_combine(crc_a: u32, crc_b: u32, len_b: u64) -> u32 {
    crc_combine(u64::from(crc_a), u64::from(crc_b), len_b, u64::from(CRC32C_POLY), 32) as u32
}

/// [`crc32_combine`] for CRC-64/NVME.
pub fn crc64_nvme_combine(crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
    crc_combine(crc_a, crc_b, len_b, CRC64_NVME_POLY, 64)
}

/// A CRC is linear over GF(2): the CRC of `a ‖ b` is the CRC of `a` carried through `len_b`
/// zero bytes (a multiplication by x^(8·len_b) modulo the polynomial) xor the CRC of `b`; the
/// initial and final inversions cancel out. Powers are taken by repeated squaring, so the
/// cost is logarithmic in the length.
fn crc_combine(crc_a: u64, crc_b: u64, len_b: u64, poly: u64, width: u32) -> u64 {
    // In the reflected form the highest bit of the register is x^0.
    let one = 1u64 << (width - 1);
    let mul = |a: u64, mut b: u64| -> u64 {
        let mut product = 0;
        let mut bit = one;
        while bit != 0 {
            if a & bit != 0 {
                product ^= b;
            }
            b = if b & 1 != 0 { (b >> 1) ^ poly } else { b >> 1 };
            bit >>= 1;
        }
        product
    };
    // x^8: one byte of zeros.
    let mut power = one >> 8;
    let mut shift = one;
    let mut n = len_b;
    while n != 0 {
        if n & 1 != 0 {
            shift = mul(power, shift);
        }
        power = mul(power, power);
        n >>= 1;
    }
    mul(shift, crc_a) ^ crc_b
}

/// The reflected polynomials: the bit order of the CRCs is least significant bit first.
const CRC32_POLY: u32 = 0xEDB8_8320;
const CRC32C_POLY: u32 = 0x82F6_3B78;
const CRC64_NVME_POLY: u64 = 0x9A6C_9329_AC4B_C9B5;

static CRC32_TABLES: [[u32; 256]; 8] = crc32_tables(CRC32_POLY);
static CRC32C_TABLES: [[u32; 256]; 8] = crc32_tables(CRC32C_POLY);
static CRC64_NVME_TABLES: [[u64; 256]; 8] = crc64_tables(CRC64_NVME_POLY);

mod fold;
use fold::FoldKeys;

static CRC32_FOLD: FoldKeys = FoldKeys::new(CRC32_POLY as u64, 32);
static CRC32C_FOLD: FoldKeys = FoldKeys::new(CRC32C_POLY as u64, 32);
static CRC64_NVME_FOLD: FoldKeys = FoldKeys::new(CRC64_NVME_POLY, 64);

/// The 32-bit slicing-by-8 tables: those of [`crc64_tables`] narrowed, since the reflected
/// algorithm never sets a bit above the polynomial's highest.
const fn crc32_tables(poly: u32) -> [[u32; 256]; 8] {
    let wide = crc64_tables(poly as u64);
    let mut t = [[0u32; 256]; 8];
    let mut k = 0;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            t[k][i] = wide[k][i] as u32;
            i += 1;
        }
        k += 1;
    }
    t
}

/// Slicing-by-8 tables: `t[0]` is the classic byte-at-a-time table and `t[k][b]` is the CRC
/// register after byte `b` followed by `k` zero bytes, so eight table lookups consume eight
/// input bytes at once.
const fn crc64_tables(poly: u64) -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ poly } else { crc >> 1 };
            bit += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let previous = t[k - 1][i];
            t[k][i] = (previous >> 8) ^ t[0][(previous & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// Advances a (pre-inverted) 32-bit CRC register over `data`: folded by carry-less
/// multiplication where the CPU has it, the rest (and everything elsewhere) by the tables.
fn crc32_update(t: &[[u32; 256]; 8], fold_keys: &FoldKeys, crc: u32, data: &[u8]) -> u32 {
    match fold::fold(fold_keys, u64::from(crc), data) {
        Some((block, rest)) => crc32_table_update(t, crc32_table_update(t, 0, &block), rest),
        None => crc32_table_update(t, crc, data),
    }
}

/// Advances a (pre-inverted) 64-bit CRC register over `data`, as [`crc32_update`] does.
fn crc64_update(t: &[[u64; 256]; 8], fold_keys: &FoldKeys, crc: u64, data: &[u8]) -> u64 {
    match fold::fold(fold_keys, crc, data) {
        Some((block, rest)) => crc64_table_update(t, crc64_table_update(t, 0, &block), rest),
        None => crc64_table_update(t, crc, data),
    }
}

/// Advances a (pre-inverted) 32-bit CRC register over `data` by the slicing-by-8 tables.
fn crc32_table_update(t: &[[u32; 256]; 8], mut crc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // The register folds into the first four bytes; the last four only pass through tables.
        let x = u64::from_le_bytes(word) ^ u64::from(crc);
        let byte = |n: u32| (x >> (8 * n) & 0xFF) as usize;
        crc = t[7][byte(0)]
            ^ t[6][byte(1)]
            ^ t[5][byte(2)]
            ^ t[4][byte(3)]
            ^ t[3][byte(4)]
            ^ t[2][byte(5)]
            ^ t[1][byte(6)]
            ^ t[0][byte(7)];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ u32::from(b)) & 0xFF) as usize];
    }
    crc
}

/// Advances a (pre-inverted) 64-bit CRC register over `data` by the slicing-by-8 tables.
fn crc64_table_update(t: &[[u64; 256]; 8], mut crc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ crc;
        let byte = |n: u32| (x >> (8 * n) & 0xFF) as usize;
        crc = t[7][byte(0)]
            ^ t[6][byte(1)]
            ^ t[5][byte(2)]
            ^ t[4][byte(3)]
            ^ t[3][byte(4)]
            ^ t[2][byte(5)]
            ^ t[1][byte(6)]
            ^ t[0][byte(7)];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ u64::from(b)) & 0xFF) as usize];
    }
    crc
}

/// The 64-byte block framing MD5 and SHA-1 share: input is gathered into blocks, and the end is
/// padded with `0x80`, zeros and the bit length so that it fills whole blocks.
#[derive(Clone)]
struct Blocks {
    buffer: [u8; 64],
    /// Bytes waiting in `buffer`, always below 64 between calls.
    buffered: usize,
    /// Bytes seen so far; the algorithms define the length modulo 2^64 bits.
    total: u64,
}

impl Blocks {
    const fn new() -> Self {
        Blocks { buffer: [0; 64], buffered: 0, total: 0 }
    }

    fn update(&mut self, mut data: &[u8], mut compress: impl FnMut(&[u8; 64])) {
        self.total = self.total.wrapping_add(data.len() as u64);
        if self.buffered > 0 {
            let take = (64 - self.buffered).min(data.len());
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < 64 {
                return;
            }
            compress(&self.buffer);
            self.buffered = 0;
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            if let Ok(block) = <&[u8; 64]>::try_from(block) {
                compress(block);
            }
        }
        let rest = blocks.remainder();
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    /// Pads and compresses the last block(s); `length` encodes the bit count in the algorithm's
    /// byte order.
    fn finish(mut self, length: impl Fn(u64) -> [u8; 8], mut compress: impl FnMut(&[u8; 64])) {
        let bits = self.total.wrapping_mul(8);
        self.buffer[self.buffered] = 0x80;
        self.buffer[self.buffered + 1..].fill(0);
        if self.buffered >= 56 {
            compress(&self.buffer);
            self.buffer = [0; 64];
        }
        self.buffer[56..].copy_from_slice(&length(bits));
        compress(&self.buffer);
    }
}

/// Incremental SHA-1 (FIPS 180-4), for `x-amz-checksum-sha1` and the AWS CLI's SSO cache names.
#[derive(Clone)]
pub struct Sha1 {
    state: [u32; 5],
    blocks: Blocks,
}

impl Default for Sha1 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha1 {
    pub const fn new() -> Self {
        Sha1 { state: [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0], blocks: Blocks::new() }
    }

    pub fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.update(data, |block| sha1_compress(state, block));
    }

    pub fn finish(mut self) -> [u8; 20] {
        let state = &mut self.state;
        self.blocks.finish(u64::to_be_bytes, |block| sha1_compress(state, block));
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// The SHA-1 digest of `data`.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut sha1 = Sha1::new();
    sha1.update(data);
    sha1.finish()
}

/// The lowercase hex SHA-1 digest of `data`, the name of an SSO token cache file.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    use core::fmt::Write;
    let mut hex = String::with_capacity(40);
    for byte in sha1(data) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn sha1_compress(h: &mut [u32; 5], block: &[u8; 64]) {
    let mut w = [0u32; 80];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..80 {
        w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for (i, word) in w.iter().enumerate() {
        let (f, k) = match i {
            0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*word);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    for (state, value) in h.iter_mut().zip([a, b, c, d, e]) {
        *state = state.wrapping_add(value);
    }
}

/// Incremental MD5 (RFC 1321), for the `Content-MD5` header some operations require.
#[derive(Clone)]
pub struct Md5 {
    state: [u32; 4],
    blocks: Blocks,
}

impl Default for Md5 {
    fn default() -> Self {
        Self::new()
    }
}

impl Md5 {
    pub const fn new() -> Self {
        Md5 { state: [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476], blocks: Blocks::new() }
    }

    pub fn update(&mut self, data: &[u8]) {
        let state = &mut self.state;
        self.blocks.update(data, |block| md5_compress(state, block));
    }

    pub fn finish(mut self) -> [u8; 16] {
        let state = &mut self.state;
        self.blocks.finish(u64::to_le_bytes, |block| md5_compress(state, block));
        let mut out = [0u8; 16];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }
}

/// The MD5 digest of `data`; base64-encode it for `Content-MD5`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(data);
    md5.finish()
}

/// The per-step left rotations of MD5, four per round.
const MD5_SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// `floor(abs(sin(i + 1)) * 2^32)`, the additive constants of RFC 1321.
const MD5_K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

fn md5_compress(h: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (i, word) in block.chunks_exact(4).enumerate() {
        m[i] = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
    }
    let [mut a, mut b, mut c, mut d] = *h;
    for i in 0..64 {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let rotated =
            a.wrapping_add(f).wrapping_add(MD5_K[i]).wrapping_add(m[g]).rotate_left(MD5_SHIFTS[i / 16 * 4 + i % 4]);
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(rotated);
    }
    for (state, value) in h.iter_mut().zip([a, b, c, d]) {
        *state = state.wrapping_add(value);
    }
}

#[cfg(test)]
#[path = "checksum_tests.rs"]
mod tests;
