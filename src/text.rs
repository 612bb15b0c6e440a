//! Words for what the user reads, shared by every layer (it depends on nothing):
//! `1 page`, `2 pages`.

/// `n` and `noun`, plural unless `n` is 1: `count(1, "step")` is `1 step`.
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1u32, "page"), "1 page");
        assert_eq!(count(0u32, "step"), "0 steps");
        assert_eq!(count(17u64, "function"), "17 functions");
    }
}
