//! Conversion of botocore `documentation` strings (loose HTML, some DocBook, some plain text)
//! into rustdoc Markdown.
//!
//! Generated crates are built with `-D warnings`, so the output must never trip a rustdoc lint:
//! no intra-doc links, no doctests, no bare URLs, no unknown HTML tags. The output is also
//! line-budgeted: every paragraph and list item is exactly one line. The converter is a single
//! forward pass (a small tag scanner feeding a streaming renderer) because it runs over hundreds
//! of megabytes of documentation; it never panics and turns broken HTML into text rather than
//! dropping words.

use std::fmt::Write as _;
use std::mem;

/// Converts botocore HTML documentation to rustdoc Markdown.
pub fn html_to_markdown(html: &str) -> String {
    Renderer::new(false).run(html)
}

/// The first sentence/paragraph only, as a one-line Markdown summary (for short docs), same escaping rules.
pub fn summary(html: &str) -> String {
    Renderer::new(true).run(html)
}

/// The tags the renderer understands. Every other tag is shown as literal text, because the
/// models use angle brackets for placeholders such as `<region>` more often than for markup.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    H,
    Br,
    Code,
    Pre,
    B,
    I,
    A,
    Ul,
    Ol,
    Li,
    Dt,
    Dd,
    Label(&'static str),
    Fullname,
    Table,
    Cell,
    Plain,
}

/// Maps a tag name, in any case, to what the renderer does with it.
fn classify(name: &str) -> Option<Tag> {
    // Lower-casing into a stack buffer avoids an allocation per tag on a hot path.
    let mut buf = [0u8; 12];
    let lower = buf.get_mut(..name.len())?;
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    Some(match &*lower {
        b"p" | b"para" | b"div" | b"caption" | b"section" | b"tr" => Tag::P,
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => Tag::H,
        b"br" | b"hr" => Tag::Br,
        b"code" | b"filename" | b"replaceable" | b"function" | b"copy" | b"tt" | b"kbd" | b"samp" | b"userinput"
        | b"varname" | b"command" => Tag::Code,
        b"pre" | b"programlisting" | b"screen" => Tag::Pre,
        b"b" | b"strong" => Tag::B,
        b"i" | b"em" | b"emphasis" | b"cite" => Tag::I,
        b"a" | b"ulink" => Tag::A,
        b"ul" | b"dl" => Tag::Ul,
        b"ol" => Tag::Ol,
        b"li" => Tag::Li,
        b"dt" => Tag::Dt,
        b"dd" => Tag::Dd,
        b"note" => Tag::Label("Note"),
        b"important" => Tag::Label("Important"),
        b"warning" => Tag::Label("Warning"),
        b"tip" => Tag::Label("Tip"),
        b"fullname" => Tag::Fullname,
        b"table" | b"thead" | b"tbody" | b"tfoot" => Tag::Table,
        b"td" | b"th" => Tag::Cell,
        b"u" | b"span" | b"link" | b"zonbook" | b"xhtml" | b"sup" | b"sub" | b"small" | b"abbr" | b"acronym"
        | b"font" | b"ins" | b"html" | b"body" => Tag::Plain,
        _ => return None,
    })
}

/// One scanned tag; an empty `name` marks a comment or declaration, which is dropped.
struct Tok<'a> {
    end: usize,
    name: &'a str,
    closing: bool,
    attrs: &'a str,
}

/// Recognises a tag at the `<` at byte `p`, or returns `None` when that `<` is just text (as in
/// `a < b` or `<user@host>`).
fn scan_tag(s: &str, p: usize) -> Option<Tok<'_>> {
    let b = s.as_bytes();
    let rest = &b[p + 1..];
    let dropped = |end| Some(Tok { end, name: "", closing: false, attrs: "" });
    if rest.starts_with(b"!--") {
        return dropped(p + 4 + s[p + 4..].find("-->")? + 3);
    }
    if matches!(rest, [b'!' | b'?', c, ..] if c.is_ascii_alphabetic()) {
        return dropped(find_gt(b, p + 2)? + 1);
    }
    let closing = rest.first() == Some(&b'/');
    let start = p + 1 + closing as usize;
    let len =
        b[start..].iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')).count();
    let end = start + len;
    let next = b.get(end).copied().unwrap_or(b'>');
    if len == 0 || !b[start].is_ascii_alphabetic() || !(next.is_ascii_whitespace() || next == b'/' || next == b'>') {
        return None;
    }
    let gt = find_gt(b, end)?;
    Some(Tok { end: gt + 1, name: &s[start..end], closing, attrs: &s[end..gt] })
}

/// Finds the `>` that ends a tag, honouring quoted attribute values. The scan is bounded and
/// stops at a bare `<`, which keeps the conversion linear on inputs full of stray brackets.
fn find_gt(b: &[u8], from: usize) -> Option<usize> {
    let lim = b.len().min(from + 2048);
    let mut quote = 0;
    for (i, &c) in b.iter().enumerate().take(lim).skip(from) {
        match c {
            _ if quote != 0 => quote = if c == quote { 0 } else { quote },
            b'>' => return Some(i),
            b'<' => return None,
            b'"' | b'\'' => quote = c,
            _ => {}
        }
    }
    // An unbalanced quote (an apostrophe in prose) must not hide the end of the tag.
    let i = (from..lim).find(|&i| b[i] == b'>' || b[i] == b'<')?;
    (quote != 0 && b[i] == b'>').then_some(i)
}

/// Returns the value of attribute `want`, which may be quoted with either quote or unquoted.
fn attr<'s>(mut s: &'s str, want: &str) -> Option<&'s str> {
    while let Some(eq) = s.find('=') {
        let name = s[..eq].trim_end().rsplit(|c: char| c.is_ascii_whitespace()).next();
        let v = s[eq + 1..].trim_start();
        let (value, rest) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split_once(q).unwrap_or((&v[1..], "")),
            _ => v.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((v, "")),
        };
        if name.is_some_and(|n| n.eq_ignore_ascii_case(want)) {
            return Some(value);
        }
        s = rest;
    }
    None
}

