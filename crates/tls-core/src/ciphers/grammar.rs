//! OpenSSL 3.0's cipher-list grammar (`ssl_create_cipher_list` and
//! `ssl_cipher_process_rulestr` in ssl/ssl_ciph.c), re-implemented over the table
//! in [`super::table`].
//!
//! The list is an ordered sequence of suites, each active or not. Rules move
//! suites around (always stably) and switch them on or off:
//! `NAME` adds, `+NAME` moves active ones to the end, `-NAME` deactivates (they
//! keep their place for a later add), `!NAME` removes for good, `A+B` intersects
//! the algorithm masks of A and B, `@STRENGTH` sorts by strength bits and
//! `@SECLEVEL=n` sets the security level. Unknown names are skipped; a character
//! that is neither part of a name nor a separator (`:` `,` `;` space) makes the
//! whole list invalid, as in OpenSSL.

use super::table::{
    Cipher, ALIASES, A_ECDSA, A_NULL, DISABLED_AUTH, DISABLED_ENC, DISABLED_MAC, DISABLED_MKEY,
    E_AES, E_AESGCM, E_CHACHA20POLY1305, E_RC4, K_DHE, K_ECDHE, K_PSK, K_RSA, M_AEAD, M_MD5,
    OPENSSL_CIPHERS, S_DEFAULT_MASK, S_STRONG_MASK, TLS1_2_VERSION,
};

/// OpenSSL 3.0's `OSSL_default_cipher_list()`, what a leading `DEFAULT` expands to.
const OPENSSL_DEFAULT_LIST: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

/// The rule string has a character OpenSSL cannot parse, or a bad `@` command
/// (`SSL_R_INVALID_COMMAND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidCommand;

/// What a rule string left: the active suites in preference order, and the
/// security level it set with `@SECLEVEL=n`, if it did.
#[derive(Debug, Clone)]
pub(crate) struct RuleOutcome {
    pub(crate) ciphers: Vec<&'static Cipher>,
    pub(crate) sec_level: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Add,
    Kill,
    Del,
    Ord,
    Bump,
}

/// The selection criteria of one rule (`ssl_cipher_apply_rule`'s arguments).
#[derive(Debug, Clone, Copy, Default)]
struct Pattern {
    /// A single suite (an explicit name), else any.
    id: Option<u16>,
    mkey: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    min_tls: u16,
    strength: u32,
}

impl Pattern {
    fn matches(&self, c: &Cipher) -> bool {
        if self.id.is_some_and(|id| id != c.id) {
            return false;
        }
        if self.mkey != 0 && self.mkey & c.mkey == 0 {
            return false;
        }
        if self.auth != 0 && self.auth & c.auth == 0 {
            return false;
        }
        if self.enc != 0 && self.enc & c.enc == 0 {
            return false;
        }
        if self.mac != 0 && self.mac & c.mac == 0 {
            return false;
        }
        if self.min_tls != 0 && self.min_tls != c.min_tls {
            return false;
        }
        if self.strength & S_STRONG_MASK != 0 && self.strength & S_STRONG_MASK & c.strength == 0 {
            return false;
        }
        if self.strength & S_DEFAULT_MASK != 0 && self.strength & S_DEFAULT_MASK & c.strength == 0 {
            return false;
        }
        true
    }
}

/// Which suites a rule touches: by algorithms, or (for `@STRENGTH`) by bits.
#[derive(Debug, Clone, Copy)]
enum Select {
    Pattern(Pattern),
    Bits(u16),
}

impl Select {
    fn matches(self, c: &Cipher) -> bool {
        match self {
            Select::Pattern(p) => p.matches(c),
            Select::Bits(b) => c.bits == b,
        }
    }
}

/// OpenSSL's `CIPHER_ORDER` linked list, as a vector of table indices.
#[derive(Debug, Clone)]
struct CipherOrder {
    /// Indices into [`OPENSSL_CIPHERS`], in list order; killed suites are gone.
    order: Vec<usize>,
    active: Vec<bool>,
}

