//! Reading a response document straight into the shapes, element by element, without building
//! the whole tree first.
//!
//! Structures, wrapped and flattened lists and scalars, which are nearly everything a response
//! holds, are written into the shape as the pull reader meets their elements; elements no member
//! claims are skipped without being kept. The rare constructs whose reading needs to see an
//! element whole (a union, which takes its first known child; a map entry, whose key may follow
//! its value; a sparse list's item, which may stand for null) are read into a small tree of just
//! that element and handed to the tree walk of the parent module, so both paths share one
//! definition of those rules.
//!
//! Recursion follows the document's nesting, which the pull reader limits to `MAX_DEPTH`, so no
//! input can exhaust the stack. Elements are matched by local name, as in the tree walk.

use std::borrow::Cow;

use super::{is_flattened, is_sparse, item_name, outside_xml_read, Reader, Step};
use crate::protocol::xml_members::Members;
use crate::protocol::xml_read::{
    is_plain_name, local_name, read_element, same, Attribute, Element, Event, Reader as Pull,
};
use crate::protocol::CodecError;
use crate::schema::{flags, Member, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueMut};

/// A start tag the walk has read and whose content comes next from the pull reader.
pub(super) struct Open<'a> {
    pub name: &'a str,
    pub attributes: Vec<Attribute<'a>>,
}

impl<'a> Open<'a> {
    fn local(&self) -> &'a str {
        local_name(self.name)
    }

    /// The rest of the element as a tree, for the constructs the tree walk reads.
    fn into_tree(self, pull: &mut Pull<'a>) -> Result<Element<'a>, CodecError> {
        read_element(pull, self.name, self.attributes)
    }

    /// The attribute `name`, found as [`Element::attribute`] finds it: as written first, then by
    /// local name.
    fn attribute(&self, name: &str) -> Option<&str> {
        let exact = self.attributes.iter().find(|a| a.name == name);
        let local = || self.attributes.iter().find(|a| local_name(a.name) == local_name(name));
        exact.or_else(local).map(|a| a.value.as_ref())
    }
}

/// The next event inside an open element; the end of the document there is an error (the pull
/// reader reports it first, so this is only a guard).
fn next<'a>(pull: &mut Pull<'a>) -> Result<Event<'a>, CodecError> {
    match pull.next_event()? {
        Some(event) => Ok(event),
        None => Err(CodecError::syntax(pull.offset(), "the document ends inside an element")),
    }
}

/// Skips the rest of an element whose start tag was just read, its end tag included.
fn skip(pull: &mut Pull<'_>) -> Result<(), CodecError> {
    let mut depth = 1usize;
    while depth > 0 {
        match next(pull)? {
            Event::Start { .. } => depth += 1,
            Event::End { .. } => depth -= 1,
            Event::Text(_) => {}
        }
    }
    Ok(())
}

/// The element's own character data, concatenated as the tree keeps it (the text of children
/// excluded), reading up to and including its end tag.
#[inline(always)]
fn own_text<'a>(pull: &mut Pull<'a>) -> Result<Cow<'a, str>, CodecError> {
    match pull.text_and_end()? {
        Some(text) => Ok(text),
        None => own_text_pieces(pull),
    }
}

/// [`own_text`] for an element that holds more than plain text, read event by event.
fn own_text_pieces<'a>(pull: &mut Pull<'a>) -> Result<Cow<'a, str>, CodecError> {
    let mut text = Cow::Borrowed("");
    loop {
        match next(pull)? {
            Event::Text(piece) if text.is_empty() => text = piece,
            Event::Text(piece) => text.to_mut().push_str(&piece),
            Event::Start { .. } => skip(pull)?,
            Event::End { .. } => return Ok(text),
        }
    }
}

/// Moves `pull` to the first child of the open element named `local` and returns its start tag,
/// or returns `None` and leaves `pull` where it was when there is no such child. The search
/// runs on a clone, so a missing wrapper costs one extra scan and nothing else.
pub(super) fn descend<'a>(pull: &mut Pull<'a>, local: &str) -> Result<Option<Open<'a>>, CodecError> {
    let mut ahead = pull.clone();
    loop {
        match next(&mut ahead)? {
            Event::Start { name, attributes, .. } if local_name(name) == local => {
                *pull = ahead;
                return Ok(Some(Open { name, attributes }));
            }
            Event::Start { .. } => skip(&mut ahead)?,
            Event::Text(_) => {}
            Event::End { .. } => return Ok(None),
        }
    }
}

