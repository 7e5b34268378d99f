//! The page iterator: botocore's `PageIterator.__iter__` as a state machine, driven by an async
//! stream or by a blocking iterator.

use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use super::access::{merge_into, set_from_document, value_at_mut};
use super::token::{self, Tokens};
use super::{Compiled, FullResult, Options, PaginatorSpec};
use crate::client::Call;
use crate::error::ErrorKind;
use crate::http::block_on;
use crate::jmespath::{Expression, Val};
use crate::protocol::OperationErrors;
use crate::schema::Operation;
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::types::Document;
use crate::Error;

pub(crate) type PageFuture<O> = Pin<Box<dyn Future<Output = Result<O, Error>> + Send>>;
/// Sends one request: the operation's call in production, canned pages in tests.
pub(crate) type Fetch<I, O> = Box<dyn FnMut(I) -> PageFuture<O> + Send>;

/// The pages of a paginated call. An async stream of `Result<O, Error>`; the listing ends after
/// the first error.
pub struct Pages<I, O, E> {
    fetch: Fetch<I, O>,
    op: &'static Operation,
    spec: &'static PaginatorSpec,
    compiled: Option<&'static Compiled>,
    input: I,
    max_items: Option<usize>,
    /// Items to skip on the first page, from the starting token.
    starting_skip: Option<usize>,
    /// The tokens that fetched the current page (botocore's `next_token`).
    tokens: Tokens,
    encoded_keys: Vec<Document>,
    previous: Option<Tokens>,
    total: usize,
    first: bool,
    resume_token: Option<String>,
    error: Option<Error>,
    done: bool,
    pending: Option<PageFuture<O>>,
    _errors: PhantomData<fn() -> E>,
}

// No field is ever pinned in place: the in-flight request is boxed.
impl<I, O, E> Unpin for Pages<I, O, E> {}

fn pagination_error(op: &'static Operation, kind: ErrorKind, message: String) -> Error {
    Error::new(kind, message).with_operation(op.name)
}

/// What a value found by an expression is, read before the page is changed.
enum Found {
    Absent,
    List(usize),
    Str(String),
    Number,
    Other,
}

fn found(expr: &Expression, page: &dyn Shape) -> Found {
    match expr.search(Val::of(page)) {
        Ok(v) => match v {
            Val::Null => Found::Absent,
            Val::Str(s) => Found::Str(s.into_owned()),
            Val::Int(_) | Val::Float(_) => Found::Number,
            v => v.list_len().map_or(Found::Other, Found::List),
        },
        Err(_) => Found::Absent,
    }
}

/// The typed value a result key names, when it is a plain member path (every result key in the
/// models is).
fn result_mut<'p>(expr: &Expression, page: &'p mut dyn Shape) -> Option<&'p mut dyn Value> {
    let path = expr.field_path()?;
    value_at_mut(page, &path)
}

/// Python truthiness, which botocore applies to tokens: 0 is no token, unlike in JMESPath.
fn py_truthy(v: &Val<'_>) -> bool {
    v.truthy() && v.as_f64() != Some(0.0)
}

impl<I, O, E> Pages<I, O, E>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
{
    pub(super) fn new(call: Call<I, O, E>, spec: &'static PaginatorSpec, options: Options) -> Self {
        let client = call.client().clone();
        let op = call.operation();
        let fetch: Fetch<I, O> = Box::new(move |input| {
            let mut call = Call::<I, O, E>::new(&client, op);
            call.set_input(input);
            Box::pin(call.send_untyped())
        });
        Self::with_fetch(op, call.input().clone(), spec, options, fetch)
    }

    pub(crate) fn with_fetch(
        op: &'static Operation,
        input: I,
        spec: &'static PaginatorSpec,
        options: Options,
        fetch: Fetch<I, O>,
    ) -> Self {
        let mut pages = Pages {
            fetch,
            op,
            spec,
            compiled: None,
            input,
            max_items: options.max_items,
            starting_skip: None,
            tokens: spec.input_token.iter().map(|k| ((*k).to_owned(), Document::Null)).collect(),
            encoded_keys: Vec::new(),
            previous: None,
            total: 0,
            first: true,
            resume_token: None,
            error: None,
            done: false,
            pending: None,
            _errors: PhantomData,
        };
        if let Err(e) = pages.start(options) {
            pages.error = Some(e);
        }
        pages
    }

