//! Walking a paginated list operation page by page, as one stream of items.

use crate::error::Error;
use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use std::future::Future;
use std::pin::Pin;

/// One fetched page: its items, and the number of the page after it when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, P> {
    /// The page's items, in the server's order.
    pub items: Vec<T>,
    /// The next page to ask for, or `None` after the last page.
    pub next: Option<P>,
}

/// A stream of the items of a paginated list, boxed so it can be polled without pinning it first
/// and sent across threads.
pub type Items<'a, T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// Every item of every page, starting at page `first`: `fetch` is called for a page only when the
/// stream has handed out all items before it.
///
/// The stream ends after a page without a next one, or after an empty page (so a server that
/// keeps announcing more pages but sends none cannot loop it forever). An error is yielded once
/// and ends the stream; the items already yielded stay valid.
pub fn items<'a, T, P, E, F, Fut>(first: P, fetch: F) -> Items<'a, T, E>
where
    T: Send + 'a,
    P: Send + 'a,
    E: Send + 'a,
    F: FnMut(P) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, P>, Error<E>>> + Send + 'a,
{
    stream::unfold((Some(first), fetch), |(next, mut fetch)| async move {
        let page = next?;
        match fetch(page).await {
            Ok(page) => {
                let next = if page.items.is_empty() {
                    None
                } else {
                    page.next
                };
                let items: Vec<Result<T, Error<E>>> = page.items.into_iter().map(Ok).collect();
                Some((stream::iter(items), (next, fetch)))
            }
            Err(error) => Some((stream::iter(vec![Err(error)]), (None, fetch))),
        }
    })
    .flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;
    use std::sync::Mutex;

    fn pages(
        count: u32,
        per_page: u32,
    ) -> impl FnMut(u32) -> std::future::Ready<Result<Page<u32, u32>, Error<()>>> {
        move |page| {
            let items = ((page - 1) * per_page..page * per_page).collect();
            let next = (page < count).then_some(page + 1);
            std::future::ready(Ok(Page { items, next }))
        }
    }

    #[tokio::test]
    async fn items_of_every_page_come_in_order() {
        let all: Vec<u32> = items(1, pages(3, 2)).try_collect().await.expect("no error");
        assert_eq!(all, [0, 1, 2, 3, 4, 5]);
        let from_second: Vec<u32> = items(2, pages(3, 2)).try_collect().await.expect("no error");
        assert_eq!(from_second, [2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn pages_are_fetched_only_when_needed() {
        let fetched = Mutex::new(Vec::new());
        let mut inner = pages(3, 2);
        let stream = items(1, |page| {
            fetched.lock().expect("not poisoned").push(page);
            inner(page)
        });
        let first_three: Vec<_> = stream.take(3).collect().await;
        assert_eq!(first_three.len(), 3);
        assert_eq!(*fetched.lock().expect("not poisoned"), [1, 2]);
    }

    #[tokio::test]
    async fn an_empty_page_or_an_error_ends_the_stream() {
        let endless = |page: u32| {
            std::future::ready(Ok::<_, Error<()>>(Page {
                items: Vec::<u32>::new(),
                next: Some(page + 1),
            }))
        };
        assert_eq!(items(1, endless).count().await, 0);
        let failing = |page: u32| {
            std::future::ready(if page == 1 {
                Ok(Page {
                    items: vec![7_u32],
                    next: Some(2),
                })
            } else {
                Err(Error::<()>::UnexpectedStatus(crate::RawResponse {
                    status: reqwest::StatusCode::BAD_GATEWAY,
                    headers: Default::default(),
                    body: Default::default(),
                }))
            })
        };
        let results: Vec<_> = items(1, failing).collect().await;
        assert_eq!(results.len(), 2);
        assert!(matches!(results[0], Ok(7)));
        assert!(results[1].is_err());
    }
}
