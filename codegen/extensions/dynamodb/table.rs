//! The `Table` resource with plain values, as boto3's: items and keys are [`Item`]s, conditions
//! are [`Condition`]s, and what comes back is plain again.
//!
//! boto3 changes its `Table` actions in place (a handler serialises `Item`, `Key`, ... and builds
//! `ConditionExpression`, `FilterExpression` and `KeyConditionExpression` from condition
//! objects). The generated [`Table`] keeps the wire form for its actions, so the plain form is a
//! view beside them: `table.plain().put_item(item)`, with the same names as boto3's methods.
//! Each request's other members stay reachable through `set(|r| ...)`, which takes the
//! operation's generated builder, as the resource actions do.
//!
//! ```no_run
//! # async fn example(session: &tucuxi::Session) -> Result<(), tucuxi::Error> {
//! use tucuxi_dynamodb::{item, Attr, Key, ServiceResource};
//!
//! let table = ServiceResource::new(session).table("people");
//! let people = table.plain();
//! people.put_item(item! { "pk" => "user#1", "sk" => 1, "age" => 36 }).send().await?;
//! let ada = people.get_item(item! { "pk" => "user#1", "sk" => 1 }).send().await?;
//! let page = people
//!     .query(Key("pk").eq("user#1") & Key("sk").gte(1))
//!     .filter(Attr("age").lt(40))
//!     .send()
//!     .await?;
//! for person in &page.items {
//!     println!("{:?}", person["age"].as_i64());
//! }
//!
//! let mut batch = table.batch_writer();
//! for i in 0..100 {
//!     batch.put_item(item! { "pk" => "batch", "sk" => i }).await?;
//! }
//! batch.close().await?;
//! # let _ = ada;
//! # Ok(())
//! # }
//! ```

use crate::client as c;
use crate::conditions::{Condition, ExpressionBuilder};
use crate::resources::Table;
use crate::types as t;
use crate::values::{deserialize_item, serialize_item, Item, Value, ValueError};
use tucuxi::{Error, ErrorKind, Map};

impl Table {
    /// This table with plain values and condition objects (boto3's `Table` methods).
    pub fn plain(&self) -> PlainTable {
        PlainTable { table: self.clone() }
    }
}

/// The view [`Table::plain`] returns: boto3's `Table.put_item(Item=...)`, `get_item(Key=...)`,
/// `query(KeyConditionExpression=Key(...)...)`, ... taking and returning plain values.
#[derive(Clone, Debug)]
pub struct PlainTable {
    table: Table,
}

fn invalid(error: impl std::error::Error + Send + Sync + 'static, operation: &'static str) -> Error {
    Error::new(ErrorKind::InvalidInput, error).with_operation(operation)
}

fn unreadable(error: ValueError, operation: &'static str) -> Error {
    Error::new(ErrorKind::Response, error).with_operation(operation)
}

fn plain_item(item: Option<Map<String, t::AttributeValue>>, operation: &'static str) -> Result<Option<Item>, Error> {
    item.map(deserialize_item).transpose().map_err(|e| unreadable(e, operation))
}

/// A request's condition objects and the caller's own placeholders, built as boto3 builds them:
/// the condition or filter first, then the key condition, numbered by one builder, skipping
/// placeholders the caller named.
#[derive(Clone, Debug, Default)]
struct Expressions {
    condition: Option<Condition>,
    key_condition: Option<Condition>,
    names: Map<String, String>,
    values: Map<String, Value>,
}

/// What [`Expressions::build`] sets on a request.
#[derive(Default)]
struct Built {
    condition: Option<String>,
    key_condition: Option<String>,
    names: Option<Map<String, String>>,
    values: Option<Map<String, t::AttributeValue>>,
}

