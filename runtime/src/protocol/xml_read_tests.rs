use std::borrow::Cow;

use super::*;
use crate::test_rng::Rng;
use crate::types::Document;

/// Every event of `xml`, or the first error.
fn events(xml: &str) -> Result<Vec<Event<'_>>, CodecError> {
    let mut reader = Reader::new(xml.as_bytes())?;
    let mut out = Vec::new();
    while let Some(event) = reader.next_event()? {
        out.push(event);
    }
    Ok(out)
}

fn parse(xml: &str) -> Result<Element<'_>, CodecError> {
    parse_document(xml.as_bytes()).map(|root| root.expect("a root element"))
}

fn error_offset(xml: &str) -> usize {
    match parse_document(xml.as_bytes()) {
        Ok(root) => panic!("expected an error for {xml:?}, got {root:?}"),
        Err(e) => e.offset.expect("syntax errors carry an offset"),
    }
}

fn start<'a>(name: &'a str, attributes: &[(&'a str, &'a str)], offset: usize) -> Event<'a> {
    let attributes = attributes.iter().map(|&(name, value)| Attribute { name, value: Cow::Borrowed(value) }).collect();
    Event::Start { name, attributes, offset }
}

fn text(t: &str) -> Event<'_> {
    Event::Text(Cow::Borrowed(t))
}

#[test]
fn reads_declaration_comments_instructions_cdata_and_doctype() {
    let xml = "\u{FEFF}<?xml version = \"1.0\" encoding = \"UTF-8\"?>\n<!DOCTYPE a [<!ENTITY x \"]>\">]>\n\
               <!-- c --><a><?pi data?><![CDATA[<raw & text>]]><!--x-->t</a>\n<!-- after -->\n";
    let events = events(xml).unwrap();
    let offset = xml.find("<a>").unwrap();
    assert_eq!(events, vec![start("a", &[], offset), text("<raw & text>"), text("t"), Event::End { name: "a" }]);
}

