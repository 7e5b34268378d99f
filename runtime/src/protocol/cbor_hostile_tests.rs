//! The CBOR decoder on the examples of RFC 8949 Appendix A and on hostile input: truncated and
//! mutated bodies, huge declared lengths, deep nesting, invalid UTF-8, reserved values and
//! misplaced break codes. The decoder must refuse what is malformed and never panic.

use super::tests::{b64, try_decode, Lists, Maps, PayloadWithUnion, Recursive, Scalars};
use super::*;

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).expect("test hex is valid"))
        .collect()
}

fn document(text: &str) -> Result<Document, CodecError> {
    cbor_to_document(&hex(text))
}

#[test]
fn rfc_8949_appendix_a_examples() {
    let cases = [
        ("00", "0"),
        ("01", "1"),
        ("0a", "10"),
        ("17", "23"),
        ("1818", "24"),
        ("1819", "25"),
        ("1864", "100"),
        ("1903e8", "1000"),
        ("1a000f4240", "1000000"),
        ("1b000000e8d4a51000", "1000000000000"),
        ("1bffffffffffffffff", "18446744073709551615"),
        ("c249010000000000000000", "\"18446744073709551616\""),
        ("3bffffffffffffffff", "-18446744073709551616.0"),
        ("c349010000000000000000", "\"-18446744073709551617\""),
        ("20", "-1"),
        ("29", "-10"),
        ("3863", "-100"),
        ("3903e7", "-1000"),
        ("f4", "false"),
        ("f5", "true"),
        ("f6", "null"),
        ("f7", "null"),
        ("c074323031332d30332d32315432303a30343a30305a", "\"2013-03-21T20:04:00Z\""),
        ("c11a514b67b0", "1363896240"),
        ("c1fb41d452d9ec200000", "1363896240.5"),
        ("d74401020304", "\"AQIDBA==\""),
        ("d818456449455446", "\"ZElFVEY=\""),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", "\"http://www.example.com\""),
        ("40", "\"\""),
        ("4401020304", "\"AQIDBA==\""),
        ("60", "\"\""),
        ("6161", "\"a\""),
        ("6449455446", "\"IETF\""),
        ("62225c", r#""\"\\""#),
        ("62c3bc", "\"\u{fc}\""),
        ("63e6b0b4", "\"\u{6c34}\""),
        ("64f0908591", "\"\u{10151}\""),
        ("80", "[]"),
        ("83010203", "[1,2,3]"),
        ("8301820203820405", "[1,[2,3],[4,5]]"),
        (
            "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
            "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]",
        ),
        ("a0", "{}"),
        ("a201020304", r#"{"1":2,"3":4}"#),
        ("a26161016162820203", r#"{"a":1,"b":[2,3]}"#),
        ("826161a161626163", r#"["a",{"b":"c"}]"#),
        ("a56161614161626142616361436164614461656145", r#"{"a":"A","b":"B","c":"C","d":"D","e":"E"}"#),
        ("5f42010243030405ff", "\"AQIDBAU=\""),
        ("7f657374726561646d696e67ff", "\"streaming\""),
        ("9fff", "[]"),
        ("9f018202039f0405ffff", "[1,[2,3],[4,5]]"),
        ("9f01820203820405ff", "[1,[2,3],[4,5]]"),
        ("83018202039f0405ff", "[1,[2,3],[4,5]]"),
        ("83019f0203ff820405", "[1,[2,3],[4,5]]"),
        (
            "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
            "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]",
        ),
        ("bf61610161629f0203ffff", r#"{"a":1,"b":[2,3]}"#),
        ("826161bf61626163ff", r#"["a",{"b":"c"}]"#),
        ("bf6346756ef563416d7421ff", r#"{"Fun":true,"Amt":-2}"#),
    ];
    for (cbor, json) in cases {
        let expected = Document::from_json(json).unwrap();
        assert_eq!(document(cbor), Ok(expected), "{cbor}");
    }
    let floats = [
        ("f90000", 0.0),
        ("f98000", -0.0),
        ("f93c00", 1.0),
        ("fb3ff199999999999a", 1.1),
        ("f93e00", 1.5),
        ("f97bff", 65504.0),
        ("fa47c35000", 100000.0),
        ("fa7f7fffff", 3.4028234663852886e+38),
        ("fb7e37e43c8800759c", 1.0e+300),
        ("f90001", 5.960464477539063e-8),
        ("f90400", 0.00006103515625),
        ("f9c400", -4.0),
        ("fbc010666666666666", -4.1),
        ("f97c00", f64::INFINITY),
        ("f9fc00", f64::NEG_INFINITY),
        ("fa7f800000", f64::INFINITY),
        ("faff800000", f64::NEG_INFINITY),
        ("fb7ff0000000000000", f64::INFINITY),
        ("fbfff0000000000000", f64::NEG_INFINITY),
    ];
    for (cbor, expected) in floats {
        match document(cbor) {
            // Bits, so that -0.0 is told apart from 0.0.
            Ok(Document::Number(Number::Float(f))) => assert_eq!(f.to_bits(), expected.to_bits(), "{cbor}"),
            other => panic!("{cbor}: {other:?}"),
        }
    }
    for cbor in ["f97e00", "fa7fc00000", "fb7ff8000000000000"] {
        assert!(matches!(document(cbor), Ok(Document::Number(Number::Float(f))) if f.is_nan()), "{cbor}");
    }
    // Simple values have no document equivalent, but a shape skips them like any unknown value.
    for cbor in ["f0", "f8ff"] {
        assert_eq!(document(cbor).unwrap_err().reason, "expected a value a document can hold, found a simple value");
        assert!(try_decode::<Scalars>(&[&hex("a16178")[..], &hex(cbor)].concat()).is_ok());
    }
}

/// Every body of the conformance cases, which the hostile tests below take apart.
fn valid_bodies() -> Vec<Vec<u8>> {
    [
        "v2ZuZXN0ZWS/Y2Zvb2RGb28xZm5lc3RlZL9jYmFyZEJhcjFvcmVjdXJzaXZlTWVtYmVyv2Nmb29kRm9vMmZuZXN0ZWS/Y2JhcmRCYXIy//////8=",
        "oWZuZXN0ZWSiY2Zvb2RGb28xZm5lc3RlZKJjYmFyZEJhcjFvcmVjdXJzaXZlTWVtYmVyomNmb29kRm9vMmZuZXN0ZWShY2JhcmRCYXIy",
        "oW5kZW5zZVN0cnVjdE1hcKJjZm9voWJoaWV0aGVyZWNiYXqhYmhpY2J5ZQ==",
        "oWtkZW5zZVNldE1hcKNheIBheYJhYWFiYXr2",
        "v2pzdHJpbmdMaXN0n2Nmb29jYmFy/2lzdHJpbmdTZXSfY2Zvb2NiYXL/a2ludGVnZXJMaXN0nwEC/2tib29sZWFuTGlzdJ/19P9tdGlt\
         ZXN0YW1wTGlzdJ/B+0HU1/vzgAAAwftB1Nf784AAAP9oZW51bUxpc3SfY0Zvb2Ew/2tpbnRFbnVtTGlzdJ8BAv9wbmVzdGVkU3RyaW5n\
         TGlzdJ+fY2Zvb2NiYXL/n2NiYXpjcXV4//9tc3RydWN0dXJlTGlzdJ+/YWFhMWFiYTL/v2FhYTNhYmE0//9oYmxvYkxpc3SfQ2Zvb0Ni\
         YXL//w==",
        "oWpzdHJpbmdMaXN0g394HUFuIGV4YW1wbGUgaW5kZWZpbml0ZSBzdHJpbmcsdyB3aGljaCB3aWxsIGJlIGNodW5rZWQsbiBvbiBl\
         YWNoIGNvbW1h/394NUFub3RoZXIgZXhhbXBsZSBpbmRlZmluaXRlIHN0cmluZyB3aXRoIG9ubHkgb25lIGNodW5r/3ZUaGlz\
         IGlzIGEgcGxhaW4gc3RyaW5n",
        "v2tkb3VibGVWYWx1Zfk+AGpmbG9hdFZhbHVl+UegbGludGVnZXJWYWx1ZRg4aWxvbmdWYWx1ZRkBAGpzaG9ydFZhbHVlCv8=",
        "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABrZXh0cmFPYmpl\
         Y3S/c2luZGVmaW5pdGVMZW5ndGhNYXC/a3dpdGhBbkFycmF5nwECA///cWRlZmluaXRlTGVuZ3RoTWFwo3J3aXRoQURlZmluaXRlQXJy\
         YXmDAQIDeB1hbmRTb21lSW5kZWZpbml0ZUxlbmd0aFN0cmluZ3gfdGhhdCBoYXMsIGJlZW4gY2h1bmtlZCBvbiBjb21tYWxub3JtYWxT\
         dHJpbmdjZm9vanNob3J0VmFsdWUZJw9uc29tZU90aGVyRmllbGR2dGhpcyBzaG91bGQgYmUgc2tpcHBlZP9saW50ZWdlclZhbHVlGQEA\
         aWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v\
         /w==",
        "oWZuZXN0ZWShaGdyZWV0aW5nZWhlbGxv",
        "v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3JoVG9wTGV2ZWxpVG9wIGxldmVsZk5lc3Rl\
         ZL9jRm9vY2Jhcv//",
        "uQACZl9fdHlwZXgtYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI05vQ3VzdG9tQ29kZUVycm9yZ21lc3NhZ2ViSGk=",
    ]
    .iter()
    .map(|body| b64(body))
    // `{"int": -18446744073709551617, "dec": 74565e-2}` and `{"a": [null]}`.
    .chain([hex("a2 63696e74 c349010000000000000000 63646563 c482211a00012345"), hex("a1616181f6")])
    .collect()
}

/// Runs every decoder on `body`, returning how many of them accepted it.
fn decode_everywhere(body: &[u8]) -> usize {
    [
        try_decode::<Scalars>(body).is_ok(),
        try_decode::<Lists>(body).is_ok(),
        try_decode::<Maps>(body).is_ok(),
        try_decode::<Recursive>(body).is_ok(),
        try_decode::<PayloadWithUnion>(body).is_ok(),
        cbor_to_document(body).is_ok(),
        cbor_error_info(body).is_some(),
    ]
    .into_iter()
    .filter(|&ok| ok)
    .count()
}

#[test]
fn every_truncation_of_a_valid_body_is_refused() {
    for body in valid_bodies() {
        assert!(cbor_to_document(&body).is_ok());
        // No proper prefix of one well-formed item is itself well-formed.
        for end in 1..body.len() {
            assert_eq!(decode_everywhere(&body[..end]), 0, "{body:02x?} cut at {end}");
        }
    }
}

#[test]
fn mutated_bodies_never_panic() {
    // Bytes that are interesting as initial bytes: every major type, long arguments, indefinite
    // lengths, reserved values, floats and the break code.
    let replacements = [
        0x00, 0x17, 0x18, 0x1B, 0x1C, 0x3B, 0x40, 0x5B, 0x5F, 0x7B, 0x7F, 0x9B, 0x9F, 0xBB, 0xBF, 0xC1, 0xC2, 0xC4,
        0xDF, 0xF6, 0xF8, 0xF9, 0xFB, 0xFE, 0xFF,
    ];
    for body in valid_bodies() {
        for at in 0..body.len() {
            for replacement in replacements {
                let mut mutated = body.clone();
                mutated[at] = replacement;
                decode_everywhere(&mutated);
            }
            // Dropping a byte shifts everything after it, which misaligns every later head.
            let mut shorter = body.clone();
            shorter.remove(at);
            decode_everywhere(&shorter);
        }
    }
    // Random bytes from a fixed-seed xorshift, so failures reproduce.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 24) as usize;
        let bytes: Vec<u8> = (0..len).map(|i| (state >> ((i % 8) * 8)) as u8 ^ (i as u8).wrapping_mul(37)).collect();
        decode_everywhere(&bytes);
    }
}

#[test]
fn huge_declared_lengths_fail_without_allocating() {
    let cases = [
        "5bffffffffffffffff",
        "7b000000014000000061",
        "5a ffffffff 00",
        "5f 5b0000000140000000 ff",
        "7f 7b0000000140000000 ff",
        "9bffffffffffffffff00",
        "bbffffffffffffffff6161",
        "9a ffffffff 01 02",
    ];
    for case in cases {
        let err = document(case).unwrap_err();
        assert!(err.offset.is_some(), "{case}: {err}");
        assert!(decode_everywhere(&hex(case)) == 0, "{case}");
    }
    // Five gigabytes declared for a member's blob, and for its key.
    let err = try_decode::<Scalars>(&hex("a1 69 626c6f6256616c7565 5b0000000140000000 00")).unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.reason.as_str()),
        ("$.blobValue", "a declared length runs past the end of the body")
    );
    let err = try_decode::<Scalars>(&hex("a1 7b0000000140000000 00")).unwrap_err();
    assert_eq!(err.offset, Some(10));
    // A map that declares more entries than the body holds.
    assert!(try_decode::<Maps>(&hex("a1 6e 64656e73654e756d6265724d6170 bb7fffffffffffffff 6178 00")).is_err());
}

#[test]
fn nesting_is_limited_to_128_levels() {
    let nested = |open: &str, depth: usize, inner: &str| hex(&format!("{}{inner}", open.repeat(depth)));
    assert!(cbor_to_document(&nested("81", 128, "00")).is_ok());
    let err = cbor_to_document(&nested("81", 129, "00")).unwrap_err();
    assert_eq!(err.reason, "nesting is deeper than 128 levels");
    assert_eq!(err.path, format!("${}", "[0]".repeat(128)));
    // Far deeper input fails at the same place instead of exhausting the stack.
    for open in ["81", "9f", "a16161", "bf6161"] {
        let body = nested(open, 100_000, "00");
        assert!(cbor_to_document(&body).unwrap_err().reason.contains("nesting"), "{open}");
        // Under an unknown key the value is skipped, which is limited as well.
        let skipped = [&hex("a16178")[..], &body].concat();
        assert!(try_decode::<Scalars>(&skipped).unwrap_err().reason.contains("nesting"), "{open}");
    }
    // Through a schema: `nested.nested.recursiveMember.nested...` as deep as the body goes.
    let mut body = hex("a1 66 6e6573746564");
    for level in 0..200 {
        let key = if level % 2 == 0 { "66 6e6573746564" } else { "6f 726563757273697665 4d656d626572" };
        body.extend(hex(&format!("a1 {key}")));
    }
    body.push(0xA0);
    let err = try_decode::<Recursive>(&body).unwrap_err();
    assert_eq!(err.reason, "nesting is deeper than 128 levels");
    // Tags are not nesting: a long chain of them is read in a loop.
    let tags = [hex(&"c1".repeat(100_000)), hex("00")].concat();
    assert_eq!(cbor_to_document(&tags), Ok(Document::Number(Number::PosInt(0))));
}

#[test]
fn invalid_utf8_in_text_is_refused() {
    for case in ["62c328", "63eda080", "61ff", "7f61c361bcff", "7f62c3bc61ffff"] {
        let err = document(case).unwrap_err();
        assert_eq!(err.reason, "a text string is not valid UTF-8", "{case}");
    }
    // A chunk boundary inside a character is refused even though the joined bytes are valid.
    assert!(document("7f62c3bcff").is_ok());
    assert!(document("7f61c361bcff").is_err());
    // In a member, in a key and in an error body.
    assert_eq!(try_decode::<Scalars>(&hex("a1 6b 737472696e6756616c7565 62c328")).unwrap_err().path, "$.stringValue");
    assert!(try_decode::<Scalars>(&hex("a1 62c328 00")).is_err());
    assert_eq!(cbor_error_info(&hex("a1 66 5f5f74797065 62c328")), None);
    // An unknown member is skipped unread, so its text is not checked.
    assert!(try_decode::<Scalars>(&hex("a1 6178 62c328")).is_ok());
}

#[test]
fn reserved_additional_information_is_refused() {
    for major in 0u8..8 {
        for info in 28u8..=30 {
            let byte = (major << 5) | info;
            let err = cbor_to_document(&[byte, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
            assert_eq!(err.reason, "a reserved additional information value (28 to 30)", "{byte:#04x}");
            assert_eq!(err.offset, Some(0));
            // Also where the value would be skipped.
            assert!(try_decode::<Scalars>(&[0xA1, 0x61, b'x', byte, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        }
    }
}

#[test]
fn misplaced_break_codes_and_other_malformations_are_refused() {
    let cases = [
        ("ff", "a break code where a value was expected"),
        ("81ff", "a break code where a value was expected"),
        ("a1ff00", "a break code where a value was expected"),
        ("bf6161ff", "a break code where a value was expected"),
        ("c1ff", "a break code where a value was expected"),
        ("9f01", "the body ends in the middle of an item"),
        ("5f6161ff", "a chunk of a chunked string is not a definite string of its type"),
        ("5f5fffff", "a chunk of a chunked string is not a definite string of its type"),
        ("7f7f6161ffff", "a chunk of a chunked string is not a definite string of its type"),
        ("1f", "an indefinite length on an integer or tag"),
        ("3f", "an indefinite length on an integer or tag"),
        ("df00", "an indefinite length on an integer or tag"),
        ("f810", "a two-byte simple value below 32"),
        ("a000", "unexpected bytes after the body's value"),
        ("19 01", "a declared length runs past the end of the body"),
        ("fb 3ff0", "a declared length runs past the end of the body"),
    ];
    for (case, reason) in cases {
        let err = document(case).unwrap_err();
        assert_eq!(err.reason, reason, "{case}");
        assert!(err.offset.is_some(), "{case}");
        assert!(decode_everywhere(&hex(case)) == 0, "{case}");
    }
    // A break inside a structure, a list, a map and a union member.
    for body in [
        "a1 6c 696e746567657256616c7565 ff",
        "a1 6a 737472696e674c697374 82 6161 ff",
        "a1 6e 64656e73654e756d6265724d6170 a1 ff 01",
    ] {
        let body = hex(body);
        assert!(try_decode::<Scalars>(&body).is_err() && try_decode::<Lists>(&body).is_err());
        assert!(try_decode::<Maps>(&body).is_err());
    }
    assert!(try_decode::<PayloadWithUnion>(&hex("a1 66 6e6573746564 bf 68 6772656574696e67 ff ff")).is_err());
}

#[test]
fn the_body_must_be_a_map() {
    for (body, found) in [("80", "an array"), ("f6", "null"), ("6161", "text"), ("00", "an integer")] {
        let err = try_decode::<Scalars>(&hex(body)).unwrap_err();
        assert_eq!((err.path.as_str(), err.reason), ("$", format!("expected a map, found {found}")));
    }
}
