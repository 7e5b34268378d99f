//! A small pull reader for the XML that AWS services answer with, and a tree built from it.
//!
//! The reader covers what machine-written documents use: the XML declaration, processing
//! instructions, comments, CDATA sections, a DOCTYPE (skipped, its entity declarations are never
//! expanded, so entity-expansion attacks have nothing to work with), elements with attributes in
//! either quote style, namespace prefixes and the predefined and numeric character references.
//! It checks well-formedness as far as the codecs need: tags must nest and match, there is exactly
//! one root element, and only whitespace, comments and processing instructions may surround it.
//!
//! Every error carries the byte offset where the problem was found, and no input can make the
//! reader panic: positions are only ever advanced past ASCII delimiters the reader has just
//! found, and every slice goes through `str::get`.

use std::borrow::Cow;

use super::CodecError;

/// Elements nested deeper than this are refused, so that a hostile body cannot exhaust the stack
/// of the recursive schema walk that consumes the tree.
pub(crate) const MAX_DEPTH: usize = 128;

/// A qualified name as written (`xsi:type`) with access to its local part (`type`).
pub(crate) fn local_name(name: &str) -> &str {
    // A byte scan: names are short, and this runs for every element the codecs look at.
    match name.bytes().position(|b| b == b':') {
        Some(colon) => name.get(colon + 1..).unwrap_or(""),
        None => name,
    }
}

/// Byte equality for the short names of XML elements, without a call to `memcmp`: lengths
/// first, then eight bytes at a time, the last word overlapping the one before it, so no name
/// is compared byte by byte. Always inlined: a call costs as much as comparing the short
/// names it is asked about.
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_ne_bytes);
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        return word(a, n - 8) == word(b, n - 8);
    }
    let half =
        |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map(u32::from_ne_bytes);
    if n >= 4 {
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// True when `name` reads as a whole name without a prefix: not empty, no byte that ends a
/// name, no `:` (the codecs match local names, so a prefixed name never matches as a whole),
/// and a first byte [`Reader::next_event`] accepts. Only such names may be given to
/// [`Reader::start_exact`].
pub(crate) fn is_plain_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match bytes.first() {
        Some(first) if !first.is_ascii_digit() && !matches!(first, b'-' | b'.') => {
            !bytes.iter().any(|&b| ends_name(b) || b == b':')
        }
        _ => false,
    }
}

/// One attribute of a start tag, its value already unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attribute<'a> {
    /// The qualified name as written, prefix included.
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

/// What the reader found next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// A start tag (an empty-element tag is reported as a start followed by an end).
    Start { name: &'a str, attributes: Vec<Attribute<'a>>, offset: usize },
    /// An end tag, or the implied end of an empty-element tag.
    End { name: &'a str },
    /// Character data or a CDATA section inside the root element, unescaped.
    Text(Cow<'a, str>),
}

/// A pull reader over a UTF-8 document. Cloning it is a look-ahead: the clone reads on without
/// moving the original.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// The names of the open elements, innermost last.
    open: Vec<&'a str>,
    /// Set after an empty-element tag, whose end is reported on the next call.
    pending_end: Option<&'a str>,
    seen_root: bool,
}

pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that end a name. Everything else is accepted, which is laxer than the XML grammar but
/// loses nothing: the codecs only compare names with the ones a model declares.
fn ends_name(b: u8) -> bool {
    NAME_ENDS[usize::from(b)]
}

/// [`ends_name`] as a table, since it is asked for every byte of every name.
static NAME_ENDS: [bool; 256] = {
    let mut table = [false; 256];
    let ends = b" \t\n\r/><=\"'&?![]";
    let mut i = 0;
    while i < ends.len() {
        table[ends[i] as usize] = true;
        i += 1;
    }
    table
};

impl<'a> Reader<'a> {
    /// A reader over `body`, which must be UTF-8 (a leading byte-order mark is skipped).
    pub(crate) fn new(body: &'a [u8]) -> Result<Self, CodecError> {
        let text = match std::str::from_utf8(body) {
            Ok(text) => text,
            Err(e) => return Err(CodecError::syntax(e.valid_up_to(), "the document is not valid UTF-8")),
        };
        let pos = if text.starts_with('\u{FEFF}') { '\u{FEFF}'.len_utf8() } else { 0 };
        Ok(Reader { text, pos, open: Vec::new(), pending_end: None, seen_root: false })
    }