#[test]
fn reads_attributes_in_both_quote_styles_with_prefixes() {
    let xml = r#"<g:Grant xmlns:g='urn:g' a="1" b = 'two "q"' xsi:type="C&amp;U"/>"#;
    let events = events(xml).unwrap();
    assert_eq!(
        events,
        vec![
            start("g:Grant", &[("xmlns:g", "urn:g"), ("a", "1"), ("b", "two \"q\""), ("xsi:type", "C&U")], 0),
            Event::End { name: "g:Grant" },
        ]
    );
    let root = parse(xml).unwrap();
    assert_eq!(root.local(), "Grant");
    assert_eq!(root.attribute("xsi:type"), Some("C&U"));
    // A document may bind the namespace to another prefix; the local name still matches.
    assert_eq!(parse(r#"<a i:type="x"/>"#).unwrap().attribute("xsi:type"), Some("x"));
    assert_eq!(root.attribute("missing"), None);
}

#[test]
fn decodes_every_entity_form() {
    let root = parse("<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;&#xD;&#10;</a>").unwrap();
    assert_eq!(root.text, "&<>\"'AB\u{1F600}\r\n");
}

#[test]
fn rejects_invalid_entities_with_their_offset() {
    for bad in [
        "&foo;",
        "&#0;",
        "&#xD800;",
        "&#x110000;",
        "&#;",
        "&#x;",
        "&amp",
        "&#+65;",
        "&#-1;",
        "&#x1G;",
        "&#1;",
        "&#xFFFE;",
        "&;",
        "&#99999999999;",
    ] {
        let xml = format!("<a>ok{bad}</a>");
        assert_eq!(error_offset(&xml), 5, "{bad}");
        let xml = format!("<a b=\"{bad}\"/>");
        assert_eq!(error_offset(&xml), 6, "{bad} in an attribute");
    }
}

#[test]
fn normalises_line_ends_in_text_and_whitespace_in_attributes() {
    let root = parse("<a b=\"x\ty\r\nz\">1\r\n2\r3&#xD;</a>").unwrap();
    assert_eq!(root.text, "1\n2\n3\r");
    assert_eq!(root.attribute("b"), Some("x y z"));
}

#[test]
fn builds_a_tree_with_text_children_and_attributes() {
    let root = parse("<r><a x=\"1\">one</a><b/><a>two</a>tail</r>").unwrap();
    assert_eq!(root.name, "r");
    assert_eq!(root.text, "tail");
    assert_eq!(root.children.len(), 3);
    assert_eq!(root.child("a").map(|a| a.text.as_ref()), Some("one"));
    assert_eq!(root.child("b").map(|b| b.text.as_ref()), Some(""));
    assert!(root.child("c").is_none());
}

#[test]
fn an_empty_body_has_no_root() {
    assert_eq!(parse_document(b"").unwrap(), None);
    assert_eq!(parse_document(b" \r\n\t").unwrap(), None);
}

#[test]
fn rejects_malformed_documents_with_offsets() {
    let cases: &[(&str, usize)] = &[
        ("<a></b>", 3),
        ("<a><b></a>", 6),
        ("</a>", 0),
        ("<a/><b/>", 4),
        ("text", 0),
        ("<a/>text", 4),
        ("<a>", 3),
        ("<a", 2),
        ("<a b></a>", 4),
        ("<a b=c></a>", 5),
        ("<a b=\"1\" b=\"2\"/>", 9),
        ("<a b=\"<\"/>", 6),
        ("<a b=\"1\"c=\"2\"/>", 8),
        ("<a><!-- x</a>", 3),
        ("<a><![CDATA[x</a>", 3),
        ("<?xml", 0),
        ("<!DOCTYPE a", 0),
        ("<a><!ELEMENT b></a>", 3),
        ("<1a/>", 1),
        ("< a/>", 1),
        ("<a/ >", 2),
        ("<!-- only a comment -->", 23),
    ];
    for &(xml, offset) in cases {
        assert_eq!(error_offset(xml), offset, "{xml}");
    }
}

#[test]
fn reports_invalid_utf8_at_its_offset() {
    assert_eq!(parse_document(b"<a>\xff</a>").unwrap_err().offset, Some(3));
}

#[test]
fn limits_nesting_depth() {
    let nested = |depth: usize| "<a>".repeat(depth) + &"</a>".repeat(depth);
    assert!(parse_document(nested(MAX_DEPTH).as_bytes()).is_ok());
    let err = parse_document(nested(MAX_DEPTH + 1).as_bytes()).unwrap_err();
    assert_eq!(err.offset, Some(3 * MAX_DEPTH));
    assert!(err.reason.contains("deeper than 128"), "{err}");
    // Far deeper input fails the same way, without touching the call stack.
    assert!(parse_document(nested(100_000).as_bytes()).is_err());
}

const VALID: &str =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<r xmlns=\"urn:x\" a='1'>\n  <b:c xmlns:b=\"urn:b\">&amp;&#x41;</b:c>\
                     <![CDATA[cd]]><!-- c --><d/><e f=\"&lt;\">\u{e9}\u{1F600}</e>\n</r>\n";

#[test]
fn never_panics_on_any_truncation() {
    assert!(parse_document(VALID.as_bytes()).is_ok());
    for end in 0..VALID.len() {
        // Ok for prefixes that happen to be whole documents, an error for the rest.
        let _ = parse_document(&VALID.as_bytes()[..end]);
        let _ = parse_document(&VALID.as_bytes()[end..]);
    }
}

#[test]
fn never_panics_on_mutated_documents() {
    // A deterministic generator: the same inputs on every run.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let alphabet = b"<>/=&;#x'\"?![]-: aZ\xc3\xa9\xff";
    for _ in 0..20_000 {
        let mut bytes = VALID.as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            rng.mutate(&mut bytes, alphabet);
        }
        let _ = parse_document(&bytes);
    }
}

#[test]
fn an_html_error_page_is_not_a_document() {
    let html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>502 Bad Gateway</title></head>\
                <body><h1>Bad&nbsp;Gateway</h1><br></body></html>";
    assert!(parse_document(html.as_bytes()).is_err());
}

/// Every XML body in the conformance cases of the XML protocols parses.
#[test]
fn parses_every_conformance_body() {
    let root = std::path::Path::new("/work/shared/conformance/protocols");
    if !root.exists() {
        // The conformance data lives outside the repository; nothing to check without it.
        return;
    }
    let mut checked = 0;
    for dir in ["input", "output", "legacy/input", "legacy/output"] {
        for protocol in ["rest-xml", "query", "ec2"] {
            let path = root.join(dir).join(format!("{protocol}.json"));
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let suites = Document::from_json(&text).expect("conformance files are JSON");
            let Document::Array(suites) = suites else { panic!("{} is not an array", path.display()) };
            for suite in &suites {
                let Some(Document::Array(cases)) = suite.get("cases") else { continue };
                for case in cases {
                    for key in ["response", "serialized"] {
                        let Some(Document::String(body)) = case.get(key).and_then(|m| m.get("body")) else { continue };
                        if !body.trim_start().starts_with('<') {
                            continue;
                        }
                        if let Err(e) = parse_document(body.as_bytes()) {
                            panic!("{}: {e} in {body}", path.display());
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} bodies found");
}

#[test]
fn text_and_end_reads_plain_text_elements_and_leaves_the_rest_to_events() {
    // After the root's and `<a>`'s start tags, what `text_and_end` answers and what follows.
    let cases: [(&str, Option<&str>); 8] = [
        ("<r><a>x &amp; y</a></r>", Some("x & y")),
        ("<r><a/></r>", Some("")),
        ("<r><a></a></r>", Some("")),
        ("<r><a>x<b/></a></r>", None),
        ("<r><a>x<!-- c --></a></r>", None),
        ("<r><a><![CDATA[x]]></a></r>", None),
        ("<r><a>x</a ></r>", None),
        ("<r><a>x</ab></r>", None),
    ];
    for (xml, expected) in cases {
        let mut reader = Reader::new(xml.as_bytes()).unwrap();
        for _ in 0..2 {
            assert!(matches!(reader.next_event().unwrap(), Some(Event::Start { .. })), "{xml}");
        }
        let before = reader.offset();
        let text = reader.text_and_end().unwrap();
        assert_eq!(text.as_deref(), expected, "{xml}");
        if expected.is_none() {
            assert_eq!(reader.offset(), before, "{xml}");
        }
        // Either way the events that follow finish the document as they would have.
        let rest: Result<Vec<_>, _> = std::iter::from_fn(|| reader.next_event().transpose()).collect();
        assert_eq!(rest.is_ok(), !xml.contains("</ab>"), "{xml}");
    }
    // A bad reference fails here as it does as an event.
    let mut reader = Reader::new(b"<r><a>&bogus;</a></r>").unwrap();
    reader.next_event().unwrap();
    reader.next_event().unwrap();
    assert!(reader.text_and_end().is_err());
}

#[test]
fn the_word_scans_agree_with_a_byte_by_byte_search() {
    // Every position and neighbour of a target byte across word boundaries, with bytes that
    // differ from the targets by one bit (where a carry could mislead the zero-byte trick).
    let fillers = [b'a', b'<' ^ 1, b'&' ^ 0x80, 0xFF, 0x00, b'\n'];
    // Up to 40 bytes: two vector blocks, then the word scan's words and bytes.
    for len in 0..40 {
        for filler in fillers {
            for target in [None, Some(b'<'), Some(b'&'), Some(b'\r')] {
                for at in 0..len.max(1) {
                    let mut bytes = vec![filler; len];
                    if let (Some(t), Some(slot)) = (target, bytes.get_mut(at)) {
                        *slot = t;
                    }
                    for from in 0..=len {
                        let slow = bytes[from..].iter().position(|b| matches!(b, b'<' | b'&' | b'\r'));
                        assert_eq!(find_text_byte(&bytes, from), slow.map_or(len, |i| from + i), "{bytes:?} {from}");
                    }
                    let other = [bytes.as_slice(), b"x"].concat();
                    assert!(same(&bytes, &bytes.clone()));
                    assert!(!same(&bytes, &other));
                    if let Some(last) = bytes.last().copied() {
                        let mut changed = bytes.clone();
                        *changed.last_mut().unwrap() = last ^ 1;
                        assert!(!same(&bytes, &changed), "{bytes:?}");
                        changed = bytes.clone();
                        changed[0] ^= 1;
                        assert!(!same(&bytes, &changed), "{bytes:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn same_finds_a_difference_at_every_position() {
    // The overlapping last word and the two half words must still see every byte.
    for len in 0..40 {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        assert!(same(&bytes, &bytes.clone()), "{len}");
        for at in 0..len {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            assert!(!same(&bytes, &changed), "{len} {at}");
            assert!(!same(&changed, &bytes), "{len} {at}");
        }
        assert!(!same(&bytes, &bytes[..len.saturating_sub(1)]) || len == 0);
    }
}

/// The rest of a reader's events, up to the end or the first error, with the error's offset
/// and reason (start offsets are dropped: a tag read by name is not reported with one).
fn rest_of(mut reader: Reader<'_>) -> (Vec<Event<'_>>, Option<(Option<usize>, String)>) {
    let mut out = Vec::new();
    loop {
        match reader.next_event() {
            Ok(Some(Event::Start { name, attributes, .. })) => out.push(Event::Start { name, attributes, offset: 0 }),
            Ok(Some(event)) => out.push(event),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some((e.offset, e.reason))),
        }
    }
}

#[test]
fn reading_a_start_tag_by_name_agrees_with_reading_the_next_event() {
    // At every point of each document (and of mutations of them), a blank skip and a start tag
    // read by name must leave the reader where the events would: the same tag, then the same
    // events and errors.
    let documents = [
        "<R><a>1</a>\n  <bb x='1'>t</bb><a/><ccc>&amp;<a >x</a></ccc><a:b>2</a:b> text <d/></R>",
        "<R>  <Key>k</Key><Key/><Keys><Key>1</Key></Keys> <Key\n/>junk<Key></R>",
        "<?xml version='1.0'?><R><a><a><a/></a></a>&bad;<b></b></R>",
    ];
    let names = ["a", "bb", "ccc", "b", "d", "Key", "Keys", "R", "x"];
    let bodies = mutants(&documents, &mut Rng(0x5DEE_CE66_D1CE_4E5B));
    let mut checked = 0;
    for body in &bodies {
        let Ok(mut reader) = Reader::new(body) else { continue };
        loop {
            for name in names {
                let mut fast = reader.clone();
                fast.skip_blank();
                let Some(found) = fast.start_exact(name) else { continue };
                assert_eq!(found, name);
                let mut slow = reader.clone();
                let mut event = slow.next_event();
                // The blank text the fast reader skipped.
                while let Ok(Some(Event::Text(t))) = &event {
                    assert!(t.bytes().all(is_space), "{t:?}");
                    event = slow.next_event();
                }
                match event {
                    Ok(Some(Event::Start { name: read, attributes, .. })) => {
                        assert_eq!((read, attributes.len()), (name, 0), "{}", String::from_utf8_lossy(body));
                    }
                    other => panic!("{other:?} where {name} was read in {}", String::from_utf8_lossy(body)),
                }
                assert_eq!(fast.offset(), slow.offset());
                assert_eq!(rest_of(fast), rest_of(slow), "{}", String::from_utf8_lossy(body));
                checked += 1;
            }
            match reader.next_event() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn the_end_of_text_and_its_first_special_byte_agree_with_a_plain_search() {
    // Texts with and without `&` and `\r`, some past sixteen bytes, from every start.
    let pieces = ["a", "&quot;", "\r\n", "0123456789abcdef", "&amp;&lt;", "<", "é"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let mut doc = String::new();
        for _ in 0..rng.below(9) {
            doc.push_str(pieces[rng.below(pieces.len())]);
        }
        let reader = Reader::new(doc.as_bytes()).unwrap();
        let bytes = doc.as_bytes();
        for from in 0..=bytes.len() {
            let end = bytes[from..].iter().position(|&b| b == b'<').map_or(bytes.len(), |i| from + i);
            let special = bytes[from..end].iter().position(|&b| b == b'&' || b == b'\r').map(|i| from + i);
            assert_eq!(reader.text_end(from), (end, special), "{doc:?} from {from}");
        }
    }
}

/// Character references and line ends decoded one byte at a time, the plain definition that
/// [`unescape`]'s run copying and sixteen-byte scans must agree with (errors at the same
/// offsets).
fn unescape_by_bytes(raw: &str, offset: usize, attribute: bool) -> Result<String, CodecError> {
    let mut out = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '&' => {
                let tail = &raw[i + 1..];
                let Some(semi) = tail.find(';') else {
                    return Err(CodecError::syntax(offset + i, "an unterminated character reference"));
                };
                let Some(decoded) = decode_reference(&tail[..semi]) else {
                    return Err(CodecError::syntax(offset + i, "an unknown or invalid character reference"));
                };
                out.push(decoded);
                while chars.peek().is_some_and(|&(j, _)| j <= i + semi + 1) {
                    chars.next();
                }
            }
            '\r' => {
                if chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    chars.next();
                }
                out.push(if attribute { ' ' } else { '\n' });
            }
            '\t' | '\n' if attribute => out.push(' '),
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[test]
fn unescape_agrees_with_a_byte_by_byte_decoding() {
    // Texts built from pieces that exercise the run copying and the scans (long runs across
    // sixteen-byte blocks, references back to back, at either end, broken and unknown ones,
    // line ends, `<` and non-ASCII), joined at random by a small xorshift, as text and as
    // attribute values.
    let pieces = [
        "&quot;",
        "&amp;",
        "&lt;",
        "&gt;",
        "&apos;",
        "&#65;",
        "&#x42;",
        "&#x1F600;",
        "&bogus;",
        "&",
        "&quot",
        ";",
        "\r",
        "\r\n",
        "\n",
        "\t",
        "<",
        "é",
        "d41d8cd98f00b204e9800998ecf8427e",
        "x",
        "0123456789abcdef0",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut random = move |n: usize| rng.below(n);
    let mut decoded = 0;
    for _ in 0..4000 {
        let count = random(8);
        let raw: String = (0..count).map(|_| pieces[random(pieces.len())]).collect();
        for attribute in [false, true] {
            let expected = unescape_by_bytes(&raw, 7, attribute);
            let got = unescape(&raw, 7, attribute).map(Cow::into_owned);
            assert_eq!(got, expected, "{raw:?} attribute {attribute}");
            decoded += usize::from(expected.is_ok());
        }
    }
    assert!(decoded > 2000, "{decoded}");
    assert_eq!(
        unescape("&quot;d41d8cd98f00b204e9800998ecf8427e&quot;", 0, false).unwrap(),
        "\"d41d8cd98f00b204e9800998ecf8427e\""
    );
}

#[test]
fn reading_an_end_tag_directly_agrees_with_reading_the_next_event() {
    // At every point of each document (and of mutations of them), an end tag read directly
    // must be the end the events report next, leaving the reader where they would: the same
    // events and errors after it. Where it declines, nothing may have been read.
    let documents = [
        "<R><a>1</a>\n  <bb x='1'>t</bb ><a/><ccc>&amp;<a >x</a></ccc><a:b>2</a:b> text <d/></R>",
        "<R>  <Key>k</Key><Key/><Keys><Key>1</Key></Keys> <Key\n/>junk<Key></R>",
        "<?xml version='1.0'?><R><a><a><a/></a></a>&bad;<b></b></ R></R>",
    ];
    let bodies = mutants(&documents, &mut Rng(0x2545_F491_4F6C_DD1D));
    let (mut taken, mut declined) = (0, 0);
    for body in &bodies {
        let Ok(mut reader) = Reader::new(body) else { continue };
        loop {
            let mut fast = reader.clone();
            if fast.end_exact() {
                let mut slow = reader.clone();
                let event = slow.next_event();
                assert!(matches!(event, Ok(Some(Event::End { .. }))), "{event:?} in {}", String::from_utf8_lossy(body));
                assert_eq!(fast.offset(), slow.offset());
                assert_eq!(rest_of(fast), rest_of(slow), "{}", String::from_utf8_lossy(body));
                taken += 1;
            } else {
                assert_eq!(fast.offset(), reader.offset());
                assert_eq!(rest_of(fast), rest_of(reader.clone()), "{}", String::from_utf8_lossy(body));
                declined += 1;
            }
            match reader.next_event() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }
    assert!(taken > 500 && declined > 1000, "taken {taken}, declined {declined}");
}

/// The documents and 300 mutants of them, each one edit (with a character of markup) away from
/// one of the documents.
fn mutants(documents: &[&str], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = documents.iter().map(|d| d.as_bytes().to_vec()).collect();
    for i in 0..300 {
        let mut bytes = bodies[i % documents.len()].clone();
        rng.mutate(&mut bytes, b"<>/ a:&x");
        bodies.push(bytes);
    }
    bodies
}
