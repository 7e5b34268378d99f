use super::*;

/// A minimal inflater for what [`gzip`] writes: stored and fixed-Huffman blocks. It checks every
/// field strictly, so a malformed stream fails the test rather than decoding to something.
struct Inflater<'a> {
    data: &'a [u8],
    /// The position in bits.
    bit: usize,
}

impl Inflater<'_> {
    fn bits(&mut self, n: usize) -> u32 {
        let mut value = 0;
        for i in 0..n {
            let byte = self.data[self.bit / 8];
            value |= u32::from(byte >> (self.bit % 8) & 1) << i;
            self.bit += 1;
        }
        value
    }

    /// Reads a Huffman code most significant bit first.
    fn code(&mut self, n: usize) -> u32 {
        (0..n).fold(0, |code, _| code << 1 | self.bits(1))
    }

    fn literal_length(&mut self) -> u32 {
        let code = self.code(7);
        if code <= 0b001_0111 {
            return 256 + code;
        }
        let code = code << 1 | self.bits(1);
        match code {
            0b0011_0000..=0b1011_1111 => code - 0b0011_0000,
            0b1100_0000..=0b1100_0111 => 280 + code - 0b1100_0000,
            _ => 144 + (code << 1 | self.bits(1)) - 0b1_1001_0000,
        }
    }

    fn inflate(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let last = self.bits(1) == 1;
            match self.bits(2) {
                0 => {
                    self.bit = self.bit.div_ceil(8) * 8;
                    let len = self.bits(16) as usize;
                    assert_eq!(self.bits(16) as usize, !len & 0xFFFF, "stored block length check");
                    for _ in 0..len {
                        out.push(self.bits(8) as u8);
                    }
                }
                1 => loop {
                    let symbol = self.literal_length();
                    match symbol {
                        0..=255 => out.push(symbol as u8),
                        256 => break,
                        257..=285 => {
                            let code = symbol as usize - 257;
                            let len =
                                usize::from(LENGTH_BASE[code]) + self.bits(usize::from(LENGTH_EXTRA[code])) as usize;
                            let dcode = self.code(5) as usize;
                            assert!(dcode < 30, "distance code {dcode}");
                            let dist =
                                usize::from(DIST_BASE[dcode]) + self.bits(usize::from(DIST_EXTRA[dcode])) as usize;
                            assert!(dist <= out.len() && dist <= WINDOW, "distance {dist} reaches before the start");
                            for _ in 0..len {
                                out.push(out[out.len() - dist]);
                            }
                        }
                        _ => panic!("invalid literal/length symbol {symbol}"),
                    }
                },
                kind => panic!("block type {kind} is not written by this encoder"),
            }
            if last {
                return out;
            }
        }
    }
}

/// Decodes a gzip member, checking the header fields, the CRC-32 and the length.
fn gunzip(member: &[u8]) -> Vec<u8> {
    assert_eq!(member[..10], [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255], "header");
    let body = &member[10..member.len() - 8];
    let mut inflater = Inflater { data: body, bit: 0 };
    let out = inflater.inflate();
    assert_eq!(inflater.bit.div_ceil(8), body.len(), "nothing follows the deflate stream");
    let trailer = &member[member.len() - 8..];
    assert_eq!(trailer[..4], crc32(&out).to_le_bytes(), "CRC-32");
    assert_eq!(trailer[4..], (out.len() as u32).to_le_bytes(), "ISIZE");
    out
}

fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// A query body of the size and shape request compression is for.
fn xml_like(len: usize) -> Vec<u8> {
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PutMetricDataRequest>\n");
    let mut i = 0u64;
    while text.len() < len {
        let value = (i * 7919) % 100_003;
        text.push_str(&format!(
            "  <member><MetricName>Latency{}</MetricName><Value>{value}.{}</Value><Unit>Milliseconds</Unit>\
             <Dimensions><member><Name>Host</Name><Value>host-{}</Value></member></Dimensions></member>\n",
            i % 17,
            i % 10,
            i % 251
        ));
        i += 1;
    }
    text.truncate(len);
    text.into_bytes()
}

#[test]
fn round_trips() {
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a".to_vec(),
        b"ab".to_vec(),
        b"abc".to_vec(),
        b"aaaa".to_vec(),
        vec![0; 1000],
        vec![0xFF; 259],
        b"Action=PutMetricData&Version=2010-08-01&Namespace=Test".to_vec(),
        noise(5000, 7),
        xml_like(100 * 1024),
    ];
    // Repeats far apart: distances near the 32 KiB limit and beyond it.
    let block = noise(300, 99);
    let mut far = block.clone();
    far.extend(noise(32 * 1024 - 300, 3));
    far.extend(&block);
    far.extend(noise(10, 5));
    far.extend(&block);
    inputs.push(far);
    // Every match length from 3 to 258 and beyond, each after a fresh literal.
    let mut lengths = Vec::new();
    for len in 3..=300 {
        lengths.push(len as u8);
        lengths.extend(std::iter::repeat_n(b'x', len));
    }
    inputs.push(lengths);
    for input in &inputs {
        let compressed = gzip(input);
        assert_eq!(gunzip(&compressed), *input, "round trip of {} bytes", input.len());
    }
}

#[test]
fn text_compresses() {
    let text = xml_like(100 * 1024);
    let compressed = gzip(&text);
    // Fixed codes alone would save about 0 to 10 percent; LZ77 must find the repeats.
    assert!(compressed.len() * 4 < text.len(), "{} bytes from {}", compressed.len(), text.len());
    let zeros = gzip(&vec![0; 100_000]);
    assert!(zeros.len() < 1_000, "{} bytes for 100 000 zeros", zeros.len());
}

#[test]
fn known_output() {
    // These bytes were written by this encoder and decompressed by Python's `gzip.decompress`,
    // so any change to them is a change of format that must be checked the same way again.
    assert_eq!(gzip(b""), [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(gzip(b"hello hello hello hello"), KNOWN_HELLO);
}

/// `hello hello hello hello`: six literals, a copy of 17 bytes from 6 back and the end of block.
const KNOWN_HELLO: [u8; 27] =
    [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255, 203, 72, 205, 201, 201, 87, 192, 32, 1, 227, 81, 61, 141, 23, 0, 0, 0];

#[test]
fn code_tables() {
    // The last length code covers 227..=257 with five extra bits; 258 has a code of its own.
    assert_eq!(LENGTH_CODE[0], 0);
    assert_eq!(LENGTH_CODE[257 - 3], 27);
    assert_eq!(LENGTH_CODE[258 - 3], 28);
    let dist_code = |d: usize| if d - 1 < 256 { DIST_CODE[d - 1] } else { DIST_CODE[256 + ((d - 1) >> 7)] };
    for code in 0..30 {
        assert_eq!(usize::from(dist_code(usize::from(DIST_BASE[code]))), code);
        let last = usize::from(DIST_BASE[code]) + (1 << DIST_EXTRA[code]) - 1;
        assert_eq!(usize::from(dist_code(last)), code, "last distance {last} of code {code}");
    }
    assert_eq!(FIXED_CODES[256], (0, 7));
    assert_eq!(FIXED_CODES[0], (reverse(0x30, 8) as u16, 8));
    assert_eq!(FIXED_CODES[255], (reverse(0x1FF, 9) as u16, 9));
}