    /// The byte offset of the next unread byte.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn fail<T>(&self, at: usize, reason: &str) -> Result<T, CodecError> {
        Err(CodecError::syntax(at, reason))
    }

    /// Finds `needle` at or after the current position and returns its absolute offset.
    fn find(&self, needle: &str) -> Option<usize> {
        self.rest().find(needle).map(|i| self.pos + i)
    }

    /// Where the character data starting at `from` ends (the next `<`, or the end of the
    /// document) and where its first byte that [`unescape`] must rewrite is, if any. One pass
    /// finds both: text is most of a response, and scanning it once for `<` and again for `&`
    /// and `\r` cost twice.
    #[inline(always)]
    fn text_end(&self, from: usize) -> (usize, Option<usize>) {
        let bytes = self.text.as_bytes();
        let mut at = find_text_byte(bytes, from);
        let special = match bytes.get(at) {
            Some(b'<') | None => return (at, None),
            Some(_) => at,
        };
        // Past the first special byte, only `<` ends the text: the same scan goes on from byte
        // to special byte (an S3 ETag has two), which for the short texts of a response costs
        // less than setting up a `memchr`. Each step moves forward, and `at < bytes.len()`
        // here, so `at + 1` is at most the length, where the scan answers the length.
        while matches!(bytes.get(at), Some(b'&' | b'\r')) {
            at = find_text_byte(bytes, at + 1);
        }
        (at, Some(special))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Reads a name at the current position; the bytes that end a name are ASCII, so the end is
    /// a character boundary.
    fn name(&mut self) -> Result<&'a str, CodecError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        // A local index keeps the loop in registers; `pos` is written back once.
        let mut end = start;
        while bytes.get(end).is_some_and(|&b| !ends_name(b)) {
            end += 1;
        }
        self.pos = end;
        match self.text.get(start..end) {
            Some(name)
                if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') =>
            {
                Ok(name)
            }
            _ => self.fail(start, "expected a name"),
        }
    }

    /// The next event, or `None` at the end of a well-formed document.
    pub(crate) fn next_event(&mut self) -> Result<Option<Event<'a>>, CodecError> {
        if let Some(name) = self.pending_end.take() {
            self.open.pop();
            return Ok(Some(Event::End { name }));
        }
        loop {
            let Some(first) = self.peek() else {
                if !self.open.is_empty() {
                    return self.fail(self.pos, "the document ends inside an element");
                }
                if !self.seen_root {
                    return self.fail(self.pos, "the document has no root element");
                }
                return Ok(None);
            };
            if first != b'<' {
                let start = self.pos;
                let (end, special) = self.text_end(start);
                let raw = self.text.get(start..end).unwrap_or("");
                self.pos = end;
                if self.open.is_empty() {
                    if raw.bytes().all(is_space) {
                        continue;
                    }
                    return self.fail(start, "text outside the root element");
                }
                return match special {
                    None => Ok(Some(Event::Text(Cow::Borrowed(raw)))),
                    Some(at) => unescape_from(raw, at - start, start, false).map(|text| Some(Event::Text(text))),
                };
            }
            // Most markup is a start or an end tag: the byte after `<` tells them from the rest
            // without trying each of the rarer prefixes first.
            match self.text.as_bytes().get(self.pos + 1) {
                Some(b'/') => return self.end_tag().map(Some),
                Some(b'?' | b'!') => {}
                _ => return self.start_tag().map(Some),
            }
            let rest = self.rest();
            if rest.starts_with("<?") {
                let Some(end) = self.find("?>") else {
                    return self.fail(self.pos, "unterminated processing instruction");
                };
                self.pos = end + 2;
            } else if rest.starts_with("<!--") {
                let Some(end) = self.find("-->") else {
                    return self.fail(self.pos, "unterminated comment");
                };
                self.pos = end + 3;
            } else if rest.starts_with("<![CDATA[") {
                let start = self.pos + "<![CDATA[".len();
                let Some(end) = self.rest().find("]]>").map(|i| self.pos + i) else {
                    return self.fail(self.pos, "unterminated CDATA section");
                };
                if self.open.is_empty() {
                    return self.fail(self.pos, "CDATA outside the root element");
                }
                self.pos = end + 3;
                let raw = self.text.get(start..end).unwrap_or("");
                return Ok(Some(Event::Text(Cow::Borrowed(raw))));
            } else if rest.starts_with("<!DOCTYPE") {
                if self.seen_root {
                    return self.fail(self.pos, "a DOCTYPE after the root element");
                }
                self.skip_doctype()?;
            } else {
                return self.fail(self.pos, "unsupported markup declaration");
            }
        }
    }

    /// The text of the element just opened when it holds nothing but character data, up to its
    /// own end tag (`<Key>text</Key>`, or `<Key/>`), read with that end tag. Anything else (a
    /// child element, a comment, CDATA, whitespace in the end tag) returns `None` having read
    /// nothing, and the caller takes the events one by one. Scalars are most of a response, and
    /// this reads one without building two events.
    pub(crate) fn text_and_end(&mut self) -> Result<Option<Cow<'a, str>>, CodecError> {
        if self.pending_end.take().is_some() {
            self.open.pop();
            return Ok(Some(Cow::Borrowed("")));
        }
        let Some(&open) = self.open.last() else { return Ok(None) };
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let (lt, special) = self.text_end(start);
        let after = lt + 2 + open.len();
        let closes = bytes.get(lt) == Some(&b'<')
            && bytes.get(lt + 1) == Some(&b'/')
            && bytes.get(lt + 2..after).is_some_and(|name| same(name, open.as_bytes()))
            && bytes.get(after) == Some(&b'>');
        if !closes {
            return Ok(None);
        }
        let raw = self.text.get(start..lt).unwrap_or("");
        let text = match special {
            None => Cow::Borrowed(raw),
            Some(at) => unescape_from(raw, at - start, start, false)?,
        };
        self.pos = after + 1;
        self.open.pop();
        Ok(Some(text))
    }

    /// Moves past whitespace inside an element when markup follows it, as an event reader
    /// would return it as a text event that a structure's walk ignores. Other text is left for
    /// [`Reader::next_event`], so it is read (and checked) exactly as before.
    pub(crate) fn skip_blank(&mut self) {
        if self.pending_end.is_some() || self.open.is_empty() {
            return;
        }
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        while bytes.get(at).is_some_and(|&b| is_space(b)) {
            at += 1;
        }
        if bytes.get(at) == Some(&b'<') {
            self.pos = at;
        }
    }

    /// True when an end tag comes next (a pending empty element's end included).
    #[inline(always)]
    pub(crate) fn at_end_tag(&self) -> bool {
        let bytes = self.text.as_bytes();
        self.pending_end.is_some() || (bytes.get(self.pos) == Some(&b'<') && bytes.get(self.pos + 1) == Some(&b'/'))
    }

    /// Reads the end of the innermost open element when it comes next as `</name>` exactly (or
    /// is the pending end of an empty element) and returns true; otherwise reads nothing and
    /// returns false, and the caller takes the next event. [`Reader::next_event`] would read
    /// the same end tag with the same effect, reporting it as `Event::End`. A structure's walk
    /// meets one end tag per structure, and this costs less than building that event.
    #[inline(always)]
    pub(crate) fn end_exact(&mut self) -> bool {
        // Asked before every child of a structure, so the usual answer (a start tag comes
        // next) is the inlined test of two bytes.
        self.at_end_tag() && self.end_tag_exact()
    }

    /// [`Reader::end_exact`] once an end tag is known to come next.
    fn end_tag_exact(&mut self) -> bool {
        if self.pending_end.take().is_some() {
            self.open.pop();
            return true;
        }
        let Some(&open) = self.open.last() else { return false };
        let bytes = self.text.as_bytes();
        let (start, after) = (self.pos, self.pos + 2 + open.len());
        let closes = bytes.get(start) == Some(&b'<')
            && bytes.get(start + 1) == Some(&b'/')
            && bytes.get(start + 2..after).is_some_and(|name| same(name, open.as_bytes()))
            && bytes.get(after) == Some(&b'>');
        if closes {
            self.pos = after + 1;
            self.open.pop();
        }
        closes
    }

    /// Reads the start tag `<name>` or `<name/>` when it comes next exactly so, and returns the
    /// name as written; otherwise reads nothing and returns `None`, and the caller takes the
    /// next event. A structure's walk knows which elements its members expect, and comparing
    /// one name costs less than scanning a name and then looking it up. `name` must satisfy
    /// [`is_plain_name`]: then [`Reader::next_event`] would read the same tag as a start with
    /// this name and no attributes (the bytes after `<` up to the first byte that ends a name
    /// are `name`), with the same effect on the reader.
    #[inline(always)]
    pub(crate) fn start_exact(&mut self, name: &'a str) -> Option<&'a str> {
        debug_assert!(is_plain_name(name));
        // An empty element's pending end comes first, outside the root the reader has errors to
        // report, and too deep it refuses the tag: all left to `next_event`.
        if self.pending_end.is_some() || self.open.is_empty() || self.open.len() >= MAX_DEPTH {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let end = start + name.len();
        let close = *bytes.get(end)?;
        if !matches!(close, b'>' | b'/')
            || bytes.get(self.pos) != Some(&b'<')
            || !bytes.get(start..end).is_some_and(|written| same(written, name.as_bytes()))
        {
            return None;
        }
        // The tag's name is `name` byte for byte, so `name` stands for it (the model's names
        // live as long as any document) without slicing the document again.
        let found = name;
        if close == b'>' {
            self.pos = end + 1;
        } else if bytes.get(end + 1) == Some(&b'>') {
            self.pos = end + 2;
            self.pending_end = Some(found);
        } else {
            return None;
        }
        self.open.push(found);
        Some(found)
    }

    /// Skips `<!DOCTYPE ...>`, including an internal subset in brackets and quoted literals that
    /// may contain `>`.
    fn skip_doctype(&mut self) -> Result<(), CodecError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut quote = None;
        let mut i = self.pos + "<!DOCTYPE".len();
        while let Some(&b) = bytes.get(i) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'[') => depth += 1,
                (None, b']') => depth = depth.saturating_sub(1),
                (None, b'>') if depth == 0 => {
                    self.pos = i + 1;
                    return Ok(());
                }
                _ => {}
            }
            i += 1;
        }
        self.fail(start, "unterminated DOCTYPE")
    }

    fn end_tag(&mut self) -> Result<Event<'a>, CodecError> {
        let start = self.pos;
        // The usual case, the open element's name followed by `>`, is one comparison; anything
        // else (whitespace before `>`, a mismatch) takes the general path below.
        if let Some(&open) = self.open.last() {
            let after = start + 2 + open.len();
            let name_matches =
                self.text.as_bytes().get(start + 2..after).is_some_and(|name| same(name, open.as_bytes()));
            if name_matches && self.text.as_bytes().get(after) == Some(&b'>') {
                self.pos = after + 1;
                self.open.pop();
                return Ok(Event::End { name: open });
            }
        }
        self.pos += 2;
        let name = self.name()?;
        self.skip_space();
        if self.peek() != Some(b'>') {
            return self.fail(self.pos, "expected '>' to close the end tag");
        }
        self.pos += 1;
        match self.open.last() {
            Some(&open) if open == name => {
                self.open.pop();
                Ok(Event::End { name })
            }
            Some(_) => self.fail(start, "the end tag does not match the open element"),
            None => self.fail(start, "an end tag without an open element"),
        }
    }

    fn start_tag(&mut self) -> Result<Event<'a>, CodecError> {
        let offset = self.pos;
        if self.open.is_empty() && self.seen_root {
            return self.fail(offset, "a second root element");
        }
        if self.open.len() >= MAX_DEPTH {
            return self.fail(offset, &format!("elements are nested deeper than {MAX_DEPTH} levels"));
        }
        self.pos += 1;
        let name = self.name()?;
        let mut attributes = Vec::new();
        loop {
            let before = self.pos;
            self.skip_space();
            match self.peek() {
                Some(b'>') => {
                    self.pos += 1;
                    break;
                }
                Some(b'/') => {
                    if self.rest().starts_with("/>") {
                        self.pos += 2;
                        self.pending_end = Some(name);
                        break;
                    }
                    return self.fail(self.pos, "expected '/>'");
                }
                None => return self.fail(self.pos, "the document ends inside a tag"),
                Some(_) if before == self.pos => return self.fail(self.pos, "expected whitespace before an attribute"),
                Some(_) => attributes.push(self.attribute(&attributes)?),
            }
        }
        self.seen_root = true;
        self.open.push(name);
        Ok(Event::Start { name, attributes, offset })
    }

    fn attribute(&mut self, seen: &[Attribute<'a>]) -> Result<Attribute<'a>, CodecError> {
        let at = self.pos;
        let name = self.name()?;
        if seen.iter().any(|a| a.name == name) {
            return self.fail(at, "a repeated attribute");
        }
        self.skip_space();
        if self.peek() != Some(b'=') {
            return self.fail(self.pos, "expected '=' after an attribute name");
        }
        self.pos += 1;
        self.skip_space();
        let quote = match self.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return self.fail(self.pos, "expected a quoted attribute value"),
        };
        let start = self.pos + 1;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if b == quote {
                break;
            }
            if b == b'<' {
                return self.fail(end, "'<' in an attribute value");
            }
            end += 1;
        }
        if end >= bytes.len() {
            return self.fail(at, "unterminated attribute value");
        }
        let raw = self.text.get(start..end).unwrap_or("");
        self.pos = end + 1;
        Ok(Attribute { name, value: unescape(raw, start, true)? })
    }
}