/// Turns an `href` into an absolute http(s) URL that is safe as a Markdown link destination.
/// Anything else (fragments, `mailto:`, unresolvable relative paths) yields `None` and the link
/// keeps only its text, since rustdoc would try to resolve it as an intra-doc link.
fn resolve_href(raw: &str) -> Option<String> {
    let mut d = String::new();
    decode_into(raw.trim(), &mut d);
    let h = d.trim();
    let host_path = h.split_once('/').is_some_and(|(host, _)| {
        let tld = host.rsplit('.').next().unwrap_or("");
        host.contains('.') && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
    });
    let abs = if h.starts_with("https://") || h.starts_with("http://") {
        h.to_string()
    } else if let Some(r) = h.strip_prefix("//") {
        format!("https://{r}")
    } else if h.starts_with('/') {
        format!("https://docs.aws.amazon.com{h}")
    } else if host_path {
        format!("https://{h}")
    } else if h.contains("/latest/") && !h.contains(':') {
        // Some models drop the leading slash of AWS documentation paths.
        format!("https://docs.aws.amazon.com/{h}")
    } else {
        return None;
    };
    let mut out = String::with_capacity(abs.len());
    for c in abs.chars().filter(|&c| c == ' ' || !is_space(c)) {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '\\' | '`' | '"' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
    let host = &out[out.find("://").map_or(0, |i| i + 3)..];
    host.starts_with(|c: char| c.is_ascii_alphanumeric()).then_some(out)
}

const ENTITY_NAMES: [&str; 18] = [
    "lt", "gt", "amp", "quot", "apos", "nbsp", "ndash", "mdash", "hellip", "lsquo", "rsquo", "ldquo", "rdquo", "copy",
    "reg", "trade", "times", "bull",
];
const ENTITY_CHARS: [char; 18] =
    ['<', '>', '&', '"', '\'', ' ', '–', '—', '…', '‘', '’', '“', '”', '©', '®', '™', '×', '•'];

/// Decodes HTML entities; unknown or malformed ones are kept verbatim (and escaped later).
fn decode_into(s: &str, out: &mut String) {
    let (mut last, mut i) = (0, 0);
    while let Some(off) = s[i..].find('&') {
        let a = i + off;
        i = a + 1;
        let Some(semi) = s.as_bytes()[a..].iter().take(12).position(|&c| c == b';') else {
            continue;
        };
        let name = &s[a + 1..a + semi];
        let numeric = |digits: &str, radix| {
            let ok = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
            ok.then(|| u32::from_str_radix(digits, radix).ok().and_then(char::from_u32)).flatten()
        };
        let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
            numeric(hex, 16)
        } else if let Some(dec) = name.strip_prefix('#') {
            numeric(dec, 10)
        } else {
            ENTITY_NAMES.iter().position(|&n| n == name).map(|k| ENTITY_CHARS[k])
        };
        if let Some(c) = c {
            out.push_str(&s[last..a]);
            out.push(c);
            i = a + semi + 1;
            last = i;
        }
    }
    out.push_str(&s[last..]);
}

/// Whitespace and control characters collapse to one space. Bidirectional-override code points
/// are treated the same, because rustc rejects them in doc comments.
fn is_space(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Escapes Markdown-active characters. `&` is escaped only where it would start an entity, so
/// that decoded text such as `&lt;` stays literal instead of turning back into `<`.
fn escape_into(line: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut last = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc = match c {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'~' => true,
            b'&' => {
                let n = b[i + 1..].iter().take(32);
                let n = n.take_while(|c| c.is_ascii_alphanumeric() || **c == b'#').count();
                n > 0 && b.get(i + 1 + n) == Some(&b';')
            }
            _ => false,
        };
        if esc {
            line.push_str(&s[last..i]);
            line.push('\\');
            last = i;
        }
    }
    line.push_str(&s[last..]);
}

/// Writes a finished line, escaping a start that CommonMark would read as a list marker, a
/// heading, a setext underline or a definition.
fn push_line(out: &mut String, line: &str) {
    let b = line.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if matches!(b.first(), Some(b'-' | b'+' | b'=' | b'#' | b':')) {
        out.push('\\');
    } else if (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) {
        out.push_str(&line[..digits]);
        out.push('\\');
        return out.push_str(&line[digits..]);
    }
    out.push_str(line);
}

/// Returns the end of the URL at byte `k` of a word, if one starts there. There is no
/// word-boundary check, because rustdoc's `bare_urls` also flags URLs glued to a word. Trailing
/// punctuation is left out: it usually ends the sentence rather than the URL.
fn url_end(w: &str, k: usize) -> Option<usize> {
    let b = w.as_bytes();
    let scheme = ["https://", "http://"].into_iter().find(|s| w[k..].starts_with(s))?.len();
    let mut end = k + scheme;
    let (mut open, mut close) = (0, 0);
    while end < b.len() && !b"<>\"'`\\{}|^".contains(&b[end]) {
        open += (b[end] == b'(') as usize;
        close += (b[end] == b')') as usize;
        end += 1;
    }
    while end > k + scheme {
        match b[end - 1] {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' => end -= 1,
            b')' if close > open => (close, end) = (close - 1, end - 1),
            _ => break,
        }
    }
    (end > k + scheme).then_some(end)
}

/// Decides whether a word that is followed by whitespace ends the first sentence.
fn ends_sentence(w: &str) -> bool {
    let w = w.trim_end_matches([')', '"', '\'', '”', '’']);
    if w.ends_with(['!', '?']) {
        return true;
    }
    let Some(core) = w.strip_suffix('.') else { return false };
    let word = core.rsplit(|c: char| !(c.is_alphanumeric() || c == '.')).next().unwrap_or("");
    // Abbreviations ("e.g.", "U.S.", "etc.") and initials would cut the summary mid-sentence.
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let abbrev = ["eg", "ie", "vs", "etc", "approx", "incl", "no"];
    !(word.contains('.') || initial || abbrev.iter().any(|a| word.eq_ignore_ascii_case(a)))
}