impl Expressions {
    fn build(self, operation: &'static str) -> Result<Built, Error> {
        let Expressions { condition, key_condition, mut names, mut values } = self;
        let mut builder = ExpressionBuilder::new();
        builder.reset(names.keys().cloned(), values.keys().cloned());
        let mut built = Built::default();
        for (condition, key, slot) in
            [(condition, false, &mut built.condition), (key_condition, true, &mut built.key_condition)]
        {
            if let Some(condition) = condition {
                let expression = builder.build(&condition, key).map_err(|e| invalid(e, operation))?;
                names.extend(expression.names);
                values.extend(expression.values);
                *slot = Some(expression.expression);
            }
        }
        if !names.is_empty() {
            built.names = Some(names);
        }
        if !values.is_empty() {
            built.values = Some(serialize_item(values).map_err(|e| invalid(e, operation))?);
        }
        Ok(built)
    }
}

impl PlainTable {
    /// The resource this view is of.
    pub fn table(&self) -> &Table {
        &self.table
    }

    fn request<B>(&self, call: B, item: Option<Item>) -> Plain<B> {
        Plain { call, client: self.table.client(), item, start: None, expressions: Expressions::default() }
    }

    /// boto3's `table.put_item(Item=item)`; `send` returns the old item when `ReturnValues`
    /// asks for it.
    pub fn put_item(&self, item: Item) -> Plain<c::PutItem> {
        self.request(self.table.client().put_item().table_name(self.table.name()), Some(item))
    }

    /// boto3's `table.get_item(Key=key)`; `send` returns the item, `None` when there is none.
    pub fn get_item(&self, key: Item) -> Plain<c::GetItem> {
        self.request(self.table.client().get_item().table_name(self.table.name()), Some(key))
    }

    /// boto3's `table.delete_item(Key=key)`; `send` returns the old item when `ReturnValues`
    /// asks for it.
    pub fn delete_item(&self, key: Item) -> Plain<c::DeleteItem> {
        self.request(self.table.client().delete_item().table_name(self.table.name()), Some(key))
    }

    /// boto3's `table.update_item(Key=key, UpdateExpression=..., ExpressionAttributeValues=...)`:
    /// the update as text, its placeholders given with [`name`](Plain::name) and
    /// [`value`](Plain::value); `send` returns the attributes `ReturnValues` asks for.
    pub fn update_item(&self, key: Item, update_expression: impl Into<String>) -> Plain<c::UpdateItem> {
        let call = self.table.client().update_item().table_name(self.table.name());
        self.request(call.update_expression(update_expression), Some(key))
    }

    /// boto3's `table.query(KeyConditionExpression=Key("pk").eq(...))`: one page per `send`;
    /// follow `last_evaluated_key` with [`exclusive_start_key`](Plain::exclusive_start_key), or
    /// read every page with [`send_all`](Plain::send_all).
    pub fn query(&self, key_condition: Condition) -> Plain<c::Query> {
        let mut request = self.request(self.table.client().query().table_name(self.table.name()), None);
        request.expressions.key_condition = Some(key_condition);
        request
    }

    /// boto3's `table.scan()`: one page per `send`, as [`query`](Self::query).
    pub fn scan(&self) -> Plain<c::Scan> {
        self.request(self.table.client().scan().table_name(self.table.name()), None)
    }
}

/// A request with plain values, around the operation's generated builder `B`; made by
/// [`PlainTable`]'s methods and sent with `send().await` or `send_blocking()`.
#[must_use = "a request does nothing until it is sent"]
pub struct Plain<B> {
    call: B,
    client: crate::Client,
    /// The item (put) or key (get, delete, update).
    item: Option<Item>,
    /// A query's or scan's `ExclusiveStartKey`.
    start: Option<Item>,
    expressions: Expressions,
}

impl<B> Plain<B> {
    /// An attribute-name placeholder of your own (`"#s"` → `"status"`) for an expression you
    /// write as text (an update or projection expression); generated ones skip it.
    pub fn name(mut self, placeholder: impl Into<String>, name: impl Into<String>) -> Self {
        self.expressions.names.insert(placeholder.into(), name.into());
        self
    }

