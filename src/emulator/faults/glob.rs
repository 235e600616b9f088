//! Path patterns of fault rules: with `*` (any run of characters, `/` included) or `?` (one
//! character) the whole path must match; without them the pattern is a prefix. A pattern this
//! small does not warrant a dependency.

/// Whether `path` matches `pattern` (glob, or prefix when it has no wildcard).
pub fn path_matches(pattern: &str, path: &str) -> bool {
    if pattern.contains(['*', '?']) {
        glob(pattern.as_bytes(), path.as_bytes())
    } else {
        let pattern = pattern.trim_end_matches('/');
        path.strip_prefix(pattern)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || pattern.is_empty())
    }
}

/// Iterative wildcard matching with one backtrack point (linear in practice).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(c) if *c == b'?' || *c == s[si] => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(path_matches("/composite/sobjects", "/composite/sobjects"));
        assert!(path_matches(
            "/composite/sobjects/",
            "/composite/sobjects/Account/Ext__c"
        ));
        assert!(path_matches("/sobjects", "/sobjects/Account/001"));
        assert!(!path_matches("/query", "/queryAll"));
        assert!(!path_matches(
            "/sobjects/Account",
            "/sobjects/AccountContactRelation"
        ));
    }

    #[test]
    fn globs_match_the_whole_path() {
        assert!(path_matches(
            "/services/data/*/query*",
            "/services/data/v59.0/query"
        ));
        assert!(path_matches(
            "*/query/*",
            "/services/data/v59.0/query/01g-2000"
        ));
        assert!(path_matches(
            "/sobjects/Account/00?",
            "/sobjects/Account/001"
        ));
        assert!(!path_matches(
            "/sobjects/Account/00?",
            "/sobjects/Account/0011"
        ));
        assert!(!path_matches(
            "*/query",
            "/services/data/v59.0/query/01g-2000"
        ));
        assert!(path_matches("*", "/anything/at/all"));
    }
}