/// Returns the length of the longest run of `c`, to size a backtick fence that `s` cannot close.
fn longest_run(s: &str, c: u8) -> usize {
    let mut cur = 0;
    s.bytes()
        .map(|b| {
            if b == c {
                cur += 1;
                cur
            } else {
                cur = 0;
                0
            }
        })
        .max()
        .unwrap_or(0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Bold,
    Italic,
    Link,
}

/// An open inline element. Its Markdown opener is written lazily (`emitted`) when content
/// arrives, so empty elements produce nothing and an element spanning a paragraph break is
/// closed at the end of one line and reopened on the next.
struct Inline {
    fmt: Fmt,
    href: Option<String>,
    emitted: bool,
    /// `<b>` inside `<b>` writes nothing, since `****` renders as literal asterisks.
    silent: bool,
    start: usize,
}

/// An open `<ul>`, `<ol>` or `<dl>`. Nested lists are indented to the content column of the
/// enclosing item (`indent` + `marker_w`), which is what CommonMark needs to nest them.
struct List {
    ordered: bool,
    n: u32,
    indent: usize,
    marker_w: usize,
    item_open: bool,
}

#[derive(Default)]
enum Mode<'a> {
    #[default]
    Normal,
    /// An open `<code>`-like tag: its name, nesting depth, and whether it starts a block.
    Code(&'a str, u32, bool),
    Pre,
    Skip,
}

/// The streaming renderer. Text accumulates in `line` for the current block (a paragraph or a
/// list item), which `flush` writes to `out` as one line with its `prefix` (indentation and
/// list marker). Blocks are opened lazily by the first word, so tags that produce no text
/// produce no lines.
#[derive(Default)]
struct Renderer<'a> {
    summary: bool,
    /// Set once the summary line is complete, so the rest of the input is skipped.
    done: bool,
    out: String,
    line: String,
    open: bool,
    prefix: String,
    /// Whether the current block is a list item and whether it (`cur_list`) or the previous
    /// block (`prev_list`) belongs to a list: consecutive list lines need no blank line between.
    cur_item: bool,
    cur_list: bool,
    prev_list: bool,
    /// The raw text of an open `<code>` or `<pre>`; `scratch` is a reusable decoding buffer.
    code: String,
    scratch: String,
    pending_space: bool,
    /// Where the last word sits in `line`, to re-join words split by tags that write nothing.
    word_start: usize,
    word_end: usize,
    newlines: u32,
    /// The block was opened by a tag, so blank lines in its text do not split it.
    explicit: bool,
    /// An emphasis closer followed punctuation, so it must not be followed by a letter.
    closer_punct: bool,
    /// An `<li>`, `<dt>` or `<dd>` was seen, so the next block gets a list marker.
    pending_item: bool,
    /// An `<li>` outside any list is open (there is no `List` to record it in).
    loose_item: bool,
    /// The current line holds a `<dt>` term that a `<dd>` may join, and the inline stack
    /// depth at which the term's bold began.
    dt_line: bool,
    dt_mark: Option<usize>,
    /// A `<note>`-like label waiting for the first word of its text.
    label: Option<&'static str>,
    inlines: Vec<Inline>,
    lists: Vec<List>,
    mode: Mode<'a>,
}

/// Writes the Markdown closer of an inline element whose opener was written.
fn close_fmt(line: &mut String, inl: &Inline, closer_punct: &mut bool) {
    match (inl.fmt, &inl.href) {
        (Fmt::Link, Some(h)) => {
            let text: String = line[inl.start + 1..].chars().filter(|&c| c != '\\').collect();
            // `[url](url)` is noise, so a link whose text is a URL becomes an autolink.
            if url_end(&text, 0) == Some(text.len()) {
                line.truncate(inl.start);
                let _ = write!(line, "<{h}>");
            } else {
                let _ = write!(line, "]({h})");
            }
            *closer_punct = false;
        }
        (Fmt::Link, None) => {}
        _ if inl.silent => {}
        (f, _) => {
            // A closer after punctuation only closes when followed by space or punctuation;
            // adjacent closers form one run, so the character before the run counts.
            let before = line.trim_end_matches('*').chars().next_back();
            *closer_punct = !before.is_some_and(char::is_alphanumeric);
            line.push_str(if f == Fmt::Bold { "**" } else { "*" });
        }
    }
}

impl<'a> Renderer<'a> {
    fn new(summary: bool) -> Self {
        Renderer { summary, word_end: usize::MAX, ..Default::default() }
    }

    fn run(mut self, html: &'a str) -> String {
        let (mut i, mut text_start) = (0, 0);
        while let Some(off) = html[i..].find('<').filter(|_| !self.done) {
            let p = i + off;
            i = p + 1;
            if let Some(t) = scan_tag(html, p) {
                self.text(&html[text_start..p]);
                if !self.done {
                    self.tag(&t, &html[p..t.end]);
                }
                (i, text_start) = (t.end, t.end);
            }
        }
        if !self.done {
            self.text(&html[text_start..]);
        }
        if !matches!(self.mode, Mode::Normal | Mode::Skip) {
            self.end_code();
        }
        self.flush();
        self.out
    }

    fn in_item(&self) -> bool {
        self.lists.last().map_or(self.loose_item, |l| l.item_open)
    }

    fn set_item(&mut self, v: bool) {
        match self.lists.last_mut() {
            Some(l) => l.item_open = v,
            None => self.loose_item = v,
        }
    }

    /// The column where the content of the innermost list's last item starts.
    fn content_indent(&self) -> usize {
        self.lists.last().map_or(0, |l| l.indent + l.marker_w)
    }

    /// Handles the text between two tags according to the current mode.
    fn text(&mut self, raw: &str) {
        match self.mode {
            Mode::Code(..) | Mode::Pre => decode_into(raw, &mut self.code),
            Mode::Skip => {}
            Mode::Normal if raw.contains('&') => {
                let mut s = mem::take(&mut self.scratch);
                s.clear();
                decode_into(raw, &mut s);
                self.push_text(&s);
                self.scratch = s;
            }
            Mode::Normal => self.push_text(raw),
        }
    }