impl CipherOrder {
    /// `ssl_cipher_apply_rule`. Every rule is a stable partition: the suites it
    /// moves keep their relative order, and so do the others.
    fn apply(&mut self, select: Select, rule: Rule) {
        let hit = |i: usize, active: &[bool]| -> bool {
            select.matches(&OPENSSL_CIPHERS[i])
                && match rule {
                    Rule::Add => !active[i],
                    Rule::Ord | Rule::Del | Rule::Bump => active[i],
                    Rule::Kill => true,
                }
        };
        let (moved, rest): (Vec<usize>, Vec<usize>) =
            self.order.iter().partition(|&&i| hit(i, &self.active));
        match rule {
            Rule::Add => {
                for &i in &moved {
                    self.active[i] = true;
                }
                self.order = rest.into_iter().chain(moved).collect();
            }
            Rule::Ord => self.order = rest.into_iter().chain(moved).collect(),
            Rule::Del => {
                for &i in &moved {
                    self.active[i] = false;
                }
                self.order = moved.into_iter().chain(rest).collect();
            }
            Rule::Bump => self.order = moved.into_iter().chain(rest).collect(),
            Rule::Kill => {
                for &i in &moved {
                    self.active[i] = false;
                }
                self.order = rest;
            }
        }
    }

    fn apply_pattern(&mut self, p: Pattern, rule: Rule) {
        self.apply(Select::Pattern(p), rule);
    }

    /// `ssl_cipher_strength_sort`: active suites by descending strength bits,
    /// keeping the current order within equal bits.
    fn strength_sort(&mut self) {
        let mut used: Vec<u16> = self
            .order
            .iter()
            .filter(|&&i| self.active[i])
            .map(|&i| OPENSSL_CIPHERS[i].bits)
            .collect();
        used.sort_unstable_by(|a, b| b.cmp(a));
        used.dedup();
        for bits in used {
            self.apply(Select::Bits(bits), Rule::Ord);
        }
    }

    /// The list `ssl_create_cipher_list` starts every rule string from: all
    /// suites in OpenSSL's default preference order, none active.
    fn default_arrangement() -> Self {
        let mut list = CipherOrder {
            order: (0..OPENSSL_CIPHERS.len()).collect(),
            active: vec![false; OPENSSL_CIPHERS.len()],
        };
        let p = |mkey, auth, enc, mac, min_tls| Pattern {
            mkey,
            auth,
            enc,
            mac,
            min_tls,
            ..Pattern::default()
        };
        list.apply_pattern(p(K_ECDHE, A_ECDSA, 0, 0, 0), Rule::Add);
        list.apply_pattern(p(K_ECDHE, 0, 0, 0, 0), Rule::Add);
        list.apply_pattern(p(K_ECDHE, 0, 0, 0, 0), Rule::Del);
        list.apply_pattern(p(0, 0, E_AESGCM, 0, 0), Rule::Add);
        list.apply_pattern(p(0, 0, E_CHACHA20POLY1305, 0, 0), Rule::Add);
        list.apply_pattern(p(0, 0, E_AES ^ E_AESGCM, 0, 0), Rule::Add);
        list.apply_pattern(Pattern::default(), Rule::Add);
        list.apply_pattern(p(0, 0, 0, M_MD5, 0), Rule::Ord);
        list.apply_pattern(p(0, A_NULL, 0, 0, 0), Rule::Ord);
        list.apply_pattern(p(K_RSA, 0, 0, 0, 0), Rule::Ord);
        list.apply_pattern(p(K_PSK, 0, 0, 0, 0), Rule::Ord);
        list.apply_pattern(p(0, 0, E_RC4, 0, 0), Rule::Ord);
        list.strength_sort();
        list.apply_pattern(p(0, 0, 0, 0, TLS1_2_VERSION), Rule::Bump);
        list.apply_pattern(p(0, 0, 0, M_AEAD, 0), Rule::Bump);
        list.apply_pattern(p(K_DHE | K_ECDHE, 0, 0, 0, 0), Rule::Bump);
        list.apply_pattern(p(K_DHE | K_ECDHE, 0, 0, M_AEAD, 0), Rule::Bump);
        list.apply_pattern(Pattern::default(), Rule::Del);
        list
    }

    fn active_ciphers(&self) -> Vec<&'static Cipher> {
        self.order
            .iter()
            .filter(|&&i| self.active[i])
            .map(|&i| &OPENSSL_CIPHERS[i])
            .collect()
    }
}

/// `ITEM_SEP` of ssl_ciph.c.
fn is_sep(b: u8) -> bool {
    matches!(b, b':' | b' ' | b';' | b',')
}

/// The characters a name may contain in OpenSSL 3.0 (no `_`: IANA names are not
/// names in the cipher-list grammar of 3.0).
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

