//! Collections (`hasMany`): lazily paged resources, through the operation's paginator when it has
//! one, and batch actions that send one request per page.

use core::marker::PhantomData;
use std::collections::VecDeque;
use std::sync::Arc;

use super::bind::{apply, bind, Param, Scope};
use super::{make, reads_data, Builder, IsResource, Parent, ResourceRef};
use crate::client::Call;
use crate::http::block_on;
use crate::jmespath::Val;
use crate::paginate::{Pages, Paginator, PaginatorSpec};
use crate::schema::Operation;
use crate::shape::Shape;
use crate::types::Document;
use crate::{Error, Map};

/// One `hasMany` entry: the request parameters, how each page becomes resources, and the
/// operation's paginator when it has one.
#[derive(Debug)]
pub struct CollectionSpec {
    pub params: &'static [Param],
    pub resource: ResourceRef,
    pub paginator: Option<&'static PaginatorSpec>,
}

/// One batch action: the request parameters, bound once per resource of a page.
#[derive(Debug)]
pub struct BatchSpec {
    pub params: &'static [Param],
}

/// A collection of resources of class `R`, listed by the operation whose builder is `B`.
///
/// Nothing is requested until the pages or items are read. [`filter`](Collection::filter)
/// sets further request members, [`limit`](Collection::limit) stops after that many resources and
/// [`page_size`](Collection::page_size) asks the service for pages of that size.
#[must_use = "a collection requests nothing until its pages or items are read"]
pub struct Collection<B, R> {
    builder: B,
    parent: Arc<dyn Parent>,
    spec: &'static CollectionSpec,
    limit: Option<usize>,
    page_size: Option<i64>,
    error: Option<Error>,
    _item: PhantomData<fn() -> R>,
}

impl<B, R> Collection<B, R>
where
    B: Builder,
    B::Input: Clone,
    R: IsResource,
{
    pub(crate) fn new(parent: Arc<dyn Parent>, spec: &'static CollectionSpec, op: &'static Operation) -> Self {
        let mut call: Call<B::Input, B::Output, B::Errors> = Call::new(parent.client(), op);
        let now: Vec<Param> = spec.params.iter().filter(|p| !reads_data([&p.source])).copied().collect();
        let mut doc = Document::Object(Map::new());
        let scope = Scope { ids: parent.ids(), ..Scope::default() };
        let error = bind(&now, &scope, None, &mut doc).and_then(|()| apply(&doc, call.input_mut())).err();
        Collection {
            builder: B::from_call(call),
            parent,
            spec,
            limit: None,
            page_size: None,
            error,
            _item: PhantomData,
        }
    }

    /// Every resource (boto3's `all()`; the collection as it is).
    pub fn all(self) -> Self {
        self
    }

    /// Sets request members through the operation's builder (boto3's `filter(**kwargs)`).
    pub fn filter(mut self, change: impl FnOnce(B) -> B) -> Self {
        self.builder = change(self.builder);
        self
    }

    /// Stops after `count` resources.
    pub fn limit(mut self, count: usize) -> Self {
        self.limit = Some(count);
        self
    }

    /// Asks for pages of `size` resources (when the operation pages).
    pub fn page_size(mut self, size: i64) -> Self {
        self.page_size = Some(size);
        self
    }

    /// The resources page by page.
    pub fn pages(self) -> CollectionPages<B, R> {
        let Collection { builder, parent, spec, limit, page_size, error, .. } = self;
        let call = builder.into_call();
        let op = call.operation();
        let source = match spec.paginator {
            Some(paginator) => {
                let mut p = Paginator::<_, _, _>::new(call, paginator);
                if let Some(size) = page_size {
                    p = p.page_size(size);
                }
                if let Some(limit) = limit {
                    p = p.max_items(limit);
                }
                PageSource::Paged(Box::new(p.pages()))
            }
            None => PageSource::Once(Some(call)),
        };
        CollectionPages { source, parent, spec, op, limit, count: 0, error, request: None, _item: PhantomData }
    }

    /// The resources one by one.
    pub fn items(self) -> CollectionItems<B, R> {
        CollectionItems { pages: self.pages(), buffer: VecDeque::new() }
    }

    /// Every resource, in a `Vec`.
    pub async fn collect(self) -> Result<Vec<R>, Error> {
        let mut pages = self.pages();
        let mut out = Vec::new();
        while let Some(page) = pages.next_page().await {
            out.extend(page?);
        }
        Ok(out)
    }

    /// [`collect`](Collection::collect) without an async runtime.
    pub fn collect_blocking(self) -> Result<Vec<R>, Error>
    where
        B: Send + 'static,
        B::Input: Send,
    {
        block_on(self.collect()).map_err(Error::from)?
    }

    /// A batch action over the collection: one request of `op` per page.
    pub fn batch<B2: Builder>(self, spec: &'static BatchSpec, op: &'static Operation) -> BatchAction<B, R, B2> {
        BatchAction { collection: self, spec, op, change: None }
    }
}

enum PageSource<I, O, E> {
    Paged(Box<Pages<I, O, E>>),
    Once(Option<Call<I, O, E>>),
}