    /// Splits decoded text into words; the whitespace between them becomes one pending space.
    fn push_text(&mut self, t: &str) {
        let (b, mut start, mut i) = (t.as_bytes(), 0, 0);
        while i < b.len() {
            // ASCII fast path; other characters are decoded to test for Unicode whitespace.
            let (space, n) = match b[i] {
                c if c < 0x80 => (c <= b' ' || c == 0x7f, 1),
                _ => t[i..].chars().next().map_or((true, 1), |c| (is_space(c), c.len_utf8())),
            };
            if space {
                if start < i {
                    self.word(&t[start..i], true);
                }
                if self.done {
                    return;
                }
                (start, self.pending_space) = (i + n, true);
                self.newlines += (b[i] == b'\n') as u32;
            }
            i += n;
        }
        if start < t.len() {
            self.word(&t[start..], false);
        }
    }

    /// Writes one word; `ws_follows` says whether whitespace follows it in the input.
    fn word(&mut self, w: &str, ws_follows: bool) {
        // Blank lines make paragraphs only in text no tag has put in a block (plain-text models).
        if self.newlines >= 2 && self.open && !self.explicit && !self.in_item() {
            self.flush();
            if self.done {
                return;
            }
        }
        let glued = self.open && !self.pending_space && self.line.len() == self.word_end;
        let before = self.line.len();
        self.begin(w.chars().next().unwrap_or(' '));
        // Text split by tags that write nothing (`https://<u>x.com</u>`) is one word to rustdoc,
        // so the previous word is taken back and handled together with this one (bounded, to
        // stay linear on long runs of glued fragments).
        if glued && self.line.len() == before && self.word_end - self.word_start <= 512 {
            let mut prev = String::new();
            let mut escaped = false;
            for c in self.line[self.word_start..self.word_end].chars() {
                if escaped || !matches!(c, '\\' | '<' | '>') {
                    prev.push(c);
                }
                escaped = !escaped && c == '\\';
            }
            prev.push_str(w);
            self.line.truncate(self.word_start);
            return self.word_text(&prev, ws_follows);
        }
        self.word_text(w, ws_follows);
    }

    /// Writes an escaped word with its URLs as autolinks, and ends the summary after a sentence.
    fn word_text(&mut self, w: &str, ws_follows: bool) {
        self.word_start = self.line.len();
        let in_link = self.inlines.iter().any(|x| x.href.is_some());
        let (mut pos, mut from) = (0, 0);
        // A byte scan is much cheaper than a substring search on the typical short word.
        while let Some(off) = w.as_bytes()[from..].iter().position(|&c| c == b'h') {
            let k = from + off;
            from = k + 1;
            // Bare URLs become autolinks for `rustdoc::bare_urls`; in link text an autolink
            // would nest links, and rustdoc does not lint there, so the URL stays plain.
            if let Some(end) = url_end(w, k).filter(|_| !in_link) {
                escape_into(&mut self.line, &w[pos..k]);
                let _ = write!(self.line, "<{}>", &w[k..end]);
                (pos, from) = (end, end);
            }
        }
        escape_into(&mut self.line, &w[pos..]);
        self.word_end = self.line.len();
        let in_fmt = self.inlines.iter().any(|x| x.emitted);
        if self.summary && ws_follows && !in_fmt && ends_sentence(w) {
            self.flush();
        }
    }

    /// Opens the current block if needed, then writes pending separators and lazy openers.
    fn begin(&mut self, first: char) {
        if !self.open {
            self.open_block();
        }
        self.newlines = 0;
        if let Some(l) = self.label.take() {
            let sep = if self.line.is_empty() { "" } else { " " };
            let _ = write!(self.line, "{sep}**{l}:**");
            self.pending_space = true;
        }
        let space = self.pending_space && !self.line.is_empty();
        if space || (self.closer_punct && first.is_alphanumeric()) {
            self.line.push(' ');
        }
        self.pending_space = false;
        self.closer_punct = false;
        let unopened = |x: &&mut Inline| !x.emitted && (x.fmt != Fmt::Link || x.href.is_some());
        for inl in self.inlines.iter_mut().filter(unopened) {
            inl.emitted = true;
            if inl.fmt == Fmt::Link {
                inl.start = self.line.len();
                self.line.push('[');
            } else if !inl.silent {
                // An opener between a letter and punctuation is not left-flanking; a space fixes it.
                let after_word = self.line.chars().next_back().is_some_and(char::is_alphanumeric);
                if after_word && !first.is_alphanumeric() {
                    self.line.push(' ');
                }
                self.line.push_str(if inl.fmt == Fmt::Bold { "**" } else { "*" });
            }
        }
    }

    fn open_block(&mut self) {
        self.open = true;
        self.prefix.clear();
        self.cur_item = self.pending_item;
        // Only text that follows an item may sit on the next line; anything else needs a blank line.
        self.cur_list = self.pending_item || self.lists.last().is_some_and(|l| l.marker_w > 0);
        let indent = self.content_indent();
        if !mem::take(&mut self.pending_item) {
            // Text inside a list but outside an item continues the last item's content.
            self.prefix.extend(std::iter::repeat_n(' ', indent));
        } else if let Some(l) = self.lists.last_mut() {
            self.prefix.extend(std::iter::repeat_n(' ', l.indent));
            l.n += 1;
            let _ = if l.ordered { write!(self.prefix, "{}. ", l.n) } else { write!(self.prefix, "- ") };
            l.marker_w = self.prefix.len() - l.indent;
        } else {
            self.prefix.push_str("- ");
        }
    }

    /// Ends the current block, writing it as one line.
    fn flush(&mut self) {
        (self.newlines, self.explicit, self.word_end) = (0, false, usize::MAX);
        if !self.open || self.done {
            return;
        }
        self.open = false;
        for inl in self.inlines.iter_mut().rev().filter(|x| x.emitted) {
            close_fmt(&mut self.line, inl, &mut self.closer_punct);
            inl.emitted = false;
        }
        (self.pending_space, self.closer_punct, self.dt_line) = (false, false, false);
        if self.summary {
            self.done = true;
            return push_line(&mut self.out, &self.line);
        }
        if !self.out.is_empty() {
            self.out.push_str(if self.cur_item && self.prev_list { "\n" } else { "\n\n" });
        }
        self.out.push_str(&self.prefix);
        push_line(&mut self.out, &self.line);
        self.line.clear();
        self.prev_list = self.cur_list;
    }

