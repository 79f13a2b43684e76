//! `server.addContext(hostname, context)` matching, as Node 20 does it.
//!
//! Node turns `hostname` into a case-sensitive regular expression in which `*`
//! matches any run of characters without a dot, and its default `SNICallback`
//! tries the contexts from the last added to the first: the context added last
//! wins. A name that matches none gets the server's main context.

/// A compiled `addContext` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServernamePattern {
    pattern: String,
}

impl ServernamePattern {
    /// Compiles Node's pattern. Empty names are refused by the caller with
    /// `ERR_TLS_REQUIRED_SERVER_NAME`.
    pub fn new(hostname: &str) -> Self {
        ServernamePattern {
            pattern: hostname.to_string(),
        }
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether `servername` matches: literal bytes compare exactly, `*` matches
    /// `[^.]*` (backtracking over several stars).
    pub fn matches(&self, servername: &str) -> bool {
        glob(self.pattern.as_bytes(), servername.as_bytes())
    }
}

/// `[^.]*`-star glob match without recursion blow-up: classic two-pointer
/// backtracking, restarting only at the last star, and never letting a star swallow
/// a dot.
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            // Extend the last star by one character, unless that character is a dot.
            if s[ss] == b'.' {
                return false;
            }
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Picks the context for `servername` the way Node's default `SNICallback` does:
/// the last added pattern that matches.
pub fn select<'a, T>(contexts: &'a [(ServernamePattern, T)], servername: &str) -> Option<&'a T> {
    contexts
        .iter()
        .rev()
        .find(|(p, _)| p.matches(servername))
        .map(|(_, ctx)| ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_wildcard_rules() {
        let p = ServernamePattern::new("*.example.com");
        assert!(p.matches("www.example.com"));
        assert!(p.matches(".example.com"));
        assert!(!p.matches("a.b.example.com"));
        assert!(!p.matches("example.com"));
        assert!(!p.matches("WWW.EXAMPLE.COM"));
        let p = ServernamePattern::new("a*b.c");
        assert!(p.matches("ab.c") && p.matches("axxb.c") && !p.matches("ax.b.c"));
        let p = ServernamePattern::new("*");
        assert!(p.matches("localhost") && !p.matches("a.b"));
        let p = ServernamePattern::new("**.x");
        assert!(p.matches("ab.x") && !p.matches("a.b.x"));
    }

    #[test]
    fn last_added_wins() {
        let contexts = vec![
            (ServernamePattern::new("*.example.com"), "a"),
            (ServernamePattern::new("www.example.com"), "b"),
        ];
        assert_eq!(select(&contexts, "www.example.com"), Some(&"b"));
        assert_eq!(select(&contexts, "x.example.com"), Some(&"a"));
        assert_eq!(select(&contexts, "a.b.example.com"), None);
        assert_eq!(select(&contexts, "WWW.EXAMPLE.COM"), None);
    }
}