    /// A value placeholder of your own (`":inc"` → `1`), a plain value like boto3's
    /// `ExpressionAttributeValues={":inc": 1}`.
    pub fn value(mut self, placeholder: impl Into<String>, value: impl Into<Value>) -> Self {
        self.expressions.values.insert(placeholder.into(), value.into());
        self
    }

    /// Any other member of the request, through the operation's generated builder (boto3's
    /// other keyword arguments): `.set(|r| r.return_values("ALL_OLD"))`.
    pub fn set(mut self, change: impl FnOnce(B) -> B) -> Self {
        self.call = change(self.call);
        self
    }

    /// The item or key, serialised.
    fn wire_item(&mut self, operation: &'static str) -> Result<Map<String, t::AttributeValue>, Error> {
        serialize_item(self.item.take().unwrap_or_default()).map_err(|e| invalid(e, operation))
    }
}

impl Plain<c::PutItem> {
    /// The `ConditionExpression`, as a condition object: `Attr("pk").not_exists()`.
    pub fn condition(mut self, condition: Condition) -> Self {
        self.expressions.condition = Some(condition);
        self
    }

    /// Sends the request; the old item when `ReturnValues` is `ALL_OLD`.
    pub async fn send(mut self) -> Result<Option<Item>, Error> {
        const OP: &str = "PutItem";
        let item = self.wire_item(OP)?;
        let built = self.expressions.build(OP)?;
        let mut call = self.call.item(item);
        let input = call.0.input_mut();
        apply(&mut input.condition_expression, built.condition);
        apply(&mut input.expression_attribute_names, built.names);
        apply(&mut input.expression_attribute_values, built.values);
        plain_item(call.send().await?.attributes, OP)
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Option<Item>, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }
}

impl Plain<c::GetItem> {
    /// A strongly consistent read.
    pub fn consistent_read(self, consistent: bool) -> Self {
        self.set(|r| r.consistent_read(consistent))
    }

    /// Sends the request; `None` when no item has the key.
    pub async fn send(mut self) -> Result<Option<Item>, Error> {
        const OP: &str = "GetItem";
        let key = self.wire_item(OP)?;
        let built = self.expressions.build(OP)?;
        let mut call = self.call.key(key);
        apply(&mut call.0.input_mut().expression_attribute_names, built.names);
        plain_item(call.send().await?.item, OP)
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Option<Item>, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }
}

impl Plain<c::DeleteItem> {
    /// The `ConditionExpression`, as a condition object: `Attr("pk").not_exists()`.
    pub fn condition(mut self, condition: Condition) -> Self {
        self.expressions.condition = Some(condition);
        self
    }

    /// Sends the request; the old item when `ReturnValues` is `ALL_OLD`.
    pub async fn send(mut self) -> Result<Option<Item>, Error> {
        const OP: &str = "DeleteItem";
        let key = self.wire_item(OP)?;
        let built = self.expressions.build(OP)?;
        let mut call = self.call.key(key);
        let input = call.0.input_mut();
        apply(&mut input.condition_expression, built.condition);
        apply(&mut input.expression_attribute_names, built.names);
        apply(&mut input.expression_attribute_values, built.values);
        plain_item(call.send().await?.attributes, OP)
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Option<Item>, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }
}

impl Plain<c::UpdateItem> {
    /// The `ConditionExpression`, as a condition object: `Attr("pk").not_exists()`.
    pub fn condition(mut self, condition: Condition) -> Self {
        self.expressions.condition = Some(condition);
        self
    }

    /// Which attributes come back (`"ALL_NEW"`, `"UPDATED_OLD"`, ...).
    pub fn return_values(self, which: impl Into<t::ReturnValue>) -> Self {
        self.set(|r| r.return_values(which))
    }