    /// Closes the inline elements above `len`, innermost first, as HTML end tags imply.
    fn truncate_inlines(&mut self, len: usize) {
        while self.inlines.len() > len {
            if let Some(inl) = self.inlines.pop().filter(|x| x.emitted) {
                if !inl.silent {
                    self.word_end = usize::MAX;
                }
                close_fmt(&mut self.line, &inl, &mut self.closer_punct);
            }
        }
    }

    fn pop_to(&mut self, fmt: Fmt) {
        let i = self.inlines.iter().rposition(|x| x.fmt == fmt);
        self.truncate_inlines(i.unwrap_or(usize::MAX));
    }

    fn push_inline(&mut self, fmt: Fmt, href: Option<String>) {
        let silent = fmt != Fmt::Link && self.inlines.iter().any(|x| x.fmt == fmt);
        self.inlines.push(Inline { fmt, href, emitted: false, silent, start: 0 });
    }

    fn clear_dt(&mut self) {
        let mark = self.dt_mark.take();
        self.truncate_inlines(mark.unwrap_or(usize::MAX));
    }

    /// A break ends the paragraph, but a list item stays on one line.
    fn brk(&mut self) {
        match self.in_item() {
            true => self.pending_space = true,
            false => self.flush(),
        }
    }

    /// Ends the current item's line, as every list tag starts or ends one.
    fn end_item(&mut self) {
        self.flush();
        self.clear_dt();
        self.pending_item = false;
    }

    /// Handles one tag; `raw` is its source text, shown literally when the tag is unknown.
    fn tag(&mut self, t: &Tok<'a>, raw: &'a str) {
        let kind = classify(t.name);
        // Block tags end an unclosed `<code>` or `<fullname>`, so that one missing close tag
        // cannot swallow the rest of the document.
        let block = kind
            .is_some_and(|k| !matches!(k, Tag::Code | Tag::B | Tag::I | Tag::A | Tag::Plain | Tag::Br | Tag::Fullname));
        let selfclosing = t.attrs.trim_end().ends_with('/');
        match &mut self.mode {
            _ if t.name.is_empty() => return,
            Mode::Normal => {}
            Mode::Skip if kind == Some(Tag::Fullname) && t.closing => return self.mode = Mode::Normal,
            Mode::Skip if block && !t.closing => self.mode = Mode::Normal,
            Mode::Skip => return,
            Mode::Pre if kind == Some(Tag::Pre) && t.closing => return self.end_code(),
            Mode::Code(name, depth, _) if t.name.eq_ignore_ascii_case(name) && !selfclosing => {
                *depth = if t.closing { *depth - 1 } else { *depth + 1 };
                return if *depth == 0 {
                    self.end_code()
                };
            }
            Mode::Code(..) if block => self.end_code(),
            Mode::Code(..) | Mode::Pre => {
                match kind {
                    Some(Tag::Br) => self.code.push('\n'),
                    None => decode_into(raw, &mut self.code),
                    _ => {}
                }
                return;
            }
        }
        let Some(kind) = kind else { return self.text(raw) };
        if selfclosing {
            // Self-closing forms only make sense for breaks; `<b/>` must not open anything.
            return if matches!(kind, Tag::P | Tag::Br) {
                self.brk()
            };
        }
        let in_item = self.in_item();
        match (kind, t.closing) {
            (Tag::P, _) if in_item => self.pending_space = true,
            (Tag::P, false) => {
                self.flush();
                self.explicit = true;
            }
            (Tag::P, true) => {
                self.flush();
                self.inlines.clear();
            }
            (Tag::H, false) => {
                self.brk();
                self.explicit = !in_item;
                self.push_inline(Fmt::Bold, None);
            }
            (Tag::H, true) => {
                self.pop_to(Fmt::Bold);
                self.brk();
            }
            (Tag::Br, _) => self.brk(),
            (Tag::Code, false) | (Tag::Pre, false) if kind == Tag::Code || in_item => {
                // A `<pre>` in a list item becomes inline code, as the item must stay one line.
                let at_start = kind == Tag::Code && !self.open && self.label.is_none() && !in_item;
                self.mode = Mode::Code(t.name, 1, at_start);
            }
            (Tag::Pre, false) => {
                self.flush();
                self.mode = Mode::Pre;
            }
            (Tag::B, false) => self.push_inline(Fmt::Bold, None),
            (Tag::I, false) => self.push_inline(Fmt::Italic, None),
            (Tag::B, true) => self.pop_to(Fmt::Bold),
            (Tag::I, true) => self.pop_to(Fmt::Italic),
            (Tag::A, false) => {
                // Markdown cannot nest links, so an inner link keeps only its text.
                let nested = self.inlines.iter().any(|x| x.href.is_some());
                let key = if t.name.eq_ignore_ascii_case("ulink") { "url" } else { "href" };
                let href = attr(t.attrs, key).filter(|_| !nested).and_then(resolve_href);
                self.push_inline(Fmt::Link, href);
            }
            (Tag::A, true) => self.pop_to(Fmt::Link),
            (Tag::Ul | Tag::Ol, false) => {
                self.end_item();
                let (ordered, indent) = (kind == Tag::Ol, self.content_indent());
                self.lists.push(List { ordered, n: 0, indent, marker_w: 0, item_open: false });
            }
            (Tag::Ul | Tag::Ol, true) => {
                self.end_item();
                self.lists.pop();
            }
            (Tag::Li | Tag::Dt, false) => {
                self.end_item();
                self.set_item(true);
                self.pending_item = true;
                if kind == Tag::Dt {
                    (self.dt_line, self.dt_mark) = (true, Some(self.inlines.len()));
                    self.push_inline(Fmt::Bold, None);
                }
            }
            (Tag::Dt, true) => self.clear_dt(),
            (Tag::Dd, false) => {
                self.clear_dt();
                if self.dt_line && self.open {
                    // The definition joins its term: `- **term**: definition`.
                    self.line.push(':');
                    (self.pending_space, self.closer_punct, self.dt_line) = (true, false, false);
                } else {
                    self.end_item();
                    self.set_item(true);
                    self.pending_item = true;
                }
            }
            (Tag::Li | Tag::Dd, true) => {
                self.end_item();
                self.set_item(false);
                self.inlines.clear();
            }
            (Tag::Label(l), closing) => {
                if !in_item {
                    self.flush();
                }
                self.label = if closing { None } else { Some(l) };
            }
            (Tag::Fullname, false) => self.mode = Mode::Skip,
            (Tag::Table, _) => self.flush(),
            (Tag::Cell, false) if self.open => {
                self.line.push_str(" \\|");
                (self.pending_space, self.closer_punct) = (true, false);
            }
            _ => {}
        }
    }

