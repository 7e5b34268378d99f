//! A small XML reader for comparing bodies, as botocore does with
//! `ElementTree.canonicalize(strip_text=True)`: attributes (namespace declarations included)
//! sorted, comments and processing instructions dropped, text trimmed and whitespace-only text
//! removed. It reads what the protocol cases contain, not every XML document.

/// The canonical text of an XML document, or why it is not one.
pub fn canonical(text: &str) -> Result<String, String> {
    let mut reader = Reader { text, pos: 0 };
    let mut out = String::new();
    reader.skip_misc()?;
    reader.element(&mut out)?;
    reader.skip_misc()?;
    if reader.pos < text.len() {
        return Err(format!("text after the root element at byte {}", reader.pos));
    }
    Ok(out)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.pos)
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    /// Skips whitespace, the XML declaration, comments, processing instructions and doctypes.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            if self.rest().starts_with("<?") {
                self.skip_past("?>")?;
            } else if self.rest().starts_with("<!--") {
                self.skip_past("-->")?;
            } else if self.rest().starts_with("<!DOCTYPE") {
                self.skip_past(">")?;
            } else {
                return Ok(());
            }
        }
    }

    fn skip_past(&mut self, end: &str) -> Result<(), String> {
        match self.rest().find(end) {
            Some(i) => {
                self.pos += i + end.len();
                Ok(())
            }
            None => Err(self.error(&format!("no closing {end}"))),
        }
    }

    fn name(&mut self) -> Result<&str, String> {
        let rest = self.rest();
        let len = rest.find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '=')).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a name"));
        }
        let start = self.pos;
        self.pos += len;
        Ok(&self.text[start..start + len])
    }

    fn element(&mut self, out: &mut String) -> Result<(), String> {
        if !self.rest().starts_with('<') {
            return Err(self.error("expected an element"));
        }
        self.pos += 1;
        let name = self.name()?.to_owned();
        let mut attributes = Vec::new();
        loop {
            self.skip_ws();
            if self.rest().starts_with("/>") {
                self.pos += 2;
                write_start(out, &name, &mut attributes);
                out.push_str(&format!("</{name}>"));
                return Ok(());
            }
            if self.rest().starts_with('>') {
                self.pos += 1;
                break;
            }
            let key = self.name()?.to_owned();
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(self.error("expected `=`"));
            }
            self.pos += 1;
            self.skip_ws();
            let quote = self.rest().chars().next().filter(|c| *c == '"' || *c == '\'');
            let quote = quote.ok_or_else(|| self.error("expected a quoted value"))?;
            self.pos += 1;
            let end = self.rest().find(quote).ok_or_else(|| self.error("unterminated attribute"))?;
            let value = unescape(&self.rest()[..end])?;
            self.pos += end + 1;
            attributes.push((key, value));
        }
        write_start(out, &name, &mut attributes);
        let mut text = String::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Err(self.error(&format!("<{name}> is not closed")));
            }
            if rest.starts_with("</") {
                flush_text(out, &mut text);
                self.pos += 2;
                let closing = self.name()?.to_owned();
                if closing != name {
                    return Err(self.error(&format!("</{closing}> closes <{name}>")));
                }
                self.skip_ws();
                if !self.rest().starts_with('>') {
                    return Err(self.error("expected `>`"));
                }
                self.pos += 1;
                out.push_str(&format!("</{name}>"));
                return Ok(());
            } else if rest.starts_with("<!--") || rest.starts_with("<?") {
                self.skip_misc_inline()?;
            } else if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                let end = cdata.find("]]>").ok_or_else(|| self.error("unterminated CDATA"))?;
                text.push_str(&cdata[..end]);
                self.pos += "<![CDATA[".len() + end + 3;
            } else if rest.starts_with('<') {
                flush_text(out, &mut text);
                self.element(out)?;
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                text.push_str(&unescape(&rest[..end])?);
                self.pos += end;
            }
        }
    }

    fn skip_misc_inline(&mut self) -> Result<(), String> {
        if self.rest().starts_with("<!--") {
            self.skip_past("-->")
        } else {
            self.skip_past("?>")
        }
    }
}

fn write_start(out: &mut String, name: &str, attributes: &mut [(String, String)]) {
    attributes.sort();
    out.push('<');
    out.push_str(name);
    for (key, value) in attributes.iter() {
        out.push_str(&format!(" {key}=\"{}\"", escape(value)));
    }
    out.push('>');
}

/// Writes the text collected so far, trimmed; whitespace-only text is dropped.
fn flush_text(out: &mut String, text: &mut String) {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        out.push_str(&escape(trimmed));
    }
    text.clear();
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Resolves the five predefined entities and character references.
fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').ok_or_else(|| format!("unterminated entity in {text:?}"))?;
        let entity = &rest[i + 1..i + end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("unknown entity &{entity};"))?
            }
        };
        out.push(c);
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_ignores_layout_and_attribute_order() {
        let a = "<?xml version=\"1.0\"?>\n<A b=\"2\" a='1'>\n  <B>x &amp; y</B>\n  <C/>\n</A>\n";
        let b = "<A a=\"1\" b=\"2\"><B>x &#38; y</B><C></C></A>";
        assert_eq!(canonical(a).unwrap(), canonical(b).unwrap());
        assert_eq!(canonical(b).unwrap(), "<A a=\"1\" b=\"2\"><B>x &amp; y</B><C></C></A>");
        assert_ne!(canonical("<A><B>1</B></A>").unwrap(), canonical("<A><B>2</B></A>").unwrap());
        assert!(canonical("<A><B></A>").is_err());
        assert!(canonical("").is_err());
    }
}