/// One entry of `ca_list`: a real suite (selects itself) or an alias.
enum Found {
    Cipher(&'static Cipher),
    Alias(&'static super::table::Alias),
}

/// Looks a name up the way `ssl_cipher_process_rulestr` does: real suites first,
/// then the aliases whose algorithms this OpenSSL provides.
fn lookup(name: &[u8]) -> Option<Found> {
    if let Some(c) = OPENSSL_CIPHERS.iter().find(|c| c.name.as_bytes() == name) {
        return Some(Found::Cipher(c));
    }
    ALIASES
        .iter()
        .filter(|a| {
            !(a.mkey != 0 && a.mkey & !DISABLED_MKEY == 0
                || a.auth != 0 && a.auth & !DISABLED_AUTH == 0
                || a.enc != 0 && a.enc & !DISABLED_ENC == 0
                || a.mac != 0 && a.mac & !DISABLED_MAC == 0)
        })
        .find(|a| a.name.as_bytes() == name)
        .map(Found::Alias)
}

/// Intersects one mask of a multi-part (`A+B`) entry; `None` when empty.
fn intersect(acc: u32, new: u32) -> Option<u32> {
    if new == 0 {
        Some(acc)
    } else if acc == 0 {
        Some(new)
    } else {
        Some(acc & new).filter(|&m| m != 0)
    }
}

/// Folds one name of an entry into the pattern built so far; `None` when the
/// intersection is empty (OpenSSL then ignores the whole entry).
fn combine(mut p: Pattern, found: &Found) -> Option<Pattern> {
    let (mkey, auth, enc, mac, strength) = match found {
        Found::Cipher(c) => (c.mkey, c.auth, c.enc, c.mac, c.strength),
        Found::Alias(a) => (a.mkey, a.auth, a.enc, a.mac, a.strength),
    };
    p.mkey = intersect(p.mkey, mkey)?;
    p.auth = intersect(p.auth, auth)?;
    p.enc = intersect(p.enc, enc)?;
    p.mac = intersect(p.mac, mac)?;
    let strong = strength & S_STRONG_MASK;
    if strong != 0 {
        if p.strength & S_STRONG_MASK != 0 {
            p.strength &= strong | !S_STRONG_MASK;
            if p.strength & S_STRONG_MASK == 0 {
                return None;
            }
        } else {
            p.strength = strong;
        }
    }
    let default = strength & S_DEFAULT_MASK;
    if default != 0 {
        if p.strength & S_DEFAULT_MASK != 0 {
            p.strength &= default | !S_DEFAULT_MASK;
            if p.strength & S_DEFAULT_MASK == 0 {
                return None;
            }
        } else {
            p.strength |= default;
        }
    }
    match found {
        // An explicit suite: its version does not become part of the pattern.
        Found::Cipher(c) => p.id = Some(c.id),
        Found::Alias(a) => {
            if a.min_tls != 0 {
                if p.min_tls != 0 && p.min_tls != a.min_tls {
                    return None;
                }
                p.min_tls = a.min_tls;
            }
        }
    }
    Some(p)
}

/// `ssl_cipher_process_rulestr`. On an invalid command OpenSSL stops at once for
/// a bad character, but finishes the string after a bad `@` command; either way
/// the list is rejected, so both return the error.
fn process_rulestr(
    rule_str: &[u8],
    list: &mut CipherOrder,
    sec_level: &mut Option<u8>,
) -> Result<(), InvalidCommand> {
    let mut ok = true;
    let mut l = 0usize;
    let at = |i: usize| rule_str.get(i).copied().unwrap_or(0);
    loop {
        let ch = at(l);
        if ch == 0 {
            break;
        }
        let rule = match ch {
            b'-' => Rule::Del,
            b'+' => Rule::Ord,
            b'!' => Rule::Kill,
            _ => Rule::Add,
        };
        let special = ch == b'@';
        if matches!(ch, b'-' | b'+' | b'!' | b'@') {
            l += 1;
        }
        if is_sep(ch) {
            l += 1;
            continue;
        }
        let mut pattern = Some(Pattern::default());
        let mut buf: &[u8];
        loop {
            let start = l;
            while is_name_char(at(l)) {
                l += 1;
            }
            buf = &rule_str[start..l];
            if buf.is_empty() {
                return Err(InvalidCommand);
            }
            if special {
                break;
            }
            let multi = at(l) == b'+';
            if multi {
                l += 1;
            }
            pattern = match (pattern, lookup(buf)) {
                (Some(p), Some(found)) => combine(p, &found),
                _ => None,
            };
            if pattern.is_none() || !multi {
                break;
            }
        }
        if special {
            if buf == b"STRENGTH" {
                list.strength_sort();
            } else if buf.len() == 10 && buf.starts_with(b"SECLEVEL=") {
                match buf[9].checked_sub(b'0') {
                    Some(level @ 0..=5) => *sec_level = Some(level),
                    _ => ok = false,
                }
            } else {
                ok = false;
            }
            while at(l) != 0 && !is_sep(at(l)) {
                l += 1;
            }
        } else if let Some(p) = pattern {
            list.apply_pattern(p, rule);
        } else {
            while at(l) != 0 && !is_sep(at(l)) {
                l += 1;
            }
        }
        if at(l) == 0 {
            break;
        }
    }
    if ok {
        Ok(())
    } else {
        Err(InvalidCommand)
    }
}

/// `check_suiteb_cipher_list`: a rule string starting with a Suite B keyword is
/// replaced by that mode's fixed list.
fn suite_b(rule_str: &[u8]) -> Option<&'static [u8]> {
    if rule_str.starts_with(b"SUITEB128ONLY") {
        Some(b"ECDHE-ECDSA-AES128-GCM-SHA256")
    } else if rule_str.starts_with(b"SUITEB128C2") || rule_str.starts_with(b"SUITEB192") {
        Some(b"ECDHE-ECDSA-AES256-GCM-SHA384")
    } else if rule_str.starts_with(b"SUITEB128") {
        Some(b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384")
    } else {
        None
    }
}

/// The TLS 1.2-and-below half of `ssl_create_cipher_list`: evaluates `rule_str`
/// (already cut at a NUL, as C sees it) from OpenSSL's default arrangement.
pub(crate) fn evaluate_rule_string(rule_str: &[u8]) -> Result<RuleOutcome, InvalidCommand> {
    let rule_str = suite_b(rule_str).unwrap_or(rule_str);
    let mut list = CipherOrder::default_arrangement();
    let mut sec_level = None;
    let mut rest = rule_str;
    if let Some(after) = rule_str.strip_prefix(b"DEFAULT") {
        process_rulestr(OPENSSL_DEFAULT_LIST.as_bytes(), &mut list, &mut sec_level)?;
        rest = after.strip_prefix(b":").unwrap_or(after);
    }
    if !rest.is_empty() {
        process_rulestr(rest, &mut list, &mut sec_level)?;
    }
    Ok(RuleOutcome {
        ciphers: list.active_ciphers(),
        sec_level,
    })
}

/// Whether OpenSSL drops a suite named in the TLS 1.3 part before use
/// (`ssl_create_cipher_list`: its cipher is not available).
pub(crate) fn is_unavailable(c: &Cipher) -> bool {
    c.enc & DISABLED_ENC != 0
}

#[cfg(test)]
mod tests {
    use super::super::table::E_NULL;
    use super::*;

    fn names(list: &str) -> Vec<&'static str> {
        evaluate_rule_string(list.as_bytes())
            .map(|o| o.ciphers.iter().map(|c| c.name).collect())
            .unwrap_or_default()
    }

    #[test]
    fn all_complement_of_all_is_the_table_order() {
        // The table is in this order by construction; the default arrangement
        // must reproduce it, or the sort is wrong.
        let all: Vec<&str> = OPENSSL_CIPHERS.iter().map(|c| c.name).collect();
        assert_eq!(names("ALL:COMPLEMENTOFALL"), all);
    }

    #[test]
    fn null_ciphers_are_not_in_all() {
        assert!(names("ALL").iter().all(|n| OPENSSL_CIPHERS
            .iter()
            .any(|c| c.name == *n && c.enc != E_NULL)));
    }

    #[test]
    fn bad_characters_are_invalid_commands() {
        for bad in [
            "ALL:&",
            "ECDHE+",
            "-",
            "ALL:-",
            "@FOO",
            "@SECLEVEL=6",
            "ALL\tHIGH",
        ] {
            assert_eq!(
                evaluate_rule_string(bad.as_bytes()).err(),
                Some(InvalidCommand),
                "{bad}"
            );
        }
        // Skipped after an unknown name, as OpenSSL does.
        assert!(evaluate_rule_string(b"FOO+&:ALL").is_ok());
    }
}