    /// Ends an open `<code>` or `<pre>`: a multi-line `<code>` that starts a block, or a
    /// `<pre>`, becomes a fenced block; anything else an inline code span.
    fn end_code(&mut self) {
        let (pre, at_start) = match mem::take(&mut self.mode) {
            Mode::Code(_, _, at_start) => (false, at_start && !self.open && !self.in_item()),
            _ => (true, false),
        };
        let raw = mem::take(&mut self.code);
        let words: Vec<&str> = raw.split(is_space).filter(|w| !w.is_empty()).collect();
        if pre || (at_start && raw.trim().contains('\n')) {
            self.fence(&raw);
        } else if !words.is_empty() {
            let s = words.join(" ");
            self.begin('`');
            // Adjacent code spans would merge their backtick fences into one run, and content
            // with backticks needs a longer fence and padding.
            if self.line.ends_with('`') {
                self.line.push(' ');
            }
            let run = longest_run(&s, b'`');
            let (ticks, pad) = ("`".repeat(run + 1), if run > 0 { " " } else { "" });
            let _ = write!(self.line, "{ticks}{pad}{s}{pad}{ticks}");
        }
        self.code = raw;
        self.code.clear();
    }

    /// Emits preformatted text as a fence tagged `text`: an untagged fence or an indented block
    /// would be compiled by rustdoc as a doctest.
    fn fence(&mut self, raw: &str) {
        self.flush();
        let clean = |l: &str| {
            let l = l.replace('\t', "    ").replace('\r', "");
            let l: String = l.chars().map(|c| if is_space(c) { ' ' } else { c }).collect();
            l.trim_end().to_string()
        };
        let mut lines: Vec<String> = raw.split('\n').map(clean).collect();
        lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
        let Some(first) = lines.iter().position(|l| !l.is_empty()) else { return };
        let last = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(first);
        if self.summary {
            return;
        }
        let lines = &lines[first..=last];
        let indent = lines.iter().filter(|l| !l.is_empty()).map(|l| l.len() - l.trim_start().len());
        let indent = indent.min().unwrap_or(0);
        let longest = lines.iter().map(|l| longest_run(l, b'`')).max().unwrap_or(0);
        let ticks = "`".repeat(longest.max(2) + 1);
        // Inside a list the fence is indented like a continuation paragraph, so that the list,
        // and the indentation of later paragraphs in it, stays intact.
        let pad = " ".repeat(self.content_indent());
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        let _ = write!(self.out, "{pad}{ticks}text");
        for l in lines {
            self.out.push('\n');
            if !l.is_empty() {
                let _ = write!(self.out, "{pad}{}", &l[indent..]);
            }
        }
        let _ = write!(self.out, "\n{pad}{ticks}");
        self.prev_list = false;
    }
}

#[cfg(test)]
mod tests {
    use super::{html_to_markdown as md, summary};

    /// Generates one test per rule from `html => markdown` cases; a failure names its input.
    macro_rules! golden {
        ($($name:ident { $($html:expr => $want:expr,)+ })+) => {$(
            #[test]
            fn $name() {
                $(assert_eq!(md($html), $want, "input: {:?}", $html);)+
            }
        )+};
    }