/// Replaces character references and normalises line ends as an XML processor must: `\r\n` and
/// lone `\r` become `\n`, and in attribute values literal tabs and line ends become spaces. A
/// reference such as `&#xD;` survives both, which is why writers escape those characters.
/// `offset` is where `raw` starts in the document, for error messages.
pub(crate) fn unescape(raw: &str, offset: usize, attribute: bool) -> Result<Cow<'_, str>, CodecError> {
    let mask = if attribute { 2 } else { 1 };
    match raw.bytes().position(|b| SPECIAL[usize::from(b)] & mask != 0) {
        None => Ok(Cow::Borrowed(raw)),
        Some(first) => unescape_from(raw, first, offset, attribute),
    }
}

/// [`unescape`] for text whose first byte to rewrite is already known to be at `first`.
fn unescape_from(raw: &str, first: usize, offset: usize, attribute: bool) -> Result<Cow<'_, str>, CodecError> {
    let bytes = raw.as_bytes();
    // One table load per byte: bit 1 marks what text must change, bit 2 what an attribute must.
    let mask = if attribute { 2 } else { 1 };
    let special = |b: u8| SPECIAL[usize::from(b)] & mask != 0;
    // Runs of ordinary text are copied whole; every special byte is ASCII, so each run starts
    // and ends on a character boundary.
    let mut out = String::with_capacity(raw.len());
    let mut clean = 0;
    let mut i = first;
    while let Some(&b) = bytes.get(i) {
        if !special(b) {
            // Text (not attribute values) skips to its next `&` or `\r` sixteen bytes at a time;
            // the scan also stops at `<`, which text never holds, and which the next turn
            // would step over like any other ordinary byte.
            i = if attribute { i + 1 } else { find_text_byte(bytes, i + 1) };
            continue;
        }
        if clean < i {
            out.push_str(raw.get(clean..i).unwrap_or(""));
        }
        match b {
            b'&' => {
                // The predefined references are read by their bytes (every S3 ETag has two
                // `&quot;`); the rest by name or number.
                if let Some((decoded, len)) = predefined(bytes.get(i + 1..).unwrap_or(&[])) {
                    out.push(decoded);
                    i += len + 1;
                    clean = i;
                    continue;
                }
                let tail = raw.get(i + 1..).unwrap_or("");
                let Some(semi) = tail.find(';') else {
                    return Err(CodecError::syntax(offset + i, "an unterminated character reference"));
                };
                let entity = tail.get(..semi).unwrap_or("");
                let Some(decoded) = decode_reference(entity) else {
                    return Err(CodecError::syntax(offset + i, "an unknown or invalid character reference"));
                };
                out.push(decoded);
                i += semi + 2;
            }
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.push(if attribute { ' ' } else { '\n' });
                i += 1;
            }
            // A literal tab or line feed in an attribute value.
            _ => {
                out.push(' ');
                i += 1;
            }
        }
        clean = i;
    }
    if clean < bytes.len() {
        out.push_str(raw.get(clean..).unwrap_or(""));
    }
    Ok(Cow::Owned(out))
}