    /// Checks the options and puts the starting token and page size into the input.
    fn start(&mut self, options: Options) -> Result<(), Error> {
        let op = self.op;
        let invalid = |m: String| pagination_error(op, ErrorKind::InvalidInput, m);
        self.compiled = Some(self.spec.compiled().map_err(invalid)?);
        if let Some(token) = &options.starting_token {
            let (tokens, skip) = token::decode(token, self.spec.input_token).map_err(invalid)?;
            self.inject(&tokens)?;
            self.tokens = tokens;
            self.starting_skip = Some(skip);
        }
        if let Some(size) = options.page_size {
            let key = self.spec.limit_key.ok_or_else(|| {
                invalid("PageSize parameter is not supported for the pagination interface for this operation.".into())
            })?;
            let target =
                value_at_mut(&mut self.input, &[key]).ok_or_else(|| invalid(format!("no input member {key}")))?;
            set_from_document(target, &Document::from(size)).map_err(invalid)?;
        }
        Ok(())
    }

    /// Sets the input members of `tokens`; a null (or botocore's `"None"`) unsets the member.
    fn inject(&mut self, tokens: &Tokens) -> Result<(), Error> {
        for (name, value) in tokens {
            let op = self.op;
            let target = value_at_mut(&mut self.input, &[name.as_str()]).ok_or_else(|| {
                pagination_error(op, ErrorKind::InvalidInput, format!("bad starting token: no input member {name}"))
            })?;
            target.set_absent();
            if !value.is_null() && value.as_str() != Some("None") {
                set_from_document(target, value)
                    .map_err(|m| pagination_error(op, ErrorKind::InvalidInput, format!("bad token for {name}: {m}")))?;
            }
        }
        Ok(())
    }

    /// The token to resume from, once the listing stopped at `max_items`.
    pub fn resume_token(&self) -> Option<&str> {
        self.resume_token.as_deref()
    }