    golden! {
        empty_input_gives_empty_output { "" => "", " \n\t " => "", "<p> </p><ul><li></li></ul><b></b>" => "", }
        plain_text_without_tags {
            "Line one\nline two.\r\n \r\n  Second   para *x*\n" => "Line one line two.\n\nSecond para \\*x\\*",
        }
        paragraphs {
            "<p>One  two\nthree.</p>\n<p>Four</p>" => "One two three.\n\nFour",
            "<p>Blank\n\nin p</p><para>DocBook</para>" => "Blank in p\n\nDocBook",
        }
        inline_code {
            "Use <code>Get</code>, <filename>/dev/sda</filename>." => "Use `Get`, `/dev/sda`.",
            "<replaceable>id</replaceable><code>a`b</code>" => "`id` `` a`b ``",
            "<code> <a>Nested</a>  *x* </code> <code> </code>" => "`Nested *x*`",
            "<code>arn:<region>:&lt;id&gt;</code>" => "`arn:<region>:<id>`",
        }
        emphasis {
            "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u>" => "**b** **s** *i* *e* u",
            "<b> spaced </b>x <b><b>twice</b></b>" => "**spaced** x **twice**",
            "<li><b>Default VPC:</b>true</li>" => "- **Default VPC:** true",
            "word<i>(paren)</i>" => "word *(paren)*",
        }
        links_absolute_relative_and_missing {
            r#"<a href="https://aws.amazon.com/s3/">S3</a>"# => "[S3](https://aws.amazon.com/s3/)",
            r#"<a href='/S3/latest/API/x.html'>API</a>"# => "[API](https://docs.aws.amazon.com/S3/latest/API/x.html)",
            r#"<a href="kms/latest/x.html">KMS</a>"# => "[KMS](https://docs.aws.amazon.com/kms/latest/x.html)",
            r##"<a>Op</a> <a href="#frag">here</a> <a href=mailto:x@y.z>mail</a>"## => "Op here mail",
            r#"<a href="https://x.com/a b(c)">t <code>c</code></a>"# => "[t `c`](https://x.com/a%20b%28c%29)",
            r#"<a href="https://e.com/x">https://e.com/x</a>"# => "<https://e.com/x>",
            r#"<ulink url="http://docs.aws.amazon.com/x">Guide</ulink>"# => "[Guide](http://docs.aws.amazon.com/x)",
            r#"<a href="https://a.com">out <a href="https://b.com">in</a></a>"# => "[out in](https://a.com)",
        }
        unordered_and_ordered_lists {
            "<p>Intro</p><ul><li>a</li><li><p>b</p> <p>more</p></li></ul><p>End</p>" => "Intro\n\n- a\n- b more\n\nEnd",
            "<ol><li>one</li><li>two</li></ol>" => "1. one\n2. two",
        }
        nested_lists {
            "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>" => "- a\n  - b\n    1. c\n- d",
            "<ol><li>a<ul><li>b</li></ul>tail</li></ol>" => "1. a\n   - b\n\n   tail",
        }
        definition_lists {
            "<dl><dt>Name</dt><dd><p>The name.</p></dd><dt>Size.</dt> <dd>Bytes</dd><dd>x</dd></dl>"
                => "- **Name**: The name.\n- **Size.**: Bytes\n- x",
        }
        notes_and_important {
            "<p>T</p><note><p>Careful.</p><p>Really.</p></note>" => "T\n\n**Note:** Careful.\n\nReally.",
            "<important>Do not.</important>" => "**Important:** Do not.",
            "<ul><li>a <note><p>n</p></note></li></ul>" => "- a **Note:** n",
        }
        fullname_is_dropped { "<fullname>Amazon S3</fullname><p>S3.</p>" => "S3.", "<fullname>x<p>kept</p>" => "kept", }
        headings_become_bold_paragraphs { "<h2>Examples</h2><p>x</p>" => "**Examples**\n\nx", }
        preformatted_text_becomes_a_text_fence {
            "<p>Ex:</p><pre><code>  {\n    \"a\": 1\n\n\n  }\n</code></pre>" => "Ex:\n\n```text\n{\n  \"a\": 1\n\n}\n```",
            "<pre>```\nx\n```</pre>" => "````text\n```\nx\n```\n````",
            "<ul><li>in <pre>a\n b</pre></li></ul>" => "- in `a b`",
            "<code>multi\nline</code> text" => "```text\nmulti\nline\n```\n\ntext",
            "<ul><li>a</li><pre>x</pre></ul>" => "- a\n\n  ```text\n  x\n  ```",
        }
        entities_are_decoded {
            "&lt;p&gt; &amp; &quot;q&quot; &apos;a&#39; &#65;&#x42; x&nbsp;y &bogus; &amp;lt; AT&T &#xD800;"
                => "\\<p\\> & \"q\" 'a' AB x y \\&bogus; \\&lt; AT&T \\&#xD800;",
        }
        markdown_characters_are_escaped {
            "[x] *a* _b_ `c` <d> a|b ~e~ back\\slash" => r"\[x\] \*a\* \_b\_ \`c\` \<d\> a\|b \~e\~ back\\slash",
        }
        risky_line_starts_are_escaped {
            "<p>- a</p><p>+ b</p><p>1. c</p><p>12) d</p>" => "\\- a\n\n\\+ b\n\n1\\. c\n\n12\\) d",
            "<p># e</p><p>=== f</p><p>---</p><p>&gt; g</p>" => "\\# e\n\n\\=== f\n\n\\---\n\n\\> g",
            "<ul><li>1. x</li><li>-</li></ul><p>    four spaces</p>" => "- 1\\. x\n- \\-\n\nfour spaces",
        }
        bare_urls_are_wrapped {
            "See https://e.com/a_b/c.html. Or (http://x.org/p(q))," => "See <https://e.com/a_b/c.html>. Or (<http://x.org/p(q)>),",
            "https:// alone, a_https://#x.com!" => "https:// alone, a\\_<https://#x.com>!",
            "<b>http://</b><u>y.com</u> http://<u>x.com</u>" => "**http://** y.com <http://x.com>",
        }
        unknown_tags_are_literal_text {
            "Caption <N> in <region>, <Role a=\"b\"/>." => "Caption \\<N\\> in \\<region\\>, \\<Role a=\"b\"/\\>.",
            "a < b and c<d, List<String>, x<y@z>" => "a \\< b and c\\<d, List\\<String\\>, x\\<y@z\\>",
        }
        broken_and_nested_html {
            "<p>one <b>two <p>three</p> four</b></p></p>" => "one **two**\n\n**three**\n\nfour",
            "<ul><li>a<li>b</ul>" => "- a\n- b",
            "<p>x <ul><li>y</li></ul> z</p>" => "x\n\n- y\n\nz",
            "</p></li></ul></b>text" => "text",
            "<p>unclosed <code>code" => "unclosed `code`",
            "<i><b>mis</i>nested</b>" => "***mis***nested",
            "<p>a <!-- hidden --> b <!-- open" => "a b \\<!-- open",
            "<P CLASS=intro>Upper <B>case</B></P><br/><p/><li>loose</li>" => "Upper **case**\n\n- loose",
            "<ul><p>x</p><li>y</li> stray </ul>" => "x\n\n- y\n\n  stray",
        }
        tables_become_one_line_per_row {
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>" => "A \\| B\n\n1 \\| 2",
        }
    }

    #[test]
    fn summary_takes_the_first_sentence() {
        for (html, want) in [
            ("<p>Creates a bucket. You need <code>s3:X</code>.</p><p>More.</p>", "Creates a bucket."),
            ("<p>Use e.g. <b>this. That</b> one. Next</p>", "Use e.g. **this. That** one."),
            ("<fullname>X</fullname><pre>code</pre><p>No period</p><p>Second</p>", "No period"),
            ("<ul><li>- item one. two</li></ul>", "\\- item one."),
            ("Version 1.5 is new. Old", "Version 1.5 is new."),
            (" ", ""),
        ] {
            assert_eq!(summary(html), want, "input: {html:?}");
        }
    }

