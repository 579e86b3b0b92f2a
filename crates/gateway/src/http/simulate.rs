//! Local-development simulation (`--latency`, `--fail-rate`, `--drop-after-apply`, `--stall`):
//! what a far-away, sometimes failing Upstash looks like, on a laptop. Off by default.
//!
//! Outcomes are drawn from a counter-based generator keyed by the seed: the n-th command request
//! gets the same outcome for the same seed, whatever the timing. Only command routes (`/`,
//! `/<command>/…`, `/pipeline`, `/multi-exec`) draw faults; `/subscribe` streams do not, so a
//! subscriber's reconnects never shift the sequence a test relies on (latency applies to them).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::given::{Named, FRACTION};
use crate::GatewayError;

pub const FAIL_RATE: Named = Named { name: "failRate", flag: "--fail-rate" };
pub const DROP_AFTER_APPLY: Named = Named { name: "dropAfterApply", flag: "--drop-after-apply" };
pub const STALL: Named = Named { name: "stall", flag: "--stall" };

/// Simulation settings; [`Simulation::default`] is off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Simulation {
    /// Each response (and each SSE event) is held back by a duration drawn from this range.
    pub latency: Option<(Duration, Duration)>,
    /// Fraction of command requests answered 503 without running them.
    pub fail_rate: f64,
    /// Fraction of command requests run, then their connection closed without an answer.
    pub drop_after_apply: f64,
    /// Fraction of command requests never answered (held until the client leaves) and not run.
    pub stall: f64,
    /// Seed of the outcome sequence; `None` picks one at start (printed, so a run can be replayed).
    pub seed: Option<u64>,
}

/// What happens to one command request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    Fail,
    DropAfterApply,
    Stall,
}

impl Simulation {
    /// The one check of the simulation settings (the binding and the CLI only read them, see
    /// `given.rs`): each fraction in [0, 1], their sum too, and latency's min <= max.
    pub fn validate(&self) -> Result<(), GatewayError> {
        for (option, p) in [(FAIL_RATE, self.fail_rate), (DROP_AFTER_APPLY, self.drop_after_apply), (STALL, self.stall)]
        {
            if !(0.0..=1.0).contains(&p) {
                return Err(GatewayError::Config(format!("{option} must be {FRACTION}, got {p}")));
            }
        }
        if self.fail_rate + self.drop_after_apply + self.stall > 1.0 + 1e-9 {
            return Err(GatewayError::Config(
                "failRate (--fail-rate), dropAfterApply (--drop-after-apply) and stall (--stall) together must not exceed 1"
                    .into(),
            ));
        }
        if let Some((min, max)) = self.latency {
            if min > max {
                return Err(GatewayError::Config(format!(
                    "latency (--latency) must be a range with min <= max, got {}-{}",
                    min.as_millis(),
                    max.as_millis()
                )));
            }
        }
        Ok(())
    }

    fn faults(&self) -> bool {
        self.fail_rate + self.drop_after_apply + self.stall > 0.0
    }

    /// One line per active setting, for the startup banner; empty when the simulation is off.
    pub fn describe(&self, seed: u64) -> Vec<String> {
        let mut lines = Vec::new();
        match self.latency {
            Some((min, max)) if min == max => {
                lines.push(format!("latency: every response delayed {} ms", min.as_millis()))
            }
            Some((min, max)) => {
                lines.push(format!("latency: every response delayed {}-{} ms", min.as_millis(), max.as_millis()))
            }
            None => {}
        }
        let percent = |p: f64| format!("{}%", (p * 10000.0).round() / 100.0);
        if self.fail_rate > 0.0 {
            lines.push(format!("fail-rate: {} of command requests answered 503, not run", percent(self.fail_rate)));
        }
        if self.drop_after_apply > 0.0 {
            lines.push(format!(
                "drop-after-apply: {} of command requests run, then cut without an answer",
                percent(self.drop_after_apply)
            ));
        }
        if self.stall > 0.0 {
            lines.push(format!("stall: {} of command requests never answered, not run", percent(self.stall)));
        }
        if self.faults() || self.latency.is_some_and(|(min, max)| min != max) {
            lines.push(format!("seed: {seed} (pass --seed {seed} to replay this sequence)"));
        }
        lines
    }
}

/// The running simulation: settings plus the counters its draws are keyed by.
#[derive(Debug)]
pub struct Simulator {
    pub settings: Simulation,
    pub seed: u64,
    commands: AtomicU64,
    delays: AtomicU64,
}

