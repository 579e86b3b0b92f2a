//! The one byte class both sides of the JSON wire care about: `"`, `\\` and control characters
//! (below 0x20), the bytes a JSON string must escape. The gateway's writer skips the bytes outside
//! it when escaping (`reply_writer.rs`), the client's reader when finding where a string ends
//! (`reply_reader.rs`); one definition keeps the two in agreement.
//!
//! Both loops are the hottest of their side (every reply string passes through one of them), so
//! plain bytes are skipped eight at a time.

/// How many bytes at the start of `bytes` need no escape: the index of the first `"`, `\\` or
/// control character, or `bytes.len()` when there is none.
pub fn plain_prefix_len(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(word) = bytes.get(i..i + 8) {
        if may_need_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            break;
        }
        i += 8;
    }
    i + bytes[i..].iter().take_while(|&&b| !needs_escape(b)).count()
}

/// Whether a JSON string must escape this byte.
pub fn needs_escape(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// False only when none of the eight bytes of `word` needs an escape (never wrong in that
/// direction; it may say true for a word that turns out to be plain).
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS != 0;
    let below_0x20 = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
    below_0x20 || has_zero_byte(word ^ (ONES * u64::from(b'"'))) || has_zero_byte(word ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_filter_never_misses_an_escape() {
        for special in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                assert!(may_need_escape(u64::from_le_bytes(word)), "{special:#x} at {at}");
            }
        }
        assert!(!may_need_escape(u64::from_le_bytes(*b"pl\xE2\x82\xAC ~\x7f")));
    }

    /// Every byte value at every offset around the eight-byte words: the prefix stops exactly at
    /// the first byte that needs an escape, as a byte-by-byte scan would.
    #[test]
    fn plain_prefix_matches_a_byte_by_byte_scan() {
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = byte;
                    let expected = bytes.iter().position(|&b| needs_escape(b)).unwrap_or(len);
                    assert_eq!(plain_prefix_len(&bytes), expected, "{byte:#x} at {at} of {len}");
                }
            }
            assert_eq!(plain_prefix_len(&vec![b'x'; len]), len);
        }
    }
}