    /// Checks what rustdoc and the line budget rely on, returning the first violation.
    fn check(md: &str) -> Result<(), String> {
        if md.starts_with('\n') || md.ends_with('\n') || md.contains("\n\n\n") || md.contains(['\t', '\r']) {
            return Err("bad blank lines or characters".into());
        }
        // The open fence, and the content columns of open list items: indentation makes a code
        // block only four columns past the innermost container.
        let (mut fence, mut cols) = (None, vec![0]);
        for line in md.lines() {
            let (t, err) = (line.trim_start(), |what: &str| Err(format!("{what}: {line:?}")));
            if line.ends_with(char::is_whitespace) {
                return err("trailing whitespace");
            } else if let Some(f) = fence {
                fence = Some(f).filter(|f| t != *f);
                continue;
            } else if t.starts_with("```") && !t.trim_start_matches('`').contains('`') {
                // (A backtick in the info string would make the line text, not a fence.)
                fence = Some(t.strip_suffix("text").filter(|f| !f.contains(|c| c != '`')).ok_or("untagged fence")?);
                continue;
            } else if line.is_empty() {
                continue;
            }
            let indent = line.len() - t.len();
            cols.retain(|&c| c <= indent);
            if indent >= cols.last().unwrap_or(&0) + 4 {
                return err("indented code block");
            }
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            let marker = match () {
                _ if t.starts_with("- ") => 2,
                _ if digits > 0 && t[digits..].starts_with(". ") => digits + 2,
                _ => 0,
            };
            if marker > 0 {
                cols.push(indent + marker);
            }
            let (c, b) = (&t[marker..], &t.as_bytes()[marker..]);
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let risky = c == "*" || c.starts_with("* ") || c.starts_with(['-', '+', '=', '#', '>', ':', ' ']);
            if risky || (d > 0 && c[d..].starts_with(['.', ')'])) {
                return err("risky line start");
            }
            let (mut i, mut link_text) = (0, false);
            while i < b.len() {
                if url_at(&b[i..]) && !link_text && (i == 0 || !matches!(b[i - 1], b'<' | b'(')) {
                    return err("bare URL");
                }
                match b[i] {
                    b'\\' => i += 1,
                    b'`' => {
                        // Skip a code span: the next backtick run of the same length closes it.
                        let n = b[i..].iter().take_while(|&&c| c == b'`').count();
                        let same =
                            |&(j, _): &(usize, &str)| b.get(i + 2 * n + j) != Some(&b'`') && b[i + n + j - 1] != b'`';
                        let close = c[i + n..].match_indices(&"`".repeat(n)).find(same).ok_or("stray backtick")?;
                        i += 2 * n - 1 + close.0;
                    }
                    b'<' if b[i..].starts_with(b"<http") => i += c[i..].find('>').ok_or("open autolink")?,
                    b'[' if c[i..].contains("](http") => link_text = true,
                    b']' if b[i..].starts_with(b"](http") => {
                        (link_text, i) = (false, i + c[i..].find(')').ok_or("open link")?);
                    }
                    b'<' | b'>' | b'[' | b']' | b'_' | b'|' => return err(&format!("unescaped {:?}", b[i] as char)),
                    _ => {}
                }
                i += 1;
            }
        }
        fence.map_or(Ok(()), |_| Err("unclosed fence".into()))
    }

    /// Mirrors rustdoc's URL pattern, `https?://([-a-zA-Z0-9@:%._+~#=]{2,}\.)+[a-zA-Z]{2}`.
    fn url_at(b: &[u8]) -> bool {
        let Some(s) = ["http://", "https://"].iter().find(|s| b.starts_with(s.as_bytes())) else { return false };
        let h = &b[s.len()..];
        let h = &h[..h.iter().take_while(|c| c.is_ascii_alphanumeric() || b"-@:%._+~#=".contains(c)).count()];
        (2..h.len().saturating_sub(2)).any(|p| h[p] == b'.' && h[p + 1..p + 3].iter().all(u8::is_ascii_alphabetic))
    }

    /// Converts `html` both ways and checks both results.
    fn check_both(html: &str) {
        let (out, sum) = (md(html), summary(html));
        check(&out).unwrap_or_else(|e| panic!("{e}\ninput: {html:?}\noutput:\n{out}"));
        check(&sum).unwrap_or_else(|e| panic!("{e}\ninput: {html:?}\nsummary: {sum}"));
        assert!(!sum.contains('\n'), "summary spans lines: {sum:?}");
    }

    #[test]
    fn output_invariants_hold_for_nasty_inputs() {
        for html in [
            "<p>[link] *a* _b_ <x> <ul><li>    indented</li><li>1. one</li></ul>   trailing   </p>",
            "    code-like line\n\n    another\n\n- dash\n1. one\n# hash\n> quote\n===\n---",
            "<pre>\tfn main() {}\n\n\n    x   </pre><code>```</code><code>\nfn x\n</code>",
            "<dl><dt><ul><li>t</li></ul></dt><dd><pre>p</pre></dd></dl><note><ul><li>n</li></ul></note>",
            "<b><a href=\"http://x.com/[a]\">[x]</a></b>https://a.com/(b)_c* <a href=\"https://z\">x</a>",
            "<ol><li><ol><li><ol><li><ol><li>deep</li></ol>tail</li></ol>t2</li></ol></li></ol>",
            "a\u{202E}b\u{2066} &#x202E; &#0; &#x96; \u{0}\u{1b}[0m <b>x\n\n</b>y<br><i>\n</i>",
            "<<>><</ <a <a href=\"x\"> <p x='y\"z'>q</p> <!- <!DOCTYPE html> </ p> <1> &#; &;",
        ] {
            check_both(html);
        }
    }

    #[test]
    fn pseudo_random_html_keeps_the_invariants() {
        let frags = "<p> </p> <ul> </ul> <ol> </ol> <li> </li> <dl> <dt> </dt> <dd> </dd> <b> </b> <i> </i> \
            <code> </code> <pre> </pre> <note> </note> <a> </a> <br/> <region> <h2> </h2> <td> <tr> <u> </u> \
            <fullname> </fullname> <a¦href=\"https://x.com/a_b\"> <a¦href=\"/rel\"> <!--¦c¦--> <pre>```</pre> \
            <pre>a\n¦¦b</pre> <code>a\nb</code> <i>x.com</i> ¦ \n\n \n ¦¦¦¦ \t word x. [y] * _ ` `` < > &lt; &amp; \
            &#x2028; -¦ 1.¦ # = http:// https:// https://h.io/p www.x.com é | \\ : ( ) ! \u{202e}";
        let frags: Vec<String> = frags.split(' ').map(|f| f.replace('¦', " ")).collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..4000 {
            let mut next = || (seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17, seed as usize).3;
            let n = next() % 40;
            check_both(&(0..n).map(|_| frags[next() % frags.len()].as_str()).collect::<String>());
        }
    }
}
