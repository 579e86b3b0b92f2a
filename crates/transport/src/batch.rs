/// Commands merged into one `/pipeline` body, up to the configured caps.
pub struct PipelineBatch {
    body: Vec<u8>,
    pub count: usize,
    pub read_only: bool,
}

impl PipelineBatch {
    /// Starts a batch with one submission; a submission larger than the caps still goes, alone.
    pub fn new(json: &str, count: usize, read_only: bool) -> Self {
        let mut body = Vec::with_capacity(json.len() + 2);
        body.push(b'[');
        body.extend_from_slice(json.as_bytes());
        Self { body, count, read_only }
    }

    /// Adds the submission if the batch stays within `max_commands` and `max_bytes`.
    pub fn try_add(
        &mut self,
        json: &str,
        count: usize,
        read_only: bool,
        max_commands: usize,
        max_bytes: usize,
    ) -> bool {
        if self.count + count > max_commands || self.body.len() + json.len() + 2 > max_bytes {
            return false;
        }
        self.body.push(b',');
        self.body.extend_from_slice(json.as_bytes());
        self.count += count;
        self.read_only &= read_only;
        true
    }

    pub fn into_body(mut self) -> Vec<u8> {
        self.body.push(b']');
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_within_caps() {
        let mut b = PipelineBatch::new(r#"["GET","a"]"#, 1, true);
        assert!(b.try_add(r#"["SET","b","1"],["GET","b"]"#, 2, false, 3, 1000));
        assert!(!b.try_add(r#"["GET","c"]"#, 1, true, 3, 1000), "command cap");
        assert!(!b.read_only);
        assert_eq!(b.count, 3);
        assert_eq!(b.into_body(), br#"[["GET","a"],["SET","b","1"],["GET","b"]]"#);
        let mut small = PipelineBatch::new(r#"["GET","a"]"#, 1, true);
        assert!(!small.try_add(r#"["GET","b"]"#, 1, true, 10, 20), "byte cap");
    }
}
