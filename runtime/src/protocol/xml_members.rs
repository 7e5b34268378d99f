//! Which member of a structure an XML element belongs to, by name.
//!
//! The reader asks this for every child element. A linear scan is cheapest for the small
//! structures most models have, but wide ones (EC2's `Instance` has about seventy members) would
//! compare each element with dozens of names, so for those each thread keeps, per schema, the
//! names sorted once: a lookup is then a binary search. Schemas are `'static`, so their address
//! identifies them, and the table holds one entry per structure the program reads (small ones
//! too: the entry says whether their element names are unique, which the order guess needs).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::protocol::xml_read::{is_plain_name, same, Reader as Pull};
use crate::schema::{flags, Member, Schema, ShapeKind};

/// Structures with more members than this are searched in their index, smaller ones linearly.
const LINEAR_UP_TO: usize = 12;

/// The member of `schema` that an element named `local` belongs to: the first body member whose
/// element name it is, else the first flattened list whose items are named by the list member's
/// `locationName` (as SQS's `<QueueUrl>` items of `QueueUrls`), which botocore also accepts.
pub(super) fn member_for(schema: &'static Schema, local: &str) -> Option<usize> {
    Members::of(schema).find(local)
}

/// The member lookup of one structure, found once and asked for each of its child elements.
/// Services write members mostly in the model's order, so a lookup first tries the few members
/// after the last one found; that guess is only taken when no two body members share an element
/// name (the index knows), because then an exact match is the first one, as [`member_for`]
/// requires. The last answer is also kept with its name, since a flattened list repeats its
/// element name once per item (S3's `<Contents>`) and an answer depends on the name only.
/// Some services write members in an order of their own (EC2's `Instance`), so the index also
/// learns which member followed which, and [`Members::start_next`] looks for that one first.
pub(super) struct Members<'a> {
    schema: &'static Schema,
    index: Rc<Index>,
    last: (&'a str, Option<usize>),
    /// The member after the last one found: the first guess for the next element.
    next: usize,
    /// The last member found, or the number of members before the first.
    prev: usize,
}

/// The indices of the structures one reading met last, by schema address; see
/// [`Members::near`].
#[derive(Default)]
pub(super) struct Near(Vec<(usize, Rc<Index>)>);

/// How many structures [`Near`] keeps; a document with more starts it afresh.
const NEAR: usize = 16;

/// How many members after the last one found a lookup tries before searching.
const GUESSES: usize = 3;