    /// Sends the request; the attributes `ReturnValues` asks for.
    pub async fn send(mut self) -> Result<Option<Item>, Error> {
        const OP: &str = "UpdateItem";
        let key = self.wire_item(OP)?;
        let built = self.expressions.build(OP)?;
        let mut call = self.call.key(key);
        let input = call.0.input_mut();
        apply(&mut input.condition_expression, built.condition);
        apply(&mut input.expression_attribute_names, built.names);
        apply(&mut input.expression_attribute_values, built.values);
        plain_item(call.send().await?.attributes, OP)
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Option<Item>, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }
}

/// Sets a member from the built expressions; the caller's own maps (set with `set(...)`) keep
/// their entries and gain the generated ones, as boto3 merges them.
fn apply<T: Merge>(slot: &mut Option<T>, built: Option<T>) {
    match (slot.as_mut(), built) {
        (Some(existing), Some(built)) => existing.merge(built),
        (None, Some(built)) => *slot = Some(built),
        (_, None) => {}
    }
}

/// What [`apply`] does when the caller set the member too: maps merge, an expression the caller
/// wrote as text stays (a condition object replaces nothing the caller chose).
trait Merge {
    fn merge(&mut self, built: Self);
}

impl<V> Merge for Map<String, V> {
    fn merge(&mut self, built: Self) {
        self.extend(built);
    }
}

impl Merge for String {
    fn merge(&mut self, _built: Self) {}
}

/// One page of a query or scan, in plain values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The items of this page.
    pub items: Vec<Item>,
    /// Where the next page starts; `None` on the last page.
    pub last_evaluated_key: Option<Item>,
    /// How many items matched (after the filter).
    pub count: i32,
    /// How many items were read (before the filter).
    pub scanned_count: i32,
}

/// The parts of a `QueryOutput` or `ScanOutput` a page reads.
type Parts = (
    Option<Vec<Map<String, t::AttributeValue>>>,
    Option<Map<String, t::AttributeValue>>,
    Option<i32>,
    Option<i32>,
);

fn page((items, last, count, scanned): Parts, operation: &'static str) -> Result<Page, Error> {
    let mut plain = Vec::new();
    for (i, item) in items.unwrap_or_default().into_iter().enumerate() {
        let item = deserialize_item(item)
            .map_err(|e| unreadable(ValueError::new(format!("Items[{i}]: {e}")), operation))?;
        plain.push(item);
    }
    let last_evaluated_key = plain_item(last, operation)?;
    Ok(Page { items: plain, last_evaluated_key, count: count.unwrap_or_default(), scanned_count: scanned.unwrap_or_default() })
}

impl Plain<c::Query> {
    /// The `FilterExpression`, as a condition object: `Attr("age").lt(27)`.
    pub fn filter(mut self, condition: Condition) -> Self {
        self.expressions.condition = Some(condition);
        self
    }

    /// Where to start: the previous page's `last_evaluated_key`.
    pub fn exclusive_start_key(mut self, key: Item) -> Self {
        self.start = Some(key);
        self
    }

    /// At most this many items read per page.
    pub fn limit(self, limit: i32) -> Self {
        self.set(|r| r.limit(limit))
    }

    /// Reads from a secondary index.
    pub fn index_name(self, index: impl Into<String>) -> Self {
        self.set(|r| r.index_name(index))
    }

    /// Items in descending sort-key order when `false`.
    pub fn scan_index_forward(self, forward: bool) -> Self {
        self.set(|r| r.scan_index_forward(forward))
    }

    /// The input with every plain part applied.
    fn input(self) -> Result<(crate::Client, t::QueryInput), Error> {
        const OP: &str = "Query";
        let built = self.expressions.build(OP)?;
        let mut call = self.call;
        let input = call.0.input_mut();
        if let Some(start) = self.start {
            input.exclusive_start_key = Some(serialize_item(start).map_err(|e| invalid(e, OP))?);
        }
        apply(&mut input.filter_expression, built.condition);
        apply(&mut input.key_condition_expression, built.key_condition);
        apply(&mut input.expression_attribute_names, built.names);
        apply(&mut input.expression_attribute_values, built.values);
        Ok((self.client, input.clone()))
    }