impl Simulator {
    pub fn new(settings: Simulation) -> Self {
        let seed = settings.seed.unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            // Small enough to type back in with --seed.
            splitmix64(nanos.as_nanos() as u64) % 1_000_000
        });
        Self { settings, seed, commands: AtomicU64::new(0), delays: AtomicU64::new(0) }
    }

    /// The outcome of the next command request.
    pub fn next_fault(&self) -> Fault {
        let s = &self.settings;
        if !s.faults() {
            return Fault::None;
        }
        let n = self.commands.fetch_add(1, Ordering::Relaxed);
        let u = unit(splitmix64(self.seed ^ splitmix64(n)));
        if u < s.fail_rate {
            Fault::Fail
        } else if u < s.fail_rate + s.drop_after_apply {
            Fault::DropAfterApply
        } else if u < s.fail_rate + s.drop_after_apply + s.stall {
            Fault::Stall
        } else {
            Fault::None
        }
    }

    /// How long the next response or event is held back (zero when latency is off).
    pub fn next_delay(&self) -> Duration {
        let Some((min, max)) = self.settings.latency else { return Duration::ZERO };
        if min == max {
            return min;
        }
        let n = self.delays.fetch_add(1, Ordering::Relaxed);
        // A second stream of draws, so jitter never shifts the fault sequence.
        let u = unit(splitmix64(!self.seed ^ splitmix64(n)));
        min + (max - min).mul_f64(u)
    }

    pub fn has_latency(&self) -> bool {
        self.settings.latency.is_some()
    }
}

/// SplitMix64: a well-mixed 64-bit hash, enough for reproducible draws (not for secrets).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The top 53 bits as a fraction in [0, 1).
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(seed: u64, n: usize) -> Vec<Fault> {
        let sim = Simulator::new(Simulation {
            fail_rate: 0.2,
            drop_after_apply: 0.1,
            stall: 0.05,
            seed: Some(seed),
            ..Default::default()
        });
        (0..n).map(|_| sim.next_fault()).collect()
    }

    #[test]
    fn same_seed_same_sequence_with_rates_near_the_fractions() {
        let a = faults(7, 10_000);
        assert_eq!(a, faults(7, 10_000));
        assert_ne!(a, faults(8, 10_000));
        let share = |f: Fault| a.iter().filter(|x| **x == f).count() as f64 / a.len() as f64;
        assert!((share(Fault::Fail) - 0.2).abs() < 0.02);
        assert!((share(Fault::DropAfterApply) - 0.1).abs() < 0.02);
        assert!((share(Fault::Stall) - 0.05).abs() < 0.02);
    }

    #[test]
    fn delays_stay_in_range_replay_by_seed_and_off_means_nothing() {
        let sim = Simulator::new(Simulation {
            latency: Some((Duration::from_millis(10), Duration::from_millis(20))),
            seed: Some(1),
            ..Default::default()
        });
        for _ in 0..1000 {
            let d = sim.next_delay();
            assert!(d >= Duration::from_millis(10) && d <= Duration::from_millis(20));
        }
        let replay = |seed| {
            let sim = Simulator::new(Simulation {
                latency: Some((Duration::ZERO, Duration::from_millis(100))),
                seed: Some(seed),
                ..Default::default()
            });
            (0..100).map(|_| sim.next_delay()).collect::<Vec<_>>()
        };
        assert_eq!(replay(3), replay(3));
        assert_ne!(replay(3), replay(4));
        let off = Simulator::new(Simulation::default());
        assert_eq!((off.next_fault(), off.next_delay()), (Fault::None, Duration::ZERO));
        assert!(off.settings.describe(off.seed).is_empty());
    }

    #[test]
    fn refuses_bad_fractions_and_ranges() {
        let refused = |s: Simulation| s.validate().unwrap_err().to_string();
        assert_eq!(
            refused(Simulation { fail_rate: 1.5, ..Default::default() }),
            "failRate (--fail-rate) must be a fraction from 0 to 1 such as 0.1, got 1.5"
        );
        assert_eq!(
            refused(Simulation { stall: -0.1, ..Default::default() }),
            "stall (--stall) must be a fraction from 0 to 1 such as 0.1, got -0.1"
        );
        assert!(refused(Simulation { drop_after_apply: f64::INFINITY, ..Default::default() })
            .starts_with("dropAfterApply (--drop-after-apply) must be a fraction"));
        assert!(refused(Simulation { fail_rate: 0.6, drop_after_apply: 0.6, ..Default::default() })
            .ends_with("together must not exceed 1"));
        assert!(refused(Simulation { fail_rate: f64::NAN, ..Default::default() }).ends_with("got NaN"));
        assert_eq!(
            refused(Simulation {
                latency: Some((Duration::from_millis(5), Duration::from_millis(1))),
                ..Default::default()
            }),
            "latency (--latency) must be a range with min <= max, got 5-1"
        );
        assert!(Simulation::default().validate().is_ok());
        let edges = Simulation {
            latency: Some((Duration::from_millis(7), Duration::from_millis(7))),
            fail_rate: 0.5,
            stall: 0.5,
            ..Default::default()
        };
        assert!(edges.validate().is_ok());
    }
}
