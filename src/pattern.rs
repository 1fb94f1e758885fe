//! Glob patterns as people write them for names and branches (`hyperlight_*`, `release/v*`,
//! `dev*`): `*` matches any run of characters, `?` one character, everything else itself.
//! (cargo reads `-p` globs the same way; `/` is an ordinary character here.)

/// Whether `pattern` contains a glob character at all.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `text` matches `pattern` as a whole.
pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // classic two-pointer match with backtracking to the last `*`
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(matches("hyperlight_*", "hyperlight_host"));
        assert!(!matches("hyperlight_*", "other_host"));
        assert!(matches("release/v*", "release/v1.2"));
        assert!(!matches("release/v*", "main"));
        assert!(matches("*.0", "alpha.0"));
        assert!(!matches("*.0", "alpha.1"));
        assert!(matches("dev*", "dev"));
        assert!(matches("a?c", "abc"));
        assert!(matches("*a*b*", "xxaxxbxx"));
        assert!(!matches("*a*b", "xxaxxbxx"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exactly"));
        assert!(is_glob("a*") && !is_glob("a"));
    }
}
