//! A deterministic pseudo-random generator for the runtime's randomized tests (xorshift64*), so a
//! failure reproduces and no `rand` crate is needed.

pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in `0..n` (`n` must not be zero).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One random edit of `bytes` (not empty): a byte replaced by, or inserted from, `alphabet`,
    /// or a byte removed. The fuzz-style tests apply a few to valid documents.
    pub(crate) fn mutate(&mut self, bytes: &mut Vec<u8>, alphabet: &[u8]) {
        let at = self.below(bytes.len());
        let byte = alphabet[self.below(alphabet.len())];
        match self.below(3) {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ => {
                bytes.remove(at);
            }
        }
    }
}
