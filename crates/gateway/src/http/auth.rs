use hyper::header::AUTHORIZATION;
use hyper::HeaderMap;

/// The token presented: from `Authorization: Bearer <t>`, else from the `_token` query parameter.
pub fn presented<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<Vec<u8>> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.as_bytes();
        let token = value.get(..7).filter(|p| p.eq_ignore_ascii_case(b"bearer ")).map(|_| value[7..].trim_ascii());
        return token.map(<[u8]>::to_vec);
    }
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("_token="))
        .map(fragment_redis_protocol::request::percent_decode)
}

/// Whether the request presents `expected` (compared in constant time by [`crate::access::Tokens`]).
#[cfg(test)]
fn is_authorized(expected: &str, headers: &HeaderMap, query: Option<&str>) -> bool {
    let tokens = crate::access::Tokens::new(expected, None);
    presented(headers, query).is_some_and(|t| tokens.identify(&t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, auth.parse().unwrap());
        h
    }

    #[test]
    fn bearer_or_query_token() {
        assert!(is_authorized("s3cret", &headers("Bearer s3cret"), None));
        assert!(is_authorized("s3cret", &headers("bearer s3cret"), None));
        assert!(!is_authorized("s3cret", &headers("Bearer s3cre"), None));
        assert!(!is_authorized("s3cret", &headers("Basic s3cret"), None));
        assert!(is_authorized("s3cret", &HeaderMap::new(), Some("a=1&_token=s3cret")));
        assert!(is_authorized("a/b", &HeaderMap::new(), Some("_token=a%2Fb")));
        assert!(!is_authorized("s3cret", &HeaderMap::new(), Some("token=s3cret")));
        // A header that is present but wrong is not rescued by the query parameter.
        assert!(!is_authorized("s3cret", &headers("Bearer nope"), Some("_token=s3cret")));
    }
}
