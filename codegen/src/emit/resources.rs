//! The resource layer (`src/resources/`): one struct per boto3 resource class around the
//! runtime's `Resource`, one method per identifier, attribute, action, reference, sub-resource,
//! collection and waiter, and the `resources-1.json` data those methods hand to the runtime as
//! statics. The binding rules themselves live in the runtime (`tucuxi::resource`).
//!
//! Every method is `#[inline]` and forwards to a generic runtime function, so a crate only
//! compiles the machinery of the members an application uses.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::{builder_name, errors_type_in, io_type_in};
use super::rust::{docs, ident};
use super::types::value_type_in;
use crate::ir::*;
use crate::naming;

/// Whether resource waiters are emitted (they build on the service waiters).
const WAITERS: bool = true;

/// The items of one resource class.
pub fn class_items(svc: &Service, res: &Resources, class: &ResourceClass) -> TokenStream {
    let ty = ident(&class.type_name);
    let spec = ident(&class.static_name);
    let data = data_type(svc, class);
    let is_service = class.name == crate::resources::SERVICE_RESOURCE;
    let mut statics = TokenStream::new();
    let mut methods = TokenStream::new();
    let stat = |member: &ResName| ident(&format!("{}_{}", class.static_name, naming::static_name(&member.method)));

    let id_names: Vec<&str> = class.identifiers.iter().map(|i| i.boto3.as_str()).collect();
    let mut load_allow = quote!();
    let load = match &class.load {
        Some(load) => {
            let op = &svc.operations[load.op];
            load_allow = allow_deprecated(op);
            let op_static = ident(&op.static_name);
            let input = io_type_in(svc, op.input, &quote!(t::));
            let output = io_type_in(svc, op.output, &quote!(t::));
            let params = params(&load.params);
            let path = &load.path;
            let select = match &load.select {
                Some((list, member)) => quote!(Some((#list, #member))),
                None => quote!(None),
            };
            quote! {
                Some(rt::LoadSpec {
                    operation: &op::#op_static,
                    input: rt::new_shape::<#input>,
                    output: rt::new_shape::<#output>,
                    params: &[#params],
                    path: #path,
                    select: #select,
                })
            }
        }
        None => quote!(None),
    };
    let class_name = &class.name;
    let model_id_names = model_identifier_names(class);
    statics.extend(quote! {
        #load_allow
        static #spec: rt::ResourceSpec = rt::ResourceSpec {
            name: #class_name,
            identifiers: &[#(#model_id_names),*],
            load: #load,
        };
    });

    // Constructors and the runtime's own methods.
    if is_service {
        methods.extend(quote! {
            /// The service resource of a session (boto3's `session.resource(...)`).
            pub fn new(session: &rt::Session) -> Self {
                Self::from_client(&crate::Client::new(session))
            }
            /// The service resource over an existing client.
            pub fn from_client(client: &crate::Client) -> Self {
                #ty(rt::Resource::new(client.handle(), &#spec, Vec::new(), None))
            }
        });
    } else {
        let args: Vec<_> = class.identifiers.iter().map(|i| ident(&i.method)).collect();
        let doc = docs(&format!(
            "A `{}` with these identifiers, as boto3's `{}(...)`; no request is made.",
            class.name, class.name
        ));
        methods.extend(quote! {
            #doc
            pub fn new(client: &crate::Client, #(#args: impl Into<String>),*) -> Self {
                #ty(rt::Resource::new(client.handle(), &#spec, vec![#(#args.into()),*], None))
            }
        });
    }
    // `client()` and, for a class with a shape, `load()` and the rest of the data methods come
    // from `rt::resource_class!`.
    let load_methods = class.shape.is_some().then(|| quote!(, load));

    for (i, id) in class.identifiers.iter().enumerate() {
        let m = ident(&id.method);
        let doc = docs(&format!("The `{}` identifier.", model_id_names[i]));
        methods.extend(quote! {
            #doc
            #[inline]
            pub fn #m(&self) -> &str {
                self.0.id(#i)
            }
        });
    }

    if let Some(Kind::Structure(st)) = class.shape.map(|s| &svc.shapes[s].kind) {
        for attr in &class.attributes {
            let member = &st.members[attr.member];
            let m = ident(&attr.name.method);
            let doc = docs(&format!(
                "The `{}` attribute, loaded on first use. Once loaded, [`loaded`](Self::loaded) reads it \
                 without `.await`.",
                member.wire_name
            ));
            let tokens = match attr.identifier {
                Some(i) => quote! {
                    #[doc = " The identifier this attribute names; never makes a request."]
                    #[inline]
                    pub fn #m(&self) -> &str {
                        self.0.id(#i)
                    }
                },
                None => {
                    let field = ident(&member.rust_name);
                    let ty = member_type(svc, member);
                    let read = if is_copy(svc, member) { quote!(d.#field) } else { quote!(d.#field.clone()) };
                    quote! {
                        #doc
                        #[inline]
                        pub fn #m(&self) -> rt::BoxFuture<'_, Result<#ty, rt::Error>> {
                            self.0.attr(|d| #read)
                        }
                    }
                }
            };
            methods.extend(tokens);
        }
    }

    for action in &class.actions {
        let op = &svc.operations[action.op];
        let builder = ident(&builder_name(op));
        let op_static = ident(&op.static_name);
        let s = stat(&action.name);
        let params = params(&action.params);
        let (returns, resource) = match &action.resource {
            Some(target) => {
                let t = ident(&res.classes[target.class].type_name);
                let marker = if target.plural { quote!(rt::Many<#t>) } else { quote!(rt::One<#t>) };
                (quote!(, #marker), {
                    let r = resource_ref(target);
                    quote!(Some(#r))
                })
            }
            None => (quote!(), quote!(None)),
        };
        let allow = allow_deprecated(op);
        statics.extend(quote! {
            static #s: rt::ActionSpec = rt::ActionSpec { params: &[#params], resource: #resource };
        });
        let m = ident(&action.name.method);
        let doc = docs(&format!(
            "boto3's `{}.{}()`: `{}` with this resource's parameters; add more with `set`, then `send`.",
            class.name, action.name.boto3, op.wire_name
        ));
        methods.extend(quote! {
            #doc
            #allow
            #[inline]
            pub fn #m(&self) -> rt::Action<c::#builder #returns> {
                self.0.action(&#s, &op::#op_static)
            }
        });
    }

    for has in &class.subresources {
        let target = &res.classes[has.target.class];
        let t = ident(&target.type_name);
        let mut args = Vec::new();
        let ids: Vec<TokenStream> = has
            .target
            .identifiers
            .iter()
            .map(|source| match source {
                ResSource::Identifier(i) => quote!(self.0.id(#i).to_owned()),
                ResSource::Input(_, name) => {
                    let a = ident(name);
                    args.push(a.clone());
                    quote!(#a.into())
                }
                ResSource::Str(s) => quote!(#s.to_owned()),
                ResSource::Int(n) => {
                    let n = n.to_string();
                    quote!(#n.to_owned())
                }
                ResSource::Bool(b) => {
                    let b = b.to_string();
                    quote!(#b.to_owned())
                }
                // Validation and lowering leave only the sources above to sub-resources.
                _ => quote!(String::new()),
            })
            .collect();
        let m = ident(&has.name.method);
        let doc = docs(&format!("boto3's `{}.{}(...)`: no request is made.", class.name, has.name.boto3));
        methods.extend(quote! {
            #doc
            #[inline]
            pub fn #m(&self, #(#args: impl Into<String>),*) -> #t {
                self.0.child(vec![#(#ids),*])
            }
        });
    }

    for has in &class.references {
        let target = &res.classes[has.target.class];
        let t = ident(&target.type_name);
        let s = stat(&has.name);
        let r = resource_ref(&has.target);
        statics.extend(quote!(static #s: rt::ResourceRef = #r;));
        let m = ident(&has.name.method);
        let doc = docs(&format!(
            "boto3's `{}.{}`, read from this resource's data (loaded first when needed).",
            class.name, has.name.boto3
        ));
        let tokens = if has.target.plural {
            quote! {
                #doc
                #[inline]
                pub fn #m(&self) -> impl ::core::future::Future<Output = Result<Vec<#t>, rt::Error>> + '_ {
                    self.0.references(&#s)
                }
            }
        } else {
            quote! {
                #doc
                #[inline]
                pub fn #m(&self) -> impl ::core::future::Future<Output = Result<Option<#t>, rt::Error>> + '_ {
                    self.0.reference(&#s)
                }
            }
        };
        methods.extend(tokens);
    }

    for coll in &class.collections {
        let op = &svc.operations[coll.op];
        let builder = ident(&builder_name(op));
        let op_static = ident(&op.static_name);
        let s = stat(&coll.name);
        let params = params(&coll.params);
        let Some(target) = &coll.resource else { continue };
        let t = ident(&res.classes[target.class].type_name);
        let r = resource_ref(target);
        let paginator = match &op.paginator {
            Some(_) => {
                let p = ident(&super::operations::paginator_static_name(op));
                quote!(Some(&op::#p))
            }
            None => quote!(None),
        };
        let allow = allow_deprecated(op);
        statics.extend(quote! {
            #allow
            static #s: rt::CollectionSpec = rt::CollectionSpec { params: &[#params], resource: #r, paginator: #paginator };
        });
        let m = ident(&coll.name.method);
        let doc = docs(&format!(
            "boto3's `{}.{}`: `{}` resources listed by `{}`, requested only when read.",
            class.name, coll.name.boto3, res.classes[target.class].name, op.wire_name
        ));
        methods.extend(quote! {
            #doc
            #allow
            #[inline]
            pub fn #m(&self) -> Collection<c::#builder, #t> {
                Collection(self.0.collection(&#s, &op::#op_static))
            }
        });
    }

    for w in &class.waiters {
        let op = &svc.operations[w.op];
        let Some(waiter) = op.waiters.iter().find(|x| x.name == w.waiter) else { continue };
        let op_static = ident(&op.static_name);
        let waiter_static = ident(&waiter.static_name);
        // `rt::param` is a call, which is only promoted to `'static` in a const context.
        let params = params(&w.params);
        let input = io_type_in(svc, op.input, &quote!(t::));
        let output = io_type_in(svc, op.output, &quote!(t::));
        let errors = errors_type_in(op, &quote!(e::));
        let allow = allow_deprecated(op);
        let m = ident(&w.name.method);
        let doc = docs(&format!(
            "boto3's `{}.{}()`: the `{}` waiter with this resource's identifiers. Then `wait().await` \
             or `wait_blocking()`; `delay` and `max_attempts` change the schedule.",
            class.name, w.name.boto3, w.waiter
        ));
        methods.extend(quote! {
            #doc
            #allow
            #[inline]
            pub fn #m(&self) -> rt::Waiter<#input, #output, #errors> {
                rt::Waiter::new(self.0.waiter_call(const { &[#params] }, &op::#op_static), &op::#waiter_static)
            }
        });
    }

    let mut batch = TokenStream::new();
    for action in &class.batch_actions {
        let op = &svc.operations[action.op];
        let builder = ident(&builder_name(op));
        let op_static = ident(&op.static_name);
        let s = ident(&format!("{}_BATCH_{}", class.static_name, naming::static_name(&action.name.method)));
        let params = params(&action.params);
        let allow = allow_deprecated(op);
        statics.extend(quote!(static #s: rt::BatchSpec = rt::BatchSpec { params: &[#params] };));
        let m = ident(&action.name.method);
        let doc = docs(&format!(
            "boto3's batch action `{}`: one `{}` request per page of the collection.",
            action.name.boto3, op.wire_name
        ));
        batch.extend(quote! {
            #doc
            #allow
            #[inline]
            pub fn #m(self) -> rt::BatchAction<B, #ty, c::#builder> {
                self.0.batch(&#s, &op::#op_static)
            }
        });
    }
    let batch = if batch.is_empty() {
        quote!()
    } else {
        quote! {
            impl<B> Collection<B, #ty>
            where
                B: rt::Builder,
                B::Input: Clone,
            {
                #batch
            }
        }
    };

    let doc = docs(&format!(
        "boto3's `{}` resource{}. Cheap to clone and `Send + Sync`; clones share loaded data.",
        class.name,
        if class.identifiers.is_empty() {
            String::new()
        } else {
            format!(" (identifiers: {})", id_names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
        }
    ));
    quote! {
        #doc
        #[derive(Clone)]
        pub struct #ty(rt::Resource<#data>);

        rt::resource_class!(#ty(#data), #spec #load_methods);

        #statics

        impl #ty {
            #methods
        }

        #batch
    }
}

/// Resources keep deprecated operations reachable, as boto3 does; the allow is for the
/// operation's static, not a silenced warning of the caller's.
fn allow_deprecated(op: &Operation) -> TokenStream {
    if op.deprecated.is_some() {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    }
}

/// The identifier names as the model spells them (`BucketName`), for the runtime's messages.
fn model_identifier_names(class: &ResourceClass) -> Vec<String> {
    class.identifier_models.clone()
}

fn data_type(svc: &Service, class: &ResourceClass) -> TokenStream {
    match class.shape {
        Some(id) => value_type_in(svc, id, &quote!(t::)),
        None => quote!(rt::Unit),
    }
}

/// The field type of a member (as `types` declares it).
fn member_type(svc: &Service, m: &Member) -> TokenStream {
    let t = value_type_in(svc, m.target, &quote!(t::));
    if m.boxed {
        quote!(Option<Box<#t>>)
    } else if m.flags.required {
        t
    } else {
        quote!(Option<#t>)
    }
}

/// Numbers, booleans and timestamps are `Copy`: read without a clone.
fn is_copy(svc: &Service, m: &Member) -> bool {
    use Prim::*;
    !m.boxed
        && matches!(
            svc.shapes[m.target].kind,
            Kind::Prim(Boolean | Byte | Short | Integer | Long | Float | Double | Timestamp)
        )
}

fn source(s: &ResSource) -> TokenStream {
    match s {
        ResSource::Identifier(i) => quote!(rt::Source::Identifier(#i)),
        ResSource::Data(p) => quote!(rt::Source::Data(#p)),
        ResSource::Str(v) => quote!(rt::Source::Str(#v)),
        ResSource::Int(n) => quote!(rt::Source::Int(#n)),
        ResSource::Bool(b) => quote!(rt::Source::Bool(#b)),
        ResSource::Input(i, _) => quote!(rt::Source::Input(#i)),
        ResSource::RequestParameter(p) => quote!(rt::Source::RequestParameter(#p)),
        ResSource::Response(p) => quote!(rt::Source::Response(#p)),
    }
}

fn params(params: &[ResParam]) -> TokenStream {
    let items = params.iter().map(|p| {
        let target = &p.target;
        let s = source(&p.source);
        quote!(rt::param(#target, #s))
    });
    quote!(#(#items),*)
}

fn resource_ref(target: &ResTarget) -> TokenStream {
    let ids = target.identifiers.iter().map(source);
    let path = match &target.path {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    quote!(rt::ResourceRef { identifiers: &[#(#ids),*], path: #path })
}

/// `src/resources/mod.rs` beyond the module list: the collection type, the service resource
/// re-export and the surface table. (Builders are operation types from the client module.)
pub fn resources_mod(res: &Resources) -> TokenStream {
    let rows = res.classes.iter().map(|c| {
        let names = |list: Vec<&ResName>| {
            let mut v: Vec<&str> = list.iter().map(|n| n.boto3.as_str()).collect();
            v.sort_unstable();
            quote!(&[#(#v),*])
        };
        let name = &c.name;
        let identifiers = names(c.identifiers.iter().collect());
        let attributes = names(c.attributes.iter().map(|a| &a.name).collect());
        let actions = names(c.actions.iter().map(|a| &a.name).collect());
        let batch_actions = names(c.batch_actions.iter().map(|a| &a.name).collect());
        let references = names(c.references.iter().map(|a| &a.name).collect());
        let subresources = names(c.subresources.iter().map(|a| &a.name).collect());
        let collections = names(c.collections.iter().map(|a| &a.name).collect());
        // Only what has a method: waiters need the service waiters of the runtime.
        let waiters = names(if WAITERS { c.waiters.iter().map(|a| &a.name).collect() } else { Vec::new() });
        quote! {
            rt::Surface {
                class: #name,
                identifiers: #identifiers,
                attributes: #attributes,
                actions: #actions,
                batch_actions: #batch_actions,
                references: #references,
                subresources: #subresources,
                collections: #collections,
                waiters: #waiters,
            }
        }
    });
    quote! {
        use tucuxi::codegen as rt;


        /// A collection of resources (boto3's `ResourceCollection`): `all()`, `filter(...)` with
        /// the operation's input members, `limit(n)`, `page_size(n)`, then `pages()`, `items()`
        /// or `collect()`. Nothing is requested until then; batch actions are methods of the
        /// collections of the classes that have them.
        #[must_use = "a collection requests nothing until its pages or items are read"]
        pub struct Collection<B, R>(rt::resource::Collection<B, R>);

        impl<B, R> Collection<B, R>
        where
            B: rt::Builder,
            B::Input: Clone,
            R: rt::IsResource,
        {
            /// Every resource (boto3's `all()`).
            #[inline]
            pub fn all(self) -> Self {
                Collection(self.0.all())
            }
            /// Sets request members through the operation's builder (boto3's `filter(**kwargs)`).
            #[inline]
            pub fn filter(self, change: impl FnOnce(B) -> B) -> Self {
                Collection(self.0.filter(change))
            }
            /// Stops after `count` resources.
            #[inline]
            pub fn limit(self, count: usize) -> Self {
                Collection(self.0.limit(count))
            }
            /// Asks for pages of `size` resources (when the operation pages).
            #[inline]
            pub fn page_size(self, size: i64) -> Self {
                Collection(self.0.page_size(size))
            }
            /// The resources page by page: `next_page().await`.
            #[inline]
            pub fn pages(self) -> rt::resource::CollectionPages<B, R> {
                self.0.pages()
            }
            /// The resources one by one: `next().await`.
            #[inline]
            pub fn items(self) -> rt::resource::CollectionItems<B, R> {
                self.0.items()
            }
            /// Every resource, in a `Vec`.
            #[inline]
            pub fn collect(self) -> impl ::core::future::Future<Output = Result<Vec<R>, rt::Error>> {
                self.0.collect()
            }
            /// [`collect`](Self::collect) without an async runtime.
            #[inline]
            pub fn collect_blocking(self) -> Result<Vec<R>, rt::Error>
            where
                B: Send + 'static,
                B::Input: Send,
            {
                self.0.collect_blocking()
            }
        }

        /// boto3's names of every resource class and member this crate generates, for the
        /// conformance check against boto3 (`cargo xtask conformance resources`).
        pub static SURFACE: &[rt::Surface] = &[#(#rows),*];
    }
}