/// The offset of the first of the bytes `a`, `b` and `c` at or after `from`, or the length of
/// `bytes`. Eight bytes at a time, each tested for the three values at once with the classic
/// zero-byte trick: `x - 0x0101..` borrows into a byte's top bit where `x` has a zero byte, and
/// the lowest flagged byte is always a true match (only bytes above a true match can be flagged
/// falsely).
#[inline]
fn find_any_of(bytes: &[u8], from: usize, [a, b, c]: [u8; 3]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & TOPS;
    let (a8, b8, c8) = (ONES * u64::from(a), ONES * u64::from(b), ONES * u64::from(c));
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let word = u64::from_le_bytes(word);
        let hits = zero_bytes(word ^ a8) | zero_bytes(word ^ b8) | zero_bytes(word ^ c8);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let tail = bytes.get(i..).unwrap_or(&[]);
    i + tail.iter().position(|&x| x == a || x == b || x == c).unwrap_or(tail.len())
}

/// The offset of the first `<`, `&` or `\r` at or after `from`, or the length of `bytes`: the
/// bytes that end character data or make [`unescape`] rewrite it.
#[inline]
fn find_text_byte(bytes: &[u8], from: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    let from = match find_text_byte_sse2(bytes, from) {
        Ok(found) => return found,
        Err(rest) => rest,
    };
    find_any_of(bytes, from, [b'<', b'&', b'\r'])
}

