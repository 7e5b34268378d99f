//! boto3's `table.batch_writer()`: puts and deletes buffered into `BatchWriteItem` requests of 25,
//! optionally de-duplicated by key, with `UnprocessedItems` sent again until none are left.
//!
//! boto3's writer is a context manager that sends what is left when the `with` block ends. Rust
//! cannot run async code in `Drop`, so here the end is explicit: `writer.close().await?` (or
//! `close_blocking()`), which also reports the error boto3 would raise from `__exit__`. A writer
//! dropped with items still buffered does not send them. Unlike boto3, which resends unprocessed
//! items at once with the next batch, a batch that came back with unprocessed items makes the
//! next one wait (50 ms, doubling up to 5 s) as AWS advises; and a batch whose request fails
//! stays buffered, so the caller may `flush` again after handling the error.

use std::time::Duration;

use crate::number::Number;
use crate::resources::Table;
use crate::types as t;
use crate::values::{serialize_item, Item};
use tucuxi::{Error, ErrorKind, Map};

/// The most requests DynamoDB takes in one `BatchWriteItem` (boto3's `flush_amount`).
const BATCH: usize = 25;
/// The first wait after a batch that came back with unprocessed items, then doubled.
const FIRST_DELAY: Duration = Duration::from_millis(50);
/// The longest wait between two batches.
const MAX_DELAY: Duration = Duration::from_secs(5);

impl Table {
    /// boto3's `table.batch_writer()`: buffer puts and deletes, send them 25 at a time, and end
    /// with [`close`](BatchWriter::close) to send the rest.
    pub fn batch_writer(&self) -> BatchWriter {
        BatchWriter {
            client: self.client(),
            table: self.name().to_owned(),
            buffer: Vec::new(),
            overwrite_by_pkeys: Vec::new(),
            unprocessed_rounds: 0,
        }
    }
}

/// Buffers writes to one table; see the [module docs](self) for how it ends.
#[must_use = "buffered writes are only sent by `flush` or `close`"]
#[derive(Debug)]
pub struct BatchWriter {
    client: crate::Client,
    table: String,
    buffer: Vec<t::WriteRequest>,
    overwrite_by_pkeys: Vec<String>,
    /// How many batches in a row came back with unprocessed items (the backoff's exponent).
    unprocessed_rounds: u32,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message).with_operation("BatchWriteItem")
}

/// Whether two key values are the same key: numbers by value (`1.0` is `1`), as boto3 compares
/// its `Decimal`s.
fn same_value(a: &t::AttributeValue, b: &t::AttributeValue) -> bool {
    match (&a.n, &b.n) {
        (Some(x), Some(y)) => match (Number::parse(x), Number::parse(y)) {
            (Ok(x), Ok(y)) => x == y,
            _ => x == y,
        },
        _ => a == b,
    }
}

fn request_key(request: &t::WriteRequest) -> Option<&Map<String, t::AttributeValue>> {
    match (&request.put_request, &request.delete_request) {
        (Some(put), _) => Some(&put.item),
        (None, Some(delete)) => Some(&delete.key),
        (None, None) => None,
    }
}

/// Sends one batch; the requests DynamoDB left unprocessed for this table come back.
async fn send_batch(client: crate::Client, table: String, batch: Vec<t::WriteRequest>) -> Result<Vec<t::WriteRequest>, Error> {
    let mut request_items = Map::new();
    request_items.insert(table.clone(), batch);
    let out = client.batch_write_item().request_items(request_items).send().await?;
    Ok(out.unprocessed_items.and_then(|mut items| items.swap_remove(&table)).unwrap_or_default())
}

impl BatchWriter {
    /// boto3's `overwrite_by_pkeys=[...]`: a new request replaces any buffered one with the same
    /// values for these attributes (the table's partition and sort key), so one batch never
    /// holds two writes of one item (which DynamoDB refuses).
    pub fn overwrite_by_pkeys<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.overwrite_by_pkeys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The requests buffered and not yet sent (unprocessed ones included).
    pub fn pending(&self) -> usize {
        self.buffer.len()
    }

    /// boto3's `batch.put_item(Item=item)`: buffers it, sending a batch once 25 are waiting.
    pub async fn put_item(&mut self, item: Item) -> Result<(), Error> {
        self.add(item, true)?;
        self.flush_if_needed().await
    }

    /// boto3's `batch.delete_item(Key=key)`: buffers it, sending a batch once 25 are waiting.
    pub async fn delete_item(&mut self, key: Item) -> Result<(), Error> {
        self.add(key, false)?;
        self.flush_if_needed().await
    }