    /// Sends the request: one page.
    pub async fn send(self) -> Result<Page, Error> {
        let (client, input) = self.input()?;
        let mut call = client.query();
        call.0.set_input(input);
        let out = call.send().await?;
        page((out.items, out.last_evaluated_key, out.count, out.scanned_count), "Query")
    }

    /// Every page from here on, following `LastEvaluatedKey`, as one list of items.
    pub async fn send_all(self) -> Result<Vec<Item>, Error> {
        let (client, mut input) = self.input()?;
        let mut items = Vec::new();
        loop {
            let mut call = client.query();
            call.0.set_input(input.clone());
            let out = call.send().await?;
            let page = page((out.items, out.last_evaluated_key, out.count, out.scanned_count), "Query")?;
            items.extend(page.items);
            match page.last_evaluated_key {
                Some(last) => input.exclusive_start_key = Some(serialize_item(last).map_err(|e| invalid(e, "Query"))?),
                None => return Ok(items),
            }
        }
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Page, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }

    /// [`send_all`](Self::send_all) without an async runtime.
    pub fn send_all_blocking(self) -> Result<Vec<Item>, Error> {
        tucuxi::http::block_on(self.send_all()).map_err(Error::from)?
    }
}

impl Plain<c::Scan> {
    /// The `FilterExpression`, as a condition object: `Attr("age").lt(27)`.
    pub fn filter(mut self, condition: Condition) -> Self {
        self.expressions.condition = Some(condition);
        self
    }

    /// Where to start: the previous page's `last_evaluated_key`.
    pub fn exclusive_start_key(mut self, key: Item) -> Self {
        self.start = Some(key);
        self
    }

    /// At most this many items read per page.
    pub fn limit(self, limit: i32) -> Self {
        self.set(|r| r.limit(limit))
    }

    /// Reads from a secondary index.
    pub fn index_name(self, index: impl Into<String>) -> Self {
        self.set(|r| r.index_name(index))
    }

    /// The input with every plain part applied (a scan has no key condition).
    fn input(self) -> Result<(crate::Client, t::ScanInput), Error> {
        const OP: &str = "Scan";
        let built = self.expressions.build(OP)?;
        let mut call = self.call;
        let input = call.0.input_mut();
        if let Some(start) = self.start {
            input.exclusive_start_key = Some(serialize_item(start).map_err(|e| invalid(e, OP))?);
        }
        apply(&mut input.filter_expression, built.condition);
        apply(&mut input.expression_attribute_names, built.names);
        apply(&mut input.expression_attribute_values, built.values);
        Ok((self.client, input.clone()))
    }

    /// Sends the request: one page.
    pub async fn send(self) -> Result<Page, Error> {
        let (client, input) = self.input()?;
        let mut call = client.scan();
        call.0.set_input(input);
        let out = call.send().await?;
        page((out.items, out.last_evaluated_key, out.count, out.scanned_count), "Scan")
    }

    /// Every page from here on, following `LastEvaluatedKey`, as one list of items.
    pub async fn send_all(self) -> Result<Vec<Item>, Error> {
        let (client, mut input) = self.input()?;
        let mut items = Vec::new();
        loop {
            let mut call = client.scan();
            call.0.set_input(input.clone());
            let out = call.send().await?;
            let page = page((out.items, out.last_evaluated_key, out.count, out.scanned_count), "Scan")?;
            items.extend(page.items);
            match page.last_evaluated_key {
                Some(last) => input.exclusive_start_key = Some(serialize_item(last).map_err(|e| invalid(e, "Scan"))?),
                None => return Ok(items),
            }
        }
    }

    /// [`send`](Self::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Page, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }

    /// [`send_all`](Self::send_all) without an async runtime.
    pub fn send_all_blocking(self) -> Result<Vec<Item>, Error> {
        tucuxi::http::block_on(self.send_all()).map_err(Error::from)?
    }
}