/// [`find_text_byte`] sixteen bytes at a time while sixteen remain: `Ok` with the offset of
/// the first of the three bytes, or `Err` with where fewer than sixteen bytes are left to
/// search, which the word scan then finishes. Text is most of a response, and a vector compare tests sixteen bytes
/// for all three values in a handful of instructions.
#[cfg(target_arch = "x86_64")]
#[inline]
fn find_text_byte_sse2(bytes: &[u8], from: usize) -> Result<usize, usize> {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut i = from;
    while i.checked_add(16).is_some_and(|end| end <= bytes.len()) {
        // SAFETY: `i + 16 <= bytes.len()` (checked just above), so the sixteen bytes loaded
        // from `bytes.as_ptr() + i` lie inside `bytes`; `_mm_loadu_si128` has no alignment
        // requirement, and SSE2, which all of these intrinsics need, is part of every x86_64
        // target, so the CPU has it.
        let hits = unsafe {
            let chunk = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
            let lt = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'<' as i8));
            let amp = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'&' as i8));
            let cr = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\r' as i8));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(lt, amp), cr)) as u32
        };
        if hits != 0 {
            return Ok(i + hits.trailing_zeros() as usize);
        }
        i += 16;
    }
    Err(i)
}

/// The bytes [`unescape`] rewrites: `&` and `\r` in text (bit 1) and in attribute values (bit 2),
/// where literal tabs and line feeds also become spaces.
static SPECIAL: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'&' as usize] = 3;
    table[b'\r' as usize] = 3;
    table[b'\n' as usize] = 2;
    table[b'\t' as usize] = 2;
    table
};

