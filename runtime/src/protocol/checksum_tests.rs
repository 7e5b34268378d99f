use super::*;

/// Inputs and their digests, computed with Python's `zlib` and `hashlib` and a bitwise CRC over
/// each reflected polynomial (the `Hello world` CRC32 is also the AWS documentation's example).
const VECTORS: &[(&[u8], [&str; 5], &str)] = &[
    // (input, [crc32, crc32c, crc64nvme, sha1, sha256] in base64, md5 in hex)
    (
        b"",
        [
            "AAAAAA==",
            "AAAAAA==",
            "AAAAAAAAAAA=",
            "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ],
        "d41d8cd98f00b204e9800998ecf8427e",
    ),
    (
        b"123456789",
        [
            "y/Q5Jg==",
            "4waSgw==",
            "rosUhgp5mIg=",
            "98O8HYCOBHMq32eZZczDTKeuNEE=",
            "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=",
        ],
        "25f9e794323b453885f5181f1b624d0b",
    ),
    (
        b"Hello world",
        [
            "i9aeUg==",
            "crUfeA==",
            "OOJZ0D8xKts=",
            "e1AsOh9IyGCa4hLN+2Od7jlnP14=",
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=",
        ],
        "3e25960a79dbc69b674cd4ec67a72c62",
    ),
    (
        b"The quick brown fox jumps over the lazy dog",
        [
            "QU+jOQ==",
            "ImIEBA==",
            "12xUBUlUwUM=",
            "L9ThxnotKPzthJ7hu3bnORuT6xI=",
            "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI=",
        ],
        "9e107d9d372bb6826bd81d3542a419d6",
    ),
];

const ORDER: [ChecksumAlgorithm; 5] = [
    ChecksumAlgorithm::Crc32,
    ChecksumAlgorithm::Crc32c,
    ChecksumAlgorithm::Crc64Nvme,
    ChecksumAlgorithm::Sha1,
    ChecksumAlgorithm::Sha256,
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bit-at-a-time CRCs straight from the definitions, to check the sliced tables against.
fn crc32_bitwise(poly: u32, data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ poly } else { crc >> 1 };
        }
    }
    !crc
}

fn crc64_bitwise(poly: u64, data: &[u8]) -> u64 {
    let mut crc = !0u64;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ poly } else { crc >> 1 };
        }
    }
    !crc
}

/// Deterministic pseudo-random bytes (xorshift), so the tests need no `rand`.
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

#[test]
fn known_vectors() {
    for (input, expected, md5_hex) in VECTORS {
        for (algorithm, expected) in ORDER.into_iter().zip(expected) {
            assert_eq!(algorithm.digest_base64(input), *expected, "{algorithm} of {input:?}");
            assert_eq!(algorithm.digest(input).len(), algorithm.digest_len());
        }
        assert_eq!(hex(&md5(input)), *md5_hex, "md5 of {input:?}");
    }
    // The standard check values of the CRC catalogue.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    assert_eq!(crc64_nvme(b"123456789"), 0xAE8B_1486_0A79_9888);
}

