//! Paginators, as boto3 has them: pages as an async stream or a blocking iterator, items of the
//! primary result key, `max_items`, `page_size`, `starting_token` and `build_full_result`.
//!
//! Generated crates hold one static [`PaginatorSpec`] per paginated operation (the data of
//! `paginators-1.json`); everything here is generic over the operation's input and output and
//! follows botocore's `PageIterator` step for step, so pages are cut and resume tokens encoded
//! exactly as boto3 cuts and encodes them.

pub(crate) mod access;
mod pages;
pub mod token;

#[cfg(test)]
mod tests;

use core::marker::PhantomData;
use std::sync::OnceLock;

use crate::client::Call;
use crate::jmespath::Expression;
use crate::protocol::OperationErrors;
use crate::shape::{Shape, Unit, Value};
use crate::Error;

pub use pages::{BlockingItems, BlockingPages, Items, Pages};

/// One paginator of `paginators-1.json`. Token and key expressions are parsed on first use.
#[derive(Debug)]
pub struct PaginatorSpec {
    /// Input members that carry the tokens.
    pub input_token: &'static [&'static str],
    /// JMESPath expressions over the output, one per input token.
    pub output_token: &'static [&'static str],
    /// The input member that limits the page size.
    pub limit_key: Option<&'static str>,
    /// An expression that is false on the last page.
    pub more_results: Option<&'static str>,
    /// Expressions naming the aggregated results; the first is the primary one.
    pub result_key: &'static [&'static str],
    /// Expressions whose values are kept from the first page by [`Paginator::build_full_result`].
    pub non_aggregate_keys: &'static [&'static str],
    compiled: OnceLock<Result<Compiled, String>>,
}

#[derive(Debug)]
pub(crate) struct Compiled {
    pub output_token: Vec<Expression>,
    pub more_results: Option<Expression>,
    pub result_key: Vec<Expression>,
    pub non_aggregate_keys: Vec<Expression>,
}

impl PaginatorSpec {
    /// A paginator that passes `output_token[i]` of each page as input member `input_token[i]`.
    pub const fn new(input_token: &'static [&'static str], output_token: &'static [&'static str]) -> Self {
        PaginatorSpec {
            input_token,
            output_token,
            limit_key: None,
            more_results: None,
            result_key: &[],
            non_aggregate_keys: &[],
            compiled: OnceLock::new(),
        }
    }
    /// Sets the input member that limits the page size.
    pub const fn limit_key(mut self, key: &'static str) -> Self {
        self.limit_key = Some(key);
        self
    }
    /// Sets the expression that is false on the last page.
    pub const fn more_results(mut self, expr: &'static str) -> Self {
        self.more_results = Some(expr);
        self
    }
    /// Sets the result keys.
    pub const fn result_key(mut self, keys: &'static [&'static str]) -> Self {
        self.result_key = keys;
        self
    }
    /// Sets the non-aggregate keys.
    pub const fn non_aggregate_keys(mut self, keys: &'static [&'static str]) -> Self {
        self.non_aggregate_keys = keys;
        self
    }

    pub(crate) fn compiled(&self) -> Result<&Compiled, String> {
        self.compiled
            .get_or_init(|| {
                let parse = |e: &str| Expression::parse(e).map_err(|err| format!("paginator expression {e:?}: {err}"));
                let all = |es: &[&str]| es.iter().map(|e| parse(e)).collect::<Result<Vec<_>, _>>();
                Ok(Compiled {
                    output_token: all(self.output_token)?,
                    more_results: self.more_results.map(parse).transpose()?,
                    result_key: all(self.result_key)?,
                    non_aggregate_keys: all(self.non_aggregate_keys)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A paginated call: set the paging options, then take [`pages`](Paginator::pages),
/// [`items`](Paginator::items) or [`build_full_result`](Paginator::build_full_result).
///
/// `T` is the element type of the primary result key (`Unit` when the paginator has no list
/// result key).
pub struct Paginator<I, O, E, T = Unit> {
    call: Call<I, O, E>,
    spec: &'static PaginatorSpec,
    options: Options,
    _item: PhantomData<fn() -> T>,
}

/// boto3's `PaginationConfig`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    pub max_items: Option<usize>,
    pub page_size: Option<i64>,
    pub starting_token: Option<String>,
}

/// What [`Paginator::build_full_result`] returns: every page merged into one output, as boto3's
/// `build_full_result` merges them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FullResult<O> {
    /// The result keys of every page concatenated (numbers summed, strings joined), plus the
    /// non-aggregate keys of the first page. Other members are left unset.
    pub output: O,
    /// The token to resume from when `max_items` stopped the listing early (boto3's `NextToken`).
    pub next_token: Option<String>,
}

impl<I, O, E, T> Paginator<I, O, E, T>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
    T: Value + Default + 'static,
{
    /// Paginates `call` as `spec` says.
    pub fn new(call: Call<I, O, E>, spec: &'static PaginatorSpec) -> Self {
        Paginator { call, spec, options: Options::default(), _item: PhantomData }
    }

    /// Stops after this many items of the primary result key, cutting the last page; the resume
    /// token is then [`Pages::resume_token`] (or [`FullResult::next_token`]).
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.options.max_items = Some(max_items);
        self
    }

    /// Asks the service for pages of this size (the paginator's `limit_key`).
    pub fn page_size(mut self, page_size: i64) -> Self {
        self.options.page_size = Some(page_size);
        self
    }

    /// Resumes from a token returned by an earlier listing, by tucuxi or by boto3.
    pub fn starting_token(mut self, token: impl Into<String>) -> Self {
        self.options.starting_token = Some(token.into());
        self
    }

    /// The call being paginated, to change its input.
    pub fn call_mut(&mut self) -> &mut Call<I, O, E> {
        &mut self.call
    }

    /// The pages, as an async stream (`futures_core::Stream`) or with [`Pages::next_page`].
    pub fn pages(self) -> Pages<I, O, E> {
        Pages::new(self.call, self.spec, self.options)
    }

    /// The pages, for code without an async runtime.
    pub fn pages_blocking(self) -> BlockingPages<I, O, E> {
        BlockingPages(self.pages())
    }

    /// The elements of the primary result key of every page, as an async stream.
    pub fn items(self) -> Items<I, O, E, T> {
        Items::new(self.pages())
    }

    /// The elements of the primary result key of every page, for code without an async runtime.
    pub fn items_blocking(self) -> BlockingItems<I, O, E, T> {
        BlockingItems(self.items())
    }

    /// Every page merged into one output, as boto3's `build_full_result`.
    pub async fn build_full_result(self) -> Result<FullResult<O>, Error> {
        let mut pages = self.pages();
        let mut merged = pages::Merged::default();
        while let Some(page) = pages.next_page().await {
            merged.add(&pages, page?)?;
        }
        Ok(merged.finish(&pages))
    }

    /// [`build_full_result`](Self::build_full_result) without an async runtime.
    pub fn build_full_result_blocking(self) -> Result<FullResult<O>, Error> {
        let mut pages = self.pages_blocking();
        let mut merged = pages::Merged::default();
        while let Some(page) = pages.next() {
            merged.add(&pages.0, page?)?;
        }
        Ok(merged.finish(&pages.0))
    }
}