impl<'a> Reader<'a> {
    /// Reads the element `open` into a structure or union.
    pub(super) fn stream_shape(
        &mut self,
        pull: &mut Pull<'a>,
        open: Open<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), CodecError> {
        match schema.kind {
            ShapeKind::Union => {
                let element = open.into_tree(pull)?;
                self.union(&element, shape, schema)
            }
            _ => self.stream_structure(pull, open, shape, schema),
        }
    }

    /// The streaming form of the tree walk's `structure`: the same attribute and child rules, in
    /// one pass over the children as they arrive.
    fn stream_structure(
        &mut self,
        pull: &mut Pull<'a>,
        open: Open<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), CodecError> {
        let mut members = Members::near(schema, &mut self.near);
        // Most structures have no attribute members, and their index says so.
        let attribute_members = match members.has_attributes() {
            true => schema.members,
            false => &[],
        };
        for (i, member) in attribute_members.iter().enumerate() {
            if !member.has(flags::XML_ATTRIBUTE) || outside_xml_read(member) {
                continue;
            }
            let Some(text) = open.attribute(member.wire_name()) else { continue };
            let Some(field) = shape.field_mut(i) else { continue };
            self.at(Step::Attr(member.wire_name()), |r| r.scalar(member, text, field))?;
        }
        // `seen` counts the elements each member has taken, so a flattened list gets every item
        // and any other member keeps the first occurrence.
        let mut inline = [0usize; 48];
        let mut heap = Vec::new();
        let seen: &mut [usize] = match inline.get_mut(..schema.members.len()) {
            Some(counts) => counts,
            None => {
                heap.resize(schema.members.len(), 0);
                &mut heap
            }
        };
        loop {
            // Most children are the member the order guess expects, written plainly: their
            // start tag is compared with that name instead of read and looked up.
            pull.skip_blank();
            if pull.end_exact() {
                return Ok(());
            }
            // A name read by `start_next` has no prefix: it is its own local name.
            let (child, local, found) = match members.start_next(pull) {
                Some((name, i)) => (Open { name, attributes: Vec::new() }, name, Some(i)),
                None => match next(pull)? {
                    Event::Start { name, attributes, .. } => {
                        let child = Open { name, attributes };
                        let local = child.local();
                        (child, local, members.find(local))
                    }
                    Event::Text(_) => continue,
                    Event::End { .. } => return Ok(()),
                },
            };
            let Some(i) = found else {
                skip(pull)?;
                continue;
            };
            let (Some(count), Some(member)) = (seen.get_mut(i), schema.members.get(i)) else {
                skip(pull)?;
                continue;
            };
            let n = *count;
            *count += 1;
            let flattened = is_flattened(member);
            if n > 0 && !flattened {
                skip(pull)?;
                continue;
            }
            let Some(field) = shape.field_mut(i) else {
                skip(pull)?;
                continue;
            };
            match member.target.kind {
                ShapeKind::List if flattened => {
                    let ValueMut::List(list) = field.get_mut() else {
                        return self.at(Step::Name(local), |r| r.fail("the value is not a list"));
                    };
                    let Some(item) = member.target.list_member() else {
                        return self.at(Step::Name(local), |r| r.fail("the schema does not describe a list"));
                    };
                    let sparse = is_sparse(member);
                    self.at(Step::Item(local, n), |r| r.stream_item(pull, child, item, sparse, list.push_default()))?;
                }
                ShapeKind::Map if flattened => {
                    let ValueMut::Map(map) = field.get_mut() else {
                        return self.at(Step::Name(local), |r| r.fail("the value is not a map"));
                    };
                    let sparse = is_sparse(member);
                    let entry = child.into_tree(pull)?;
                    self.at(Step::Item(local, n), |r| r.entry(member.target, &entry, sparse, map))?;
                }
                ShapeKind::Structure | ShapeKind::Union | ShapeKind::List | ShapeKind::Map => {
                    self.at(Step::Name(local), |r| r.stream_value(pull, child, member, field))?;
                }
                // A scalar, most of a structure's children, read here as `stream_value` reads
                // it, without its call and dispatch; only a value that can fail to parse needs
                // its step on the path, and the text's own errors carry offsets, not paths.
                kind => {
                    let text = own_text(pull)?;
                    if kind == ShapeKind::String && !member.has(flags::PERCENT_ENCODED) {
                        if let ValueMut::Str(s) = field.get_mut() {
                            *s = text.into_owned();
                            continue;
                        }
                    }
                    self.at(Step::Name(local), |r| r.scalar(member, &text, field))?;
                }
            }
        }
    }