#[test]
fn longer_hash_vectors() {
    // FIPS 180 and RFC 1321 test messages that cross block boundaries.
    let two_blocks = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_eq!(hex(&sha1(two_blocks)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    assert_eq!(hex(&sha1(&[b'a'; 1000])), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    let digits = b"12345678901234567890123456789012345678901234567890123456789012345678901234567890";
    assert_eq!(hex(&md5(digits)), "57edf4a22be3c955ac49da2e2107b67a");
    assert_eq!(hex(&md5(b"abcdefghijklmnopqrstuvwxyz")), "c3fcd3d76192e4007dfb496cca67e13b");
    // The SSO token cache names of an sso-session and a legacy start URL, as the AWS CLI writes them.
    assert_eq!(sha1_hex(b"my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
    assert_eq!(sha1_hex(b"https://d-abc123.awsapps.com/start"), "40a89917e3175433e361b710a9d43528d7f1890a");
}

#[test]
fn sliced_crcs_match_the_bitwise_definition() {
    let data = noise(1000, 0x1234_5678_9ABC_DEF1);
    // Every length up to a few blocks, so every remainder and alignment is covered.
    for len in (0..70).chain([255, 256, 257, 999, 1000]) {
        let data = &data[..len];
        assert_eq!(crc32(data), crc32_bitwise(CRC32_POLY, data), "crc32 of {len} bytes");
        assert_eq!(crc32c(data), crc32_bitwise(CRC32C_POLY, data), "crc32c of {len} bytes");
        assert_eq!(crc64_nvme(data), crc64_bitwise(CRC64_NVME_POLY, data), "crc64 of {len} bytes");
    }
}

#[test]
fn folded_crcs_match_the_tables() {
    let data = noise(70_000, 0x0DDC_0FFE_E0DD_F00D);
    // Lengths around the folding threshold and the 64- and 16-byte strides, odd start offsets
    // (unaligned loads), and registers other than the initial one (incremental updates).
    let lengths = (120..=300).chain([1023, 1024, 1025, 4096 + 15, 65_536, 69_990]);
    for (i, len) in lengths.enumerate() {
        let start = i % 7;
        let data = &data[start..start + len];
        let register = 0x1234_5678_9ABC_DEF0u64.rotate_left(i as u32);
        let crc32_reg = register as u32;
        assert_eq!(
            crc32_update(&CRC32_TABLES, &CRC32_FOLD, crc32_reg, data),
            crc32_table_update(&CRC32_TABLES, crc32_reg, data),
            "crc32 of {len} bytes from offset {start}"
        );
        assert_eq!(
            crc32_update(&CRC32C_TABLES, &CRC32C_FOLD, crc32_reg, data),
            crc32_table_update(&CRC32C_TABLES, crc32_reg, data),
            "crc32c of {len} bytes from offset {start}"
        );
        assert_eq!(
            crc64_update(&CRC64_NVME_TABLES, &CRC64_NVME_FOLD, register, data),
            crc64_table_update(&CRC64_NVME_TABLES, register, data),
            "crc64 of {len} bytes from offset {start}"
        );
    }
    let long = &data[..5_000];
    assert_eq!(crc32(long), crc32_bitwise(CRC32_POLY, long));
    assert_eq!(crc32c(long), crc32_bitwise(CRC32C_POLY, long));
    assert_eq!(crc64_nvme(long), crc64_bitwise(CRC64_NVME_POLY, long));
}

#[test]
fn crcs_fold_where_the_cpu_can() {
    // The comparisons above prove nothing about speed if the folding path never runs.
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("pclmulqdq") {
        assert!(fold::available());
        let data = noise(1000, 7);
        let (_, rest) = fold::fold(&CRC32_FOLD, 0, &data).expect("a CPU with pclmulqdq folds");
        assert_eq!(rest.len(), 1000 % 16, "only the bytes short of a block are left over");
        assert!(fold::fold(&CRC32_FOLD, 0, &data[..100]).is_none(), "short inputs stay on the tables");
    }
}

#[test]
fn incremental_equals_one_shot_for_any_split() {
    let data = noise(300, 42);
    for algorithm in ORDER {
        let whole = algorithm.digest(&data);
        // Splits inside, at and across the 64-byte blocks of the hashes and the 8-byte strides
        // of the CRCs.
        for split in [0, 1, 7, 8, 9, 55, 56, 63, 64, 65, 128, 200, 299, 300] {
            let mut checksum = Checksum::new(algorithm);
            checksum.update(&data[..split]);
            checksum.update(&[]);
            checksum.update(&data[split..]);
            assert_eq!(checksum.finish(), whole, "{algorithm} split at {split}");
        }
        let mut bytewise = Checksum::new(algorithm);
        for byte in &data {
            bytewise.update(core::slice::from_ref(byte));
        }
        assert_eq!(bytewise.algorithm(), algorithm);
        assert_eq!(bytewise.finish_base64(), algorithm.digest_base64(&data));
    }
    let mut md5_parts = Md5::new();
    for chunk in data.chunks(13) {
        md5_parts.update(chunk);
    }
    assert_eq!(md5_parts.finish(), md5(&data));
}

#[test]
fn padding_boundaries_of_the_block_hashes() {
    // Lengths around 56 bytes need a second padding block; these digests are Python's hashlib.
    let cases: &[(usize, &str, &str)] = &[
        (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a", "ef1772b6dff9a122358552954ad0df65"),
        (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699", "3b0c8ac703f828b04c6c197006d17218"),
        (63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5", "b06521f39153d618550606be297466d5"),
        (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d", "014842d480b571495a4a0363793f7367"),
    ];
    for (len, sha1_hex_digest, md5_hex_digest) in cases {
        let data = vec![b'a'; *len];
        assert_eq!(hex(&sha1(&data)), *sha1_hex_digest, "sha1 of {len} bytes");
        assert_eq!(hex(&md5(&data)), *md5_hex_digest, "md5 of {len} bytes");
    }
}

#[test]
fn names_and_headers() {
    for algorithm in ORDER {
        assert_eq!(ChecksumAlgorithm::from_name(algorithm.name()), Some(algorithm));
        assert_eq!(ChecksumAlgorithm::from_name(&algorithm.name().to_lowercase()), Some(algorithm));
        assert_eq!(algorithm.header_name(), format!("x-amz-checksum-{}", algorithm.name().to_lowercase()));
    }
    assert_eq!(ChecksumAlgorithm::from_name("Crc32C"), Some(ChecksumAlgorithm::Crc32c));
    assert_eq!(ChecksumAlgorithm::from_name("crc64nvme"), Some(ChecksumAlgorithm::Crc64Nvme));
    assert_eq!(ChecksumAlgorithm::from_name("MD5"), None);
    assert_eq!(ChecksumAlgorithm::from_name(""), None);
    assert_eq!(ChecksumAlgorithm::from_name("CRC32 "), None);
    assert_eq!(format!("{:?}", Checksum::new(ChecksumAlgorithm::Sha1)), "Checksum(Sha1)");
}

#[test]
fn combining_part_crcs_gives_the_whole_objects_crc() {
    // Data that differs at every offset, split at every interesting place, including empty
    // parts and lengths whose bits exercise every squaring step.
    let data: Vec<u8> = (0..70_001u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for split in [0, 1, 7, 8, 9, 4096, 65_536, 69_999, 70_000, 70_001] {
        let (a, b) = data.split_at(split);
        let len_b = b.len() as u64;
        assert_eq!(crc32_combine(crc32(a), crc32(b), len_b), crc32(&data), "crc32 split at {split}");
        assert_eq!(crc32c_combine(crc32c(a), crc32c(b), len_b), crc32c(&data), "crc32c split at {split}");
        assert_eq!(
            crc64_nvme_combine(crc64_nvme(a), crc64_nvme(b), len_b),
            crc64_nvme(&data),
            "crc64 split at {split}"
        );
    }
    // Folding many parts in order, as a multipart upload's completion does.
    let whole = data.chunks(5_000).fold(crc32(&[]), |acc, part| crc32_combine(acc, crc32(part), part.len() as u64));
    assert_eq!(whole, crc32(&data));
    // zlib's check value for "123456789", from two halves.
    assert_eq!(crc32_combine(crc32(b"1234"), crc32(b"56789"), 5), 0xCBF4_3926);
    // Continuing a CRC over the next piece is zlib's `crc32(crc, buf, len)`.
    assert_eq!(crc32_continue(crc32(b"1234"), b"56789"), 0xCBF4_3926);
    assert_eq!(crc32_continue(0, b"123456789"), 0xCBF4_3926);
    let pieces = data.chunks(3_000).fold(0, crc32_continue);
    assert_eq!(pieces, crc32(&data));
}