/// The predefined entity at the start of `tail` (the bytes after `&`) and its length with the
/// `;`; the same answers as [`decode_reference`] gives for these five names.
fn predefined(tail: &[u8]) -> Option<(char, usize)> {
    match tail {
        [b'q', b'u', b'o', b't', b';', ..] => Some(('"', 5)),
        [b'a', b'm', b'p', b';', ..] => Some(('&', 4)),
        [b'a', b'p', b'o', b's', b';', ..] => Some(('\'', 5)),
        [b'l', b't', b';', ..] => Some(('<', 3)),
        [b'g', b't', b';', ..] => Some(('>', 3)),
        _ => None,
    }
}

/// The character a reference (without `&` and `;`) stands for, if it is a valid one.
fn decode_reference(entity: &str) -> Option<char> {
    let (digits, radix) = match entity {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        _ => match entity.strip_prefix("#x") {
            Some(hex) => (hex, 16),
            None => (entity.strip_prefix('#')?, 10),
        },
    };
    // `from_str_radix` would also take a sign, which XML does not allow.
    if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    match code {
        // XML 1.0 allows only these characters, even by reference.
        0x9 | 0xA | 0xD | 0x20.. => char::from_u32(code).filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}')),
        _ => None,
    }
}

/// An element of a parsed document: what the schema-driven codec walks. Names and text borrow
/// from the body where they can (text is owned only when unescaping or joining pieces changed
/// it), so building the tree costs about one allocation per element with children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Element<'a> {
    /// The qualified name as written.
    pub name: &'a str,
    pub attributes: Vec<(&'a str, Cow<'a, str>)>,
    pub children: Vec<Element<'a>>,
    /// The element's own character data and CDATA, concatenated (text of children excluded).
    pub text: Cow<'a, str>,
}

