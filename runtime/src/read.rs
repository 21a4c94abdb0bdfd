//! Reading a response body within a size limit, for API responses and token responses alike.

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A response read whole: status, headers and body.
pub(crate) struct Read {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why a body was not read whole.
pub(crate) enum ReadError {
    /// The connection failed, or timed out, while the body was read.
    Transport(reqwest::Error),
    /// The body is longer than the limit. Reading stopped there; status and headers had arrived.
    TooLarge {
        status: StatusCode,
        headers: HeaderMap,
        limit: usize,
    },
}

/// Reads `response` whole, refusing a body of more than `limit` bytes: at once when its
/// `Content-Length` says so, else as soon as the bytes read pass the limit, so no more than
/// `limit` bytes (and one chunk) are ever held.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Read, ReadError> {
    let status = response.status();
    // Taken rather than copied: reading the body does not look at them.
    let headers = std::mem::take(response.headers_mut());
    let too_large = |headers| ReadError::TooLarge {
        status,
        headers,
        limit,
    };
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(headers));
    }
    // Most bodies arrive in one chunk, which is kept as it is; more are joined.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut length = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        length = length.saturating_add(chunk.len());
        if length > limit {
            return Err(too_large(headers));
        }
        match (&mut joined, first.take()) {
            (Some(joined), _) => joined.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(previous)) => {
                let capacity = declared.map_or(length, |declared| declared as usize);
                let mut buffer = BytesMut::with_capacity(capacity.max(length));
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    let body = match (joined, first) {
        (Some(joined), _) => joined.freeze(),
        (None, first) => first.unwrap_or_default(),
    };
    Ok(Read {
        status,
        headers,
        body,
    })
}
