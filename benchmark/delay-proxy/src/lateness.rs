//! How late the proxy delivered: per listener, the time from when each chunk was due to when it was
//! written. Exact count, mean and maximum; the median and p99 from a bounded uniform sample, so a
//! long run costs fixed memory.

use std::time::Duration;

/// Samples kept for the percentiles.
const RESERVOIR: usize = 20_000;

#[derive(Debug)]
pub struct Lateness {
    count: u64,
    sum: Duration,
    max: Duration,
    samples: Vec<Duration>,
    random: u64,
}

/// What a `stats` request reports, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub chunks: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Default for Lateness {
    fn default() -> Self {
        Self::new()
    }
}

impl Lateness {
    pub fn new() -> Self {
        Self { count: 0, sum: Duration::ZERO, max: Duration::ZERO, samples: Vec::new(), random: 0x9e37_79b9_7f4a_7c15 }
    }

    pub fn record(&mut self, late: Duration) {
        self.count += 1;
        self.sum += late;
        self.max = self.max.max(late);
        if self.samples.len() < RESERVOIR {
            self.samples.push(late);
        } else {
            // Reservoir sampling: the n-th chunk replaces a kept one with probability RESERVOIR/n,
            // so the kept ones stay a uniform sample of all of them.
            let slot = self.next_random() % self.count;
            if let Some(kept) = self.samples.get_mut(slot as usize) {
                *kept = late;
            }
        }
    }

    /// The summary so far; the counting starts again.
    pub fn take(&mut self) -> Summary {
        let mut sorted = std::mem::take(&mut self.samples);
        sorted.sort_unstable();
        let at = |p: f64| sorted.get(((p * sorted.len() as f64) as usize).min(sorted.len().saturating_sub(1)));
        let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1e3);
        let summary = Summary {
            chunks: self.count,
            mean_ms: if self.count == 0 { 0.0 } else { self.sum.as_secs_f64() * 1e3 / self.count as f64 },
            p50_ms: ms(at(0.5)),
            p99_ms: ms(at(0.99)),
            max_ms: ms(Some(&self.max)),
        };
        let random = self.random;
        *self = Self::new();
        self.random = random;
        summary
    }

    /// xorshift64*: uniform enough for sampling, and no dependency.
    fn next_random(&mut self) -> u64 {
        let mut x = self.random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

impl Summary {
    /// `{"chunks":…,"meanMs":…,"p50Ms":…,"p99Ms":…,"maxMs":…}`, milliseconds to the microsecond.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"chunks\":{},\"meanMs\":{:.3},\"p50Ms\":{:.3},\"p99Ms\":{:.3},\"maxMs\":{:.3}}}",
            self.chunks, self.mean_ms, self.p50_ms, self.p99_ms, self.max_ms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_and_resets() {
        let mut lateness = Lateness::new();
        for us in 1..=100 {
            lateness.record(Duration::from_micros(us * 10));
        }
        let summary = lateness.take();
        assert_eq!(summary.chunks, 100);
        assert!((summary.mean_ms - 0.505).abs() < 1e-9);
        assert!((summary.p50_ms - 0.51).abs() < 1e-9);
        assert!((summary.p99_ms - 1.0).abs() < 1e-9);
        assert!((summary.max_ms - 1.0).abs() < 1e-9);
        assert_eq!(summary.to_json(), r#"{"chunks":100,"meanMs":0.505,"p50Ms":0.510,"p99Ms":1.000,"maxMs":1.000}"#);
        assert_eq!(lateness.take(), Summary { chunks: 0, mean_ms: 0.0, p50_ms: 0.0, p99_ms: 0.0, max_ms: 0.0 });
    }

    #[test]
    fn keeps_a_bounded_uniform_sample() {
        let mut lateness = Lateness::new();
        // Half the chunks 1 ms late, then half 3 ms late: a uniform sample's median sits between.
        for i in 0..(4 * RESERVOIR as u64) {
            lateness.record(Duration::from_millis(if i < 2 * RESERVOIR as u64 { 1 } else { 3 }));
        }
        assert_eq!(lateness.samples.len(), RESERVOIR);
        let threes = lateness.samples.iter().filter(|d| d.as_millis() == 3).count();
        assert!((RESERVOIR * 4 / 10..RESERVOIR * 6 / 10).contains(&threes), "{threes} of {RESERVOIR}");
        let summary = lateness.take();
        assert_eq!(summary.chunks, 4 * RESERVOIR as u64);
        assert!((summary.mean_ms - 2.0).abs() < 1e-9);
        assert_eq!(summary.max_ms, 3.0);
    }
}