    pub(super) fn compiled(&self) -> Option<&'static Compiled> {
        self.compiled
    }

    /// The request for the next page, or the error or end to report instead.
    fn request(&mut self) -> Option<Result<PageFuture<O>, Error>> {
        if let Some(e) = self.error.take() {
            self.done = true;
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        Some(Ok((self.fetch)(self.input.clone())))
    }

    fn accept(&mut self, result: Result<O, Error>) -> Result<O, Error> {
        match result {
            Ok(mut page) => {
                self.on_page(&mut page);
                Ok(page)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    /// botocore's loop body, after the request: cut the page, find the next tokens.
    fn on_page(&mut self, page: &mut O) {
        let Some(c) = self.compiled else { return };
        let mut skipped = 0;
        if self.first {
            self.first = false;
            if let Some(skip) = self.starting_skip {
                skipped = skip;
                self.skip_on_first_page(c, page, skip);
            }
        }
        let primary = c.result_key.first();
        let count = match primary.map(|e| found(e, page)) {
            Some(Found::List(n)) => n,
            Some(Found::Str(s)) => s.chars().count(),
            _ => 0,
        };
        if let Some(max) = self.max_items {
            if self.total + count > max {
                let keep = max - self.total;
                if let Some(ValueMut::List(list)) = primary.and_then(|e| result_mut(e, page)).map(Value::get_mut) {
                    list.retain_range(0, keep);
                }
                self.resume_token = Some(token::encode(&self.tokens, Some(keep + skipped), &self.encoded_keys));
                self.done = true;
                return;
            }
        }
        self.total += count;
        let (next, encoded) = match self.next_tokens(c, page) {
            Ok(next) => next,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        if next.values().all(Document::is_null) {
            self.done = true;
            return;
        }
        if self.max_items == Some(self.total) {
            // On a page boundary: the next page's tokens resume exactly.
            self.resume_token = Some(token::encode(&next, None, &encoded));
            self.done = true;
            return;
        }
        if self.previous.as_ref() == Some(&next) {
            let shown = Document::Object(next).to_json_string();
            self.error = Some(pagination_error(
                self.op,
                ErrorKind::Response,
                format!("The same next token was received twice: {shown}"),
            ));
            return;
        }
        if let Err(e) = self.inject(&next) {
            self.error = Some(e);
            return;
        }
        self.previous = Some(next.clone());
        self.tokens = next;
        self.encoded_keys = encoded;
    }

    /// Resuming mid-page: drops the items already returned from the primary result key and
    /// empties the others, as botocore's `_handle_first_request` does.
    fn skip_on_first_page(&self, c: &Compiled, page: &mut O, skip: usize) {
        for (i, expr) in c.result_key.iter().enumerate() {
            let before = found(expr, page);
            let Some(target) = result_mut(expr, page) else { continue };
            match (before, target.get_mut()) {
                (Found::List(n), ValueMut::List(list)) if i == 0 => list.retain_range(skip, n),
                (Found::List(_), ValueMut::List(list)) => list.retain_range(0, 0),
                (Found::Str(s), ValueMut::Str(text)) => {
                    *text = if i == 0 { s.chars().skip(skip).collect() } else { String::new() };
                }
                // Counts (DynamoDB's `Count`) stay what the service said.
                (Found::Number, _) if i > 0 => {}
                (Found::Absent, _) => {}
                _ => target.set_absent(),
            }
        }
    }

    /// botocore's `_get_next_token`: the next tokens by input member, and where bytes were
    /// base64-encoded in them.
    fn next_tokens(&self, c: &Compiled, page: &O) -> Result<(Tokens, Vec<Document>), Error> {
        let mut tokens = Tokens::new();
        let mut encoded = None;
        if let Some(more) = &c.more_results {
            let v =
                more.search(Val::of(page)).map_err(|e| pagination_error(self.op, ErrorKind::Response, e.message))?;
            if !py_truthy(&v) {
                return Ok((tokens, Vec::new()));
            }
        }
        for (expr, name) in c.output_token.iter().zip(self.spec.input_token) {
            let v =
                expr.search(Val::of(page)).map_err(|e| pagination_error(self.op, ErrorKind::Response, e.message))?;
            let value = if py_truthy(&v) {
                v.to_document_tracking(&mut vec![Document::String((*name).to_owned())], &mut encoded)
            } else {
                Document::Null
            };
            tokens.insert((*name).to_owned(), value);
        }
        Ok((tokens, encoded.unwrap_or_default()))
    }

    /// The input of the first request, tokens not yet set (resource collections read their
    /// request parameters from it).
    pub(crate) fn input(&self) -> &I {
        &self.input
    }

    /// The next page, or `None` at the end.
    pub fn next_page(&mut self) -> impl Future<Output = Option<Result<O, Error>>> + '_ {
        core::future::poll_fn(move |cx| self.poll_page(cx))
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<O, Error>>> {
        if self.pending.is_none() {
            match self.request() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(future)) => self.pending = Some(future),
            }
        }
        let Some(future) = self.pending.as_mut() else { return Poll::Ready(None) };
        match future.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                self.pending = None;
                Poll::Ready(Some(self.accept(result)))
            }
        }
    }

    /// The next page without an async runtime.
    fn next_blocking(&mut self) -> Option<Result<O, Error>> {
        let result = match self.request()? {
            Ok(future) => block_on(future).map_err(Error::from).and_then(|r| r),
            Err(e) => return Some(Err(e)),
        };
        Some(self.accept(result))
    }
}

impl<I, O, E> Stream for Pages<I, O, E>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
{
    type Item = Result<O, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// [`Pages`] as a blocking iterator.
pub struct BlockingPages<I, O, E>(pub(super) Pages<I, O, E>);

impl<I, O, E> BlockingPages<I, O, E> {
    /// The token to resume from, once the listing stopped at `max_items`.
    pub fn resume_token(&self) -> Option<&str> {
        self.0.resume_token.as_deref()
    }
}

impl<I, O, E> Iterator for BlockingPages<I, O, E>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
{
    type Item = Result<O, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next_blocking()
    }
}

/// The elements of the primary result key, page after page: an async stream of `Result<T, Error>`.
pub struct Items<I, O, E, T> {
    pages: Pages<I, O, E>,
    buffer: std::vec::IntoIter<T>,
}

impl<I, O, E, T> Unpin for Items<I, O, E, T> {}