impl<'a> Members<'a> {
    pub(super) fn of(schema: &'static Schema) -> Members<'a> {
        let key = std::ptr::from_ref(schema) as usize;
        let index = INDEXES.with_borrow_mut(|indexes| Rc::clone(indexes.entry(key).or_insert_with(|| index(schema))));
        Members::with(schema, index)
    }

    /// [`Members::of`], asking `near` first: one document reads the same few structures over
    /// and over (S3's `Object`, EC2's `Instance` and its parts), and a short scan of their
    /// addresses costs less than the thread's table.
    pub(super) fn near(schema: &'static Schema, near: &mut Near) -> Members<'a> {
        let key = std::ptr::from_ref(schema) as usize;
        if let Some((_, index)) = near.0.iter().find(|(k, _)| *k == key) {
            return Members::with(schema, Rc::clone(index));
        }
        let members = Members::of(schema);
        if near.0.len() >= NEAR {
            near.0.clear();
        }
        near.0.push((key, Rc::clone(&members.index)));
        members
    }

    fn with(schema: &'static Schema, index: Rc<Index>) -> Members<'a> {
        // Element names are never empty, so the empty name never answers from the cache.
        Members { schema, index, last: ("", None), next: 0, prev: schema.members.len() }
    }

    /// Records that member `j` came after the one found before it.
    #[inline]
    fn learn(&mut self, j: usize) {
        if let (Some(slot), Ok(j32)) = (self.index.follows.get(self.prev), u32::try_from(j)) {
            slot.set(j32);
        }
        self.prev = j;
    }

    /// True when a member of the structure is an XML attribute.
    pub(super) fn has_attributes(&self) -> bool {
        self.index.attributes
    }

    /// The member the element `local` belongs to; see [`member_for`].
    pub(super) fn find(&mut self, local: &'a str) -> Option<usize> {
        if !local.is_empty() && same(self.last.0.as_bytes(), local.as_bytes()) {
            if let Some(j) = self.last.1 {
                self.learn(j);
            }
            return self.last.1;
        }
        let members = self.schema.members;
        let guessed = match self.index.unique {
            true => (self.next..members.len().min(self.next + GUESSES)).find(|&j| {
                members.get(j).is_some_and(|m| same(m.wire_name().as_bytes(), local.as_bytes()) && in_body(m))
            }),
            false => None,
        };
        let answer = match guessed {
            Some(j) => Some(j),
            None if members.len() > LINEAR_UP_TO => self.index.find(local),
            None => linear(self.schema, local),
        };
        if let Some(i) = answer {
            self.next = i + 1;
            self.learn(i);
        }
        self.last = (local, answer);
        answer
    }
}

impl<'a> Members<'a> {
    /// Reads the next child's start tag when it is, as written, the element of the member that
    /// followed the last one found the last time, of the member found last (a flattened list
    /// repeats it) or of one of the few after it, and returns its name and that member; else
    /// reads nothing and returns `None`, and the caller reads the next event and asks
    /// [`Members::find`]. Only when element names are unique, so that an exact name is the
    /// answer [`Members::find`] would give; the guess, cache and learned order move as there.
    #[inline]
    pub(super) fn start_next(&mut self, pull: &mut Pull<'a>) -> Option<(&'a str, usize)> {
        if !self.index.unique {
            return None;
        }
        // An end tag is not worth a guess.
        if pull.at_end_tag() {
            return None;
        }
        let members = self.schema.members;
        let guessable = &self.index.guessable;
        // The member found last only when it may repeat (a flattened list or map).
        let again = self.last.1.filter(|&j| guessable.get(j) == Some(&Guess::Repeats));
        let learned = self.index.follows.get(self.prev).map(|slot| slot.get() as usize).filter(|&j| j < members.len());
        // The learned member is nearly always right, so it is tried before the others are
        // lined up; trying it again among them on a miss costs one comparison.
        if let Some(found) = learned.and_then(|j| self.take(pull, j)) {
            return Some(found);
        }
        let window = self.next..members.len().min(self.next + GUESSES);
        again.into_iter().chain(window).find_map(|j| self.take(pull, j))
    }

    /// Reads the start tag of member `j` when it comes next as written, moving the guess, cache
    /// and learned order as [`Members::find`] would.
    #[inline(always)]
    fn take(&mut self, pull: &mut Pull<'a>, j: usize) -> Option<(&'a str, usize)> {
        if self.index.guessable.get(j).is_none_or(|g| *g == Guess::No) {
            return None;
        }
        let name = pull.start_exact(self.schema.members.get(j)?.wire_name())?;
        self.next = j + 1;
        self.last = (name, Some(j));
        self.learn(j);
        Some((name, j))
    }
}

/// The answer without an index, and the definition the index must agree with.
fn linear(schema: &Schema, local: &str) -> Option<usize> {
    // The name first: it differs for all but one member, and usually already in length.
    let (members, name) = (schema.members, local.as_bytes());
    let exact = members.iter().position(|m| same(m.wire_name().as_bytes(), name) && in_body(m));
    exact.or_else(|| members.iter().position(|m| item_name_of_flattened_list(m) == Some(local)))
}

/// Members read from child elements: not bound elsewhere in the message, not attributes.
fn in_body(member: &Member) -> bool {
    !super::xml::outside_xml_read(member) && !member.has(flags::XML_ATTRIBUTE)
}

/// For a flattened list in the body whose items carry their own `locationName`, that name.
fn item_name_of_flattened_list(member: &Member) -> Option<&'static str> {
    let flattened = member.target.kind == ShapeKind::List && super::xml::is_flattened(member);
    match in_body(member) && flattened {
        true => member.target.list_member().and_then(|item| item.location_name),
        false => None,
    }
}

/// Names sorted with their member indices; equal names keep schema order, so the first match of
/// a binary search is the member a linear scan would find.
struct Index {
    exact: Box<[(&'static str, usize)]>,
    flattened: Box<[(&'static str, usize)]>,
    /// No two body members share an element name.
    unique: bool,
    /// Per member: whether [`Members::start_next`] may look for its element name.
    guessable: Box<[Guess]>,
    /// Some member is an attribute, which the walk reads from the start tag.
    pub(super) attributes: bool,
    /// Per member, and last for the start of the structure: the member whose element came
    /// next the last time one was read on this thread (`u32::MAX` for none yet). Only a guess,
    /// checked against the document before it is taken.
    follows: Box<[Cell<u32>]>,
}

/// What [`Members::start_next`] may guess of a member.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guess {
    /// Not a body member, or its element name is not plain.
    No,
    /// A body member with a plain element name.
    Yes,
    /// As `Yes`, and its element may repeat: a flattened list or map.
    Repeats,
}

impl Index {
    fn find(&self, local: &str) -> Option<usize> {
        let search = |table: &[(&'static str, usize)]| {
            let at = table.partition_point(|(name, _)| *name < local);
            table.get(at).filter(|(name, _)| *name == local).map(|(_, i)| *i)
        };
        search(&self.exact).or_else(|| search(&self.flattened))
    }
}

fn index(schema: &Schema) -> Rc<Index> {
    let members = schema.members.iter().enumerate();
    let mut exact: Vec<_> = members.clone().filter(|(_, m)| in_body(m)).map(|(i, m)| (m.wire_name(), i)).collect();
    let mut flattened: Vec<_> =
        members.filter_map(|(i, m)| item_name_of_flattened_list(m).map(|name| (name, i))).collect();
    exact.sort_unstable();
    flattened.sort_unstable();
    let unique = exact.windows(2).all(|pair| matches!(pair, [a, b] if a.0 != b.0));
    let guess = |m: &Member| match in_body(m) && is_plain_name(m.wire_name()) {
        false => Guess::No,
        true if super::xml::is_flattened(m) => Guess::Repeats,
        true => Guess::Yes,
    };
    let guessable = schema.members.iter().map(guess).collect();
    let attributes = schema.members.iter().any(|m| m.has(flags::XML_ATTRIBUTE));
    let follows = (0..=schema.members.len()).map(|_| Cell::new(u32::MAX)).collect();
    Rc::new(Index { exact: exact.into(), flattened: flattened.into(), unique, guessable, attributes, follows })
}

/// Schema addresses are already well spread; hashing them again would only cost time.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        // Statics are aligned, so the low bits carry little; a multiply spreads the rest.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = n as u64;
    }
}

std::thread_local! {
    static INDEXES: RefCell<HashMap<usize, Rc<Index>, BuildHasherDefault<AddressHasher>>> =
        RefCell::new(HashMap::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{prim, shape_flags, Location};

    static ITEMS: Schema =
        Schema::list("Items", &[Member::new("member", &prim::STRING).named("Item")]).flags(shape_flags::FLATTENED);
    static PLAIN_ITEMS: Schema = Schema::list("PlainItems", &[Member::new("member", &prim::STRING).named("Thing")]);
    // Wider than the linear limit, with the cases that decide a match: renamed members, a
    // repeated element name (the first member wins), members outside the body, an attribute,
    // and flattened and wrapped lists whose item names compete with member names.
    static WIDE: Schema = Schema::structure(
        "Wide",
        &[
            Member::new("Zeta", &prim::STRING),
            Member::new("Alpha", &prim::STRING).named("alpha"),
            Member::new("Dup1", &prim::STRING).named("dup"),
            Member::new("Dup2", &prim::INTEGER).named("dup"),
            Member::new("Header", &prim::STRING).at(Location::Header, "x-header"),
            Member::new("Attr", &prim::STRING).named("attr").flags(flags::XML_ATTRIBUTE),
            Member::new("Items", &ITEMS),
            Member::new("Wrapped", &PLAIN_ITEMS).flags(flags::FLATTENED),
            Member::new("Item", &prim::STRING).at(Location::Header, "x-item"),
            Member::new("Beta", &prim::STRING),
            Member::new("Gamma", &prim::STRING),
            Member::new("Delta", &prim::STRING),
            Member::new("Epsilon", &prim::STRING),
            Member::new("Eta", &prim::STRING),
            Member::new("Uri", &prim::STRING).at(Location::Uri, "Uri"),
        ],
    );

    static UNIQUE: Schema = Schema::structure(
        "Unique",
        &[
            Member::new("A", &prim::STRING),
            Member::new("B", &prim::STRING).named("b"),
            Member::new("Items", &ITEMS),
            Member::new("Header", &prim::STRING).at(Location::Header, "x-header"),
            Member::new("C", &prim::STRING),
            Member::new("Attr", &prim::STRING).named("C").flags(flags::XML_ATTRIBUTE),
            Member::new("D", &prim::STRING),
        ],
    );

    #[test]
    fn one_lookup_asked_in_any_order_agrees_with_a_linear_scan() {
        // Sequences in model order, reversed, repeated and mixed with unknown names, through
        // one `Members` each, so the order guess and the name cache both answer.
        for schema in [&UNIQUE, &WIDE] {
            let mut names: Vec<&str> = vec!["", "nothing", "x-header"];
            for member in schema.members {
                names.extend([member.name, member.wire_name()]);
                names.extend(member.target.list_member().and_then(|item| item.location_name));
            }
            let reversed: Vec<&str> = names.iter().rev().copied().collect();
            let doubled: Vec<&str> = names.iter().flat_map(|n| [*n, *n, "zz"]).collect();
            for sequence in [&names, &reversed, &doubled] {
                let mut members = Members::of(schema);
                for name in sequence.iter() {
                    assert_eq!(members.find(name), linear(schema, name), "{} {name:?}", schema.name);
                }
            }
        }
        assert!(Members::of(&UNIQUE).index.unique);
        assert!(!Members::of(&WIDE).index.unique);
    }

    #[test]
    fn start_tags_read_by_guess_agree_with_a_linear_scan_in_any_order() {
        use crate::protocol::xml_read::{Event, Reader as Pull};
        // Children in model order, reversed, shuffled, repeated, prefixed and unknown, each
        // document read twice so that the second reading starts from the order the first one
        // taught the index.
        let orders: [&[&str]; 6] = [
            &["A", "b", "Items", "C", "D"],
            &["D", "C", "Items", "b", "A"],
            &["C", "A", "D", "b", "Items", "Items", "Items"],
            &["Items", "x", "A", "Items", "C", "zz", "D", "b"],
            &["p:A", "b", "p:b", "A", "Item", "Item", "D"],
            &["A", "A", "b", "b", "C", "C"],
        ];
        let mut guessed = 0;
        for order in orders.iter().chain(orders.iter()).chain(orders.iter().rev()) {
            let body: String = order.iter().map(|name| format!("<{name}>v</{name}> ")).collect();
            let body = format!("<R> {body}</R>");
            let mut pull = Pull::new(body.as_bytes()).unwrap();
            assert!(matches!(pull.next_event(), Ok(Some(Event::Start { .. }))));
            let mut members = Members::of(&UNIQUE);
            let mut seen = Vec::new();
            loop {
                pull.skip_blank();
                let (local, answer) = match members.start_next(&mut pull) {
                    Some((name, i)) => {
                        guessed += 1;
                        (name, Some(i))
                    }
                    None => match pull.next_event().unwrap().unwrap() {
                        Event::Start { name, .. } => {
                            let local = crate::protocol::xml_read::local_name(name);
                            (local, members.find(local))
                        }
                        Event::Text(_) => continue,
                        Event::End { .. } => break,
                    },
                };
                assert_eq!(answer, linear(&UNIQUE, local), "{local:?} in {body}");
                seen.push(local);
                // The element's text and end tag.
                assert!(pull.text_and_end().unwrap().is_some());
            }
            let expected: Vec<&str> = order.iter().map(|n| crate::protocol::xml_read::local_name(n)).collect();
            assert_eq!(seen, expected);
        }
        assert!(guessed > 40, "{guessed}");
    }

    #[test]
    fn the_index_agrees_with_a_linear_scan_on_every_name() {
        assert!(WIDE.members.len() > LINEAR_UP_TO);
        let mut names: Vec<&str> = vec!["", "nothing", "zeta", "Alpha", "x-header"];
        for member in WIDE.members {
            names.extend([member.name, member.wire_name()]);
            names.extend(member.target.list_member().and_then(|item| item.location_name));
        }
        for name in names {
            // Twice: the first call builds the thread's index, the second reads it.
            for _ in 0..2 {
                assert_eq!(member_for(&WIDE, name), linear(&WIDE, name), "{name:?}");
            }
        }
        // What the scan itself decides, from the rules above.
        assert_eq!(member_for(&WIDE, "dup"), Some(2));
        assert_eq!(member_for(&WIDE, "alpha"), Some(1));
        assert_eq!(member_for(&WIDE, "Alpha"), None);
        assert_eq!(member_for(&WIDE, "Item"), Some(6));
        assert_eq!(member_for(&WIDE, "Thing"), Some(7));
        assert_eq!(member_for(&WIDE, "Header"), None);
        assert_eq!(member_for(&WIDE, "attr"), None);
        // Members the model binds to the URI can still only come in a response's body.
        assert_eq!(member_for(&WIDE, "Uri"), Some(14));
    }
}