/// The pages of a [`Collection`], each a `Vec` of resources.
pub struct CollectionPages<B: Builder, R> {
    source: PageSource<B::Input, B::Output, B::Errors>,
    parent: Arc<dyn Parent>,
    spec: &'static CollectionSpec,
    op: &'static Operation,
    limit: Option<usize>,
    count: usize,
    error: Option<Error>,
    request: Option<Document>,
    _item: PhantomData<fn() -> R>,
}

impl<B, R> CollectionPages<B, R>
where
    B: Builder,
    B::Input: Clone,
    R: IsResource,
{
    /// The next page, or `None` after the last one (or after the limit).
    pub async fn next_page(&mut self) -> Option<Result<Vec<R>, Error>> {
        if let Some(error) = self.error.take() {
            self.source = PageSource::Once(None);
            return Some(Err(error.with_operation(self.op.name)));
        }
        if self.limit.is_some_and(|limit| self.count >= limit) {
            return None;
        }
        let output = match &mut self.source {
            PageSource::Paged(pages) => {
                if self.request.is_none() {
                    self.request = Some(Val::of(pages.input()).to_document());
                }
                pages.next_page().await?
            }
            PageSource::Once(call) => {
                let call = call.take()?;
                self.request = Some(Val::of(call.input()).to_document());
                call.send_untyped().await
            }
        };
        Some(self.page(output).await)
    }

    async fn page(&mut self, output: Result<B::Output, Error>) -> Result<Vec<R>, Error> {
        let output = output?;
        let data = if reads_data(self.spec.resource.identifiers) { Some(self.parent.data_dyn().await?) } else { None };
        let scope = Scope {
            ids: self.parent.ids(),
            data: data.as_deref(),
            inputs: &[],
            request: self.request.as_ref(),
            response: Some(Val::of(&output as &dyn Shape)),
        };
        let mut items: Vec<R> =
            make(self.parent.client(), &self.spec.resource, &scope).map_err(|e| e.with_operation(self.op.name))?;
        if let Some(limit) = self.limit {
            items.truncate(limit.saturating_sub(self.count));
        }
        self.count += items.len();
        Ok(items)
    }
}

/// The resources of a [`Collection`] one by one.
pub struct CollectionItems<B: Builder, R> {
    pages: CollectionPages<B, R>,
    buffer: VecDeque<R>,
}

impl<B, R> CollectionItems<B, R>
where
    B: Builder,
    B::Input: Clone,
    R: IsResource,
{
    /// The next resource, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<R, Error>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next_page().await? {
                Ok(page) => self.buffer.extend(page),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

type Change<B2> = Box<dyn Fn(B2) -> B2 + Send + Sync>;

/// A batch action: one request per page of the collection, its parameters bound from every
/// resource of the page (`Delete.Objects[].Key` takes one key per object), as boto3 sends them.
#[must_use = "a batch action does nothing until it is sent"]
pub struct BatchAction<B, R, B2> {
    collection: Collection<B, R>,
    spec: &'static BatchSpec,
    op: &'static Operation,
    change: Option<Change<B2>>,
}

impl<B, R, B2> BatchAction<B, R, B2>
where
    B: Builder,
    B::Input: Clone,
    R: IsResource,
    B2: Builder,
{
    /// Changes every request through the operation's builder (boto3's keyword arguments).
    pub fn set(mut self, change: impl Fn(B2) -> B2 + Send + Sync + 'static) -> Self {
        self.change = Some(Box::new(change));
        self
    }

    /// Sends one request per non-empty page and returns the outputs.
    pub async fn send(self) -> Result<Vec<B2::Output>, Error> {
        let BatchAction { collection, spec, op, change } = self;
        let client = collection.parent.client().clone();
        let mut pages = collection.pages();
        let mut outputs = Vec::new();
        while let Some(page) = pages.next_page().await {
            let page = page?;
            if page.is_empty() {
                break;
            }
            let mut doc = Document::Object(Map::new());
            for (index, item) in page.iter().enumerate() {
                let resource = item.resource();
                let data = resource.loaded();
                let scope =
                    Scope { ids: resource.ids(), data: data.as_deref().map(|d| d as &dyn Shape), ..Scope::default() };
                bind(spec.params, &scope, Some(index), &mut doc).map_err(|e| e.with_operation(op.name))?;
            }
            let mut call: Call<B2::Input, B2::Output, B2::Errors> = Call::new(&client, op);
            apply(&doc, call.input_mut()).map_err(|e| e.with_operation(op.name))?;
            let mut builder = B2::from_call(call);
            if let Some(change) = &change {
                builder = change(builder);
            }
            outputs.push(builder.into_call().send().await?);
        }
        Ok(outputs)
    }

    /// [`send`](BatchAction::send) without an async runtime.
    pub fn send_blocking(self) -> Result<Vec<B2::Output>, Error>
    where
        B: Send + 'static,
        B::Input: Send,
        B2: Send + 'static,
        B2::Output: Send,
    {
        block_on(self.send()).map_err(Error::from)?
    }
}