impl<I, O, E, T> Items<I, O, E, T>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
    T: Value + Default + 'static,
{
    pub(super) fn new(pages: Pages<I, O, E>) -> Self {
        Items { pages, buffer: Vec::new().into_iter() }
    }

    /// The token to resume from, once the listing stopped at `max_items`.
    pub fn resume_token(&self) -> Option<&str> {
        self.pages.resume_token()
    }

    /// The next item, or `None` at the end.
    pub fn next_item(&mut self) -> impl Future<Output = Option<Result<T, Error>>> + '_ {
        core::future::poll_fn(move |cx| self.poll_item(cx))
    }

    /// Moves the primary result list out of a page. A result key that is not a list (a map, a
    /// string: eight paginators of all the models) gives its value as the page's one item, as
    /// boto3's `search` yields a non-list result whole; a page without it gives none.
    fn fill(&mut self, mut page: O) -> Result<(), Error> {
        let op = self.pages.op;
        let primary = self.pages.compiled().and_then(|c| c.result_key.first());
        let Some(target) = primary.and_then(|e| result_mut(e, &mut page)) else {
            return Err(pagination_error(op, ErrorKind::InvalidInput, "this paginator has no result key".into()));
        };
        if target.get().is_none() {
            return Ok(());
        }
        if !matches!(target.get(), Some(ValueRef::List(_))) {
            // Copied through a document: a trait method to move any value out would cost every
            // generated type a vtable entry, for eight paginators.
            let doc = Val::from_value(target).to_document();
            let mut item = T::default();
            set_from_document(&mut item, &doc).map_err(|reason| {
                pagination_error(op, ErrorKind::Response, format!("the result key's value cannot be read: {reason}"))
            })?;
            self.buffer = vec![item].into_iter();
            return Ok(());
        }
        let ValueMut::List(list) = target.get_mut() else { return Ok(()) };
        let Some(items) = list.as_any_mut().and_then(|a| a.downcast_mut::<Vec<T>>()) else {
            return Err(pagination_error(
                op,
                ErrorKind::InvalidInput,
                "the result key does not hold this item type".into(),
            ));
        };
        self.buffer = core::mem::take(items).into_iter();
        Ok(())
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    if let Err(e) = self.fill(page) {
                        self.pages.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
        }
    }
}

impl<I, O, E, T> Stream for Items<I, O, E, T>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
    T: Value + Default + 'static,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

/// [`Items`] as a blocking iterator.
pub struct BlockingItems<I, O, E, T>(pub(super) Items<I, O, E, T>);

impl<I, O, E, T> BlockingItems<I, O, E, T> {
    /// The token to resume from, once the listing stopped at `max_items`.
    pub fn resume_token(&self) -> Option<&str> {
        self.0.pages.resume_token.as_deref()
    }
}

impl<I, O, E, T> Iterator for BlockingItems<I, O, E, T>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
    T: Value + Default + 'static,
{
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.0.buffer.next() {
                return Some(Ok(item));
            }
            match self.0.pages.next_blocking()? {
                Err(e) => return Some(Err(e)),
                Ok(page) => {
                    if let Err(e) = self.0.fill(page) {
                        self.0.pages.done = true;
                        return Some(Err(e));
                    }
                }
            }
        }
    }
}

/// Pages merged as botocore's `build_full_result` merges them.
pub(super) struct Merged<O> {
    output: O,
    first: bool,
}

impl<O: Shape + Default> Default for Merged<O> {
    fn default() -> Self {
        Merged { output: O::default(), first: true }
    }
}

impl<O: Shape + Default + 'static> Merged<O> {
    pub fn add<I, E>(&mut self, pages: &Pages<I, O, E>, mut page: O) -> Result<(), Error>
    where
        I: Shape + Default + Clone + 'static,
        E: OperationErrors,
    {
        let Some(c) = pages.compiled() else { return Ok(()) };
        let error = |m: String| pagination_error(pages.op, ErrorKind::Response, m);
        if self.first {
            self.first = false;
            for expr in &c.non_aggregate_keys {
                let value = expr.search(Val::of(&page)).map(|v| v.to_document()).unwrap_or_default();
                if value.is_null() {
                    continue;
                }
                if let Some(target) = result_mut(expr, &mut self.output) {
                    set_from_document(target, &value).map_err(error)?;
                }
            }
        }
        for expr in &c.result_key {
            if matches!(found(expr, &page), Found::Absent) {
                continue;
            }
            let (Some(into), Some(from)) = (result_mut(expr, &mut self.output), result_mut(expr, &mut page)) else {
                continue;
            };
            merge_into(into, from).map_err(error)?;
        }
        Ok(())
    }

    pub fn finish<I, E>(self, pages: &Pages<I, O, E>) -> FullResult<O> {
        FullResult { output: self.output, next_token: pages.resume_token.clone() }
    }
}