    /// One list item; a sparse list's item goes through the tree walk, which decides whether it
    /// stands for null from the whole element.
    fn stream_item(
        &mut self,
        pull: &mut Pull<'a>,
        open: Open<'a>,
        item: &Member,
        sparse: bool,
        value: &mut dyn Value,
    ) -> Result<(), CodecError> {
        if sparse {
            let element = open.into_tree(pull)?;
            return self.item(item, &element, sparse, value);
        }
        self.stream_value(pull, open, item, value)
    }

    /// The streaming form of the tree walk's `value`: reads the element `open` into `value`,
    /// whose schema is `member.target`.
    pub(super) fn stream_value(
        &mut self,
        pull: &mut Pull<'a>,
        open: Open<'a>,
        member: &Member,
        value: &mut dyn Value,
    ) -> Result<(), CodecError> {
        match member.target.kind {
            ShapeKind::Structure | ShapeKind::Union | ShapeKind::List | ShapeKind::Map => {}
            _ => {
                let text = own_text(pull)?;
                // Text the reader had to unescape (S3's quoted ETags) is already an owned
                // string: a plain string member takes it instead of a copy.
                if member.target.kind == ShapeKind::String && !member.has(flags::PERCENT_ENCODED) {
                    if let ValueMut::Str(s) = value.get_mut() {
                        *s = text.into_owned();
                        return Ok(());
                    }
                }
                return self.scalar(member, &text, value);
            }
        }
        match value.get_mut() {
            ValueMut::Shape(shape) => {
                let schema = shape.schema();
                self.stream_shape(pull, open, shape, schema)
            }
            ValueMut::List(list) => {
                let Some(item) = member.target.list_member() else {
                    return self.fail("the schema does not describe a list");
                };
                let item_name = item_name(item);
                let sparse = is_sparse(member);
                let plain = is_plain_name(item_name);
                let mut n = 0;
                loop {
                    // Items written plainly are compared with their name, not read and compared.
                    pull.skip_blank();
                    if pull.end_exact() {
                        return Ok(());
                    }
                    if let Some(name) = plain.then(|| pull.start_exact(item_name)).flatten() {
                        let child = Open { name, attributes: Vec::new() };
                        self.at(Step::Item(item_name, n), |r| {
                            r.stream_item(pull, child, item, sparse, list.push_default())
                        })?;
                        n += 1;
                        continue;
                    }
                    match next(pull)? {
                        Event::Start { name, attributes, .. }
                            if same(local_name(name).as_bytes(), item_name.as_bytes()) =>
                        {
                            let child = Open { name, attributes };
                            self.at(Step::Item(item_name, n), |r| {
                                r.stream_item(pull, child, item, sparse, list.push_default())
                            })?;
                            n += 1;
                        }
                        Event::Start { .. } => skip(pull)?,
                        Event::Text(_) => {}
                        Event::End { .. } => return Ok(()),
                    }
                }
            }
            ValueMut::Map(map) => {
                let sparse = is_sparse(member);
                let mut n = 0;
                loop {
                    match next(pull)? {
                        Event::Start { name, attributes, .. } if local_name(name) == "entry" => {
                            let entry = Open { name, attributes }.into_tree(pull)?;
                            self.at(Step::Item("entry", n), |r| r.entry(member.target, &entry, sparse, map))?;
                            n += 1;
                        }
                        Event::Start { .. } => skip(pull)?,
                        Event::Text(_) => {}
                        Event::End { .. } => return Ok(()),
                    }
                }
            }
            _ => self.fail(format!("the schema says {:?}, the value is not one", member.target.kind)),
        }
    }
}