impl<'a> Element<'a> {
    /// The name without its namespace prefix.
    pub(crate) fn local(&self) -> &'a str {
        local_name(self.name)
    }

    /// The first child element with the given local name.
    pub(crate) fn child(&self, local: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.local() == local)
    }

    /// The attribute `name`, compared as written first and then by local name, so that a model's
    /// `xsi:type` finds `xsi:type` and also a document that bound the namespace to another prefix.
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        let exact = self.attributes.iter().find(|(n, _)| *n == name);
        let local = || self.attributes.iter().find(|(n, _)| local_name(n) == local_name(name));
        exact.or_else(local).map(|(_, v)| v.as_ref())
    }

    /// True when the element is marked `xsi:nil="true"`.
    pub(crate) fn is_nil(&self) -> bool {
        self.attributes.iter().any(|(n, v)| local_name(n) == "nil" && n.contains(':') && v.trim() == "true")
    }
}

/// Parses a whole document into its root element; `Ok(None)` when the body is empty or only
/// whitespace. The tree is built with an explicit stack, so no input depth reaches the call
/// stack here, and the reader has already limited depth for the consumers that recurse.
pub(crate) fn parse_document(body: &[u8]) -> Result<Option<Element<'_>>, CodecError> {
    if body.iter().all(|&b| is_space(b)) {
        return Ok(None);
    }
    let mut reader = Reader::new(body)?;
    let mut root = None;
    while let Some(event) = reader.next_event()? {
        // The reader refuses text and end tags outside the root and a second root, so the only
        // event seen here is the root's start.
        if let Event::Start { name, attributes, .. } = event {
            root = Some(read_element(&mut reader, name, attributes)?);
        }
    }
    Ok(root)
}

/// Reads the rest of the element whose start tag (`name`, `attributes`) the reader has just
/// returned, up to and including its end tag, as a tree.
pub(crate) fn read_element<'a>(
    reader: &mut Reader<'a>,
    name: &'a str,
    attributes: Vec<Attribute<'a>>,
) -> Result<Element<'a>, CodecError> {
    // The open elements, each with where its children start in `done`: finished elements wait
    // there until their parent ends and then move into one allocation of exactly their number,
    // instead of growing every parent's vector step by step.
    let element = |name, attributes: Vec<Attribute<'a>>| Element {
        name,
        attributes: attributes.into_iter().map(|a| (a.name, a.value)).collect(),
        ..Element::default()
    };
    let mut stack: Vec<(Element, usize)> = vec![(element(name, attributes), 0)];
    let mut done: Vec<Element> = Vec::new();
    loop {
        let Some(event) = reader.next_event()? else {
            return Err(CodecError::syntax(reader.offset(), "the document ends inside an element"));
        };
        match event {
            Event::Start { name, attributes, .. } => stack.push((element(name, attributes), done.len())),
            Event::Text(text) => {
                if let Some((top, _)) = stack.last_mut() {
                    if top.text.is_empty() {
                        top.text = text;
                    } else {
                        top.text.to_mut().push_str(&text);
                    }
                }
            }
            Event::End { .. } => {
                let Some((mut element, first_child)) = stack.pop() else {
                    return Err(CodecError::syntax(reader.offset(), "an end tag without an open element"));
                };
                if first_child < done.len() {
                    element.children = done.drain(first_child..).collect();
                }
                if stack.is_empty() {
                    return Ok(element);
                }
                done.push(element);
            }
        }
    }
}

#[cfg(test)]
#[path = "xml_read_tests.rs"]
mod tests;
