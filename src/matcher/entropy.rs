//! Shannon entropy of a secret, in bits per character.
//!
//! Uses the `entropy` crate (byte frequencies, `f32`). For the ASCII alphabets of API keys
//! bytes and characters coincide; for non-ASCII values it measures bytes, which only makes a
//! value look more random, never less.

/// Shannon entropy of `bytes` in bits per byte (0.0 for empty input).
pub fn shannon(bytes: &[u8]) -> f64 {
    f64::from(entropy::shannon_entropy(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_and_random() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaaaaaa"), 0.0);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-6);
        assert!(shannon(b"q8Zr1LmX0vT4kP9sWb2N") > 4.0);
    }
}