    /// Sends every buffered request, again and again for unprocessed ones, until none is left.
    pub async fn flush(&mut self) -> Result<(), Error> {
        while !self.buffer.is_empty() {
            self.send_one().await?;
        }
        Ok(())
    }

    /// Sends what is left (boto3's end of the `with` block) and ends the writer.
    pub async fn close(mut self) -> Result<(), Error> {
        self.flush().await
    }

    /// [`put_item`](Self::put_item) without an async runtime.
    pub fn put_item_blocking(&mut self, item: Item) -> Result<(), Error> {
        self.add(item, true)?;
        self.flush_if_needed_blocking()
    }

    /// [`delete_item`](Self::delete_item) without an async runtime.
    pub fn delete_item_blocking(&mut self, key: Item) -> Result<(), Error> {
        self.add(key, false)?;
        self.flush_if_needed_blocking()
    }

    /// [`flush`](Self::flush) without an async runtime.
    pub fn flush_blocking(&mut self) -> Result<(), Error> {
        while !self.buffer.is_empty() {
            self.send_one_blocking()?;
        }
        Ok(())
    }

    /// [`close`](Self::close) without an async runtime.
    pub fn close_blocking(mut self) -> Result<(), Error> {
        self.flush_blocking()
    }

    fn add(&mut self, item: Item, put: bool) -> Result<(), Error> {
        let what = if put { "put request's item" } else { "delete request's key" };
        let item = serialize_item(item).map_err(|e| invalid(format!("the {what}: {e}")))?;
        if !self.overwrite_by_pkeys.is_empty() {
            let mut new_key = Vec::with_capacity(self.overwrite_by_pkeys.len());
            for name in &self.overwrite_by_pkeys {
                let value = item
                    .get(name)
                    .ok_or_else(|| invalid(format!("overwrite_by_pkeys names {name:?}, which the {what} does not have")))?;
                new_key.push(value);
            }
            let names = &self.overwrite_by_pkeys;
            self.buffer.retain(|buffered| {
                let Some(old) = request_key(buffered) else { return true };
                !names.iter().zip(&new_key).all(|(name, new)| old.get(name).is_some_and(|old| same_value(old, new)))
            });
        }
        let mut request = t::WriteRequest::default();
        if put {
            request.put_request = Some(t::PutRequest { item });
        } else {
            request.delete_request = Some(t::DeleteRequest { key: item });
        }
        self.buffer.push(request);
        Ok(())
    }

    async fn flush_if_needed(&mut self) -> Result<(), Error> {
        if self.buffer.len() >= BATCH {
            self.send_one().await?;
        }
        Ok(())
    }

    fn flush_if_needed_blocking(&mut self) -> Result<(), Error> {
        if self.buffer.len() >= BATCH {
            self.send_one_blocking()?;
        }
        Ok(())
    }

    /// The wait before the next batch: none until a batch comes back with unprocessed items.
    fn delay(&self) -> Option<Duration> {
        let rounds = self.unprocessed_rounds.checked_sub(1)?;
        Some(FIRST_DELAY.saturating_mul(1u32 << rounds.min(16)).min(MAX_DELAY))
    }

    /// The next batch, taken from the front of the buffer, and what the request needs.
    fn take_batch(&mut self) -> (crate::Client, String, Vec<t::WriteRequest>) {
        let batch: Vec<_> = self.buffer.drain(..self.buffer.len().min(BATCH)).collect();
        (self.client.clone(), self.table.clone(), batch)
    }

    /// Unprocessed requests go to the back of the buffer, as boto3 puts them; a failed batch
    /// goes back to the front, unsent.
    fn settle(&mut self, sent: Vec<t::WriteRequest>, result: Result<Vec<t::WriteRequest>, Error>) -> Result<(), Error> {
        match result {
            Ok(unprocessed) => {
                self.unprocessed_rounds = if unprocessed.is_empty() { 0 } else { self.unprocessed_rounds.saturating_add(1) };
                self.buffer.extend(unprocessed);
                Ok(())
            }
            Err(error) => {
                self.buffer.splice(0..0, sent);
                Err(error)
            }
        }
    }

    async fn send_one(&mut self) -> Result<(), Error> {
        if let Some(delay) = self.delay() {
            tucuxi::codegen::sleep(delay).await;
        }
        let (client, table, batch) = self.take_batch();
        let result = send_batch(client, table, batch.clone()).await;
        self.settle(batch, result)
    }

    fn send_one_blocking(&mut self) -> Result<(), Error> {
        if let Some(delay) = self.delay() {
            std::thread::sleep(delay);
        }
        let (client, table, batch) = self.take_batch();
        let result = tucuxi::http::block_on(send_batch(client, table, batch.clone())).map_err(Error::from).and_then(|r| r);
        self.settle(batch, result)
    }
}
