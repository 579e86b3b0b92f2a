//! An option's value as a caller gave it — a number from `startGateway()`, or the text of a CLI
//! flag or environment variable — and the one place it becomes a number. Every refusal names the
//! option and its flag (`poolSize (--pool-size) must be …`), so the CLI and `startGateway()` say the
//! same thing for the same mistake, and JS checks no value of its own (but the `--verbose` switch).

use std::time::Duration;

use crate::GatewayError;

/// A value as given; text is read here, never in JS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Given<'a> {
    Number(f64),
    Text(&'a str),
}

/// `--latency` as given: milliseconds, `[min, max]`, or the CLI's text (`50`, `20-80`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LatencyGiven<'a> {
    Millis(f64),
    Range(&'a [f64]),
    Text(&'a str),
}

/// The option's JS name and its flag, as every message spells them: `poolSize (--pool-size)`.
#[derive(Debug, Clone, Copy)]
pub struct Named {
    pub name: &'static str,
    pub flag: &'static str,
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.flag)
    }
}

/// `got` as the message shows it: a number (read from text or given) plainly, unreadable text quoted.
fn refuse(option: Named, what: &str, got: impl std::fmt::Display) -> GatewayError {
    GatewayError::Config(format!("{option} must be {what}, got {got}"))
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// Decimal digits only (no sign, exponent or point): what a whole number is on a command line.
fn digits(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A whole-numbered option and the range it must be in: the one owner of that range, read by
/// [`whole`]/[`size`] for a given value and by [`crate::GatewayConfig::validate`] for one set in Rust.
#[derive(Debug, Clone, Copy)]
pub struct Bounded {
    pub option: Named,
    pub min: u64,
    pub max: u64,
}

impl Bounded {
    fn what(&self) -> String {
        format!("a whole number from {} to {}", self.min, self.max)
    }

    /// `value`, if whole and in range.
    pub fn check(&self, value: f64) -> Result<u64, GatewayError> {
        if value.fract() != 0.0 || !(self.min as f64..=self.max as f64).contains(&value) {
            return Err(refuse(self.option, &self.what(), value));
        }
        Ok(value as u64)
    }
}

/// A whole number in `bounds`.
pub fn whole(given: Given, bounds: Bounded) -> Result<u64, GatewayError> {
    match given {
        Given::Number(n) => bounds.check(n),
        // Too many digits for u64 is as wrong as any other shape.
        Given::Text(text) => {
            let n = digits(text).ok_or_else(|| refuse(bounds.option, &bounds.what(), quoted(text)))?;
            bounds.check(n as f64)
        }
    }
}

/// A byte count in `bounds`: a number, or text such as `1048576`, `64kb`, `10mb`.
pub fn size(given: Given, bounds: Bounded) -> Result<u64, GatewayError> {
    let Given::Text(text) = given else { return whole(given, bounds) };
    let shape = || refuse(bounds.option, "a size such as 10mb, 64kb or 1048576", quoted(text));
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1024,
        "m" | "mb" => 1024 * 1024,
        _ => return Err(shape()),
    };
    let bytes = digits(number).ok_or_else(shape)?.checked_mul(unit).ok_or_else(shape)?;
    bounds.check(bytes as f64)
}

/// A number meant as a fraction; its range is checked by [`crate::Simulation::validate`], where
/// the fractions' sum is checked too.
pub fn fraction(given: Given, option: Named) -> Result<f64, GatewayError> {
    match given {
        Given::Number(p) => Ok(p),
        Given::Text(text) => {
            let p = text.trim().parse::<f64>().ok().filter(|p| p.is_finite());
            p.ok_or_else(|| refuse(option, FRACTION, quoted(text)))
        }
    }
}

/// What a fraction must be; shared with [`crate::Simulation::validate`].
pub const FRACTION: &str = "a fraction from 0 to 1 such as 0.1";

const LATENCY: Bounded = Bounded { option: Named { name: "latency", flag: "--latency" }, min: 0, max: u32::MAX as u64 };

/// `--latency`'s bounds, each whole milliseconds from 0 to 2^32-1. That min <= max is checked by
/// [`crate::Simulation::validate`], with the other simulation settings.
pub fn latency(given: LatencyGiven) -> Result<(Duration, Duration), GatewayError> {
    let what =
        "whole milliseconds from 0 to 4294967295 such as 50, or a range such as 20-80 ([20, 80] to startGateway())";
    let ms = |n: f64| LATENCY.check(n).ok().map(Duration::from_millis);
    let bounds = match given {
        LatencyGiven::Millis(n) => ms(n).map(|d| (d, d)),
        LatencyGiven::Range(&[min, max]) => ms(min).zip(ms(max)),
        LatencyGiven::Range(_) => None,
        LatencyGiven::Text(text) => {
            let (min, max) = text.split_once('-').unwrap_or((text, text));
            let ms = |t: &str| digits(t).map(|n| n as f64).and_then(ms);
            ms(min).zip(ms(max))
        }
    };
    bounds.ok_or_else(|| match given {
        LatencyGiven::Millis(n) => refuse(LATENCY.option, what, n),
        LatencyGiven::Range(range) => {
            let items: Vec<String> = range.iter().map(f64::to_string).collect();
            refuse(LATENCY.option, what, format!("[{}]", items.join(", ")))
        }
        LatencyGiven::Text(text) => refuse(LATENCY.option, what, quoted(text)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT: Bounded = Bounded { option: Named { name: "port", flag: "--port" }, min: 0, max: 65535 };

    fn message<T: std::fmt::Debug>(result: Result<T, GatewayError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn whole_numbers_from_numbers_and_text() {
        assert_eq!(whole(Given::Number(8079.0), PORT).unwrap(), 8079);
        assert_eq!(whole(Given::Text(" 0 "), PORT).unwrap(), 0);
        assert_eq!(
            message(whole(Given::Text("70000"), PORT)),
            "port (--port) must be a whole number from 0 to 65535, got 70000"
        );
        assert_eq!(
            message(whole(Given::Number(1.5), PORT)),
            "port (--port) must be a whole number from 0 to 65535, got 1.5"
        );
        for bad in ["soon", "", "-1", "+1", "1e3", "1.0", "0x10"] {
            assert_eq!(
                message(whole(Given::Text(bad), PORT)),
                format!("port (--port) must be a whole number from 0 to 65535, got {bad:?}")
            );
        }
        assert!(message(whole(Given::Number(-1.0), PORT)).ends_with("got -1"));
        assert!(message(whole(Given::Number(f64::NAN), PORT)).ends_with("got NaN"));
        assert!(message(whole(Given::Text("99999999999999999999999"), PORT)).contains("got \"9999"));
    }

    #[test]
    fn sizes_take_units() {
        let reply = Bounded { option: Named { name: "maxReply", flag: "--max-reply" }, min: 1, max: 1 << 40 };
        let size = |text| size(Given::Text(text), reply);
        assert_eq!(size("1048576").unwrap(), 1 << 20);
        assert_eq!(size("1kb").unwrap(), 1024);
        assert_eq!(size("64 K").unwrap(), 64 * 1024);
        assert_eq!(size("10MB").unwrap(), 10 << 20);
        assert_eq!(size("7b").unwrap(), 7);
        assert_eq!(
            message(size("lots")),
            "maxReply (--max-reply) must be a size such as 10mb, 64kb or 1048576, got \"lots\""
        );
        for bad in ["10gb", "mb", "-1kb", "1.5mb", "18446744073709551615mb"] {
            assert!(message(size(bad)).contains("must be a size"), "{bad}");
        }
        assert!(message(size("0")).ends_with("from 1 to 1099511627776, got 0"));
        assert!(message(size("2000000mb")).ends_with("got 2097152000000"));
        assert_eq!(super::size(Given::Number(2048.0), reply).unwrap(), 2048);
    }

    #[test]
    fn fractions_are_read_and_left_to_validate() {
        let stall = Named { name: "stall", flag: "--stall" };
        assert_eq!(fraction(Given::Text(".01"), stall).unwrap(), 0.01);
        assert_eq!(fraction(Given::Text("1"), stall).unwrap(), 1.0);
        // Out of range is Simulation::validate's to refuse, with the sum.
        assert_eq!(fraction(Given::Number(1.5), stall).unwrap(), 1.5);
        for bad in ["10%", "", "NaN", "inf", "a"] {
            assert_eq!(
                message(fraction(Given::Text(bad), stall)),
                format!("stall (--stall) must be a fraction from 0 to 1 such as 0.1, got {bad:?}")
            );
        }
    }

    #[test]
    fn latency_in_each_shape() {
        let ms = Duration::from_millis;
        assert_eq!(latency(LatencyGiven::Millis(20.0)).unwrap(), (ms(20), ms(20)));
        assert_eq!(latency(LatencyGiven::Text("20")).unwrap(), (ms(20), ms(20)));
        assert_eq!(latency(LatencyGiven::Text(" 10 - 30 ")).unwrap(), (ms(10), ms(30)));
        assert_eq!(latency(LatencyGiven::Range(&[10.0, 30.0])).unwrap(), (ms(10), ms(30)));
        assert_eq!(latency(LatencyGiven::Text("0-4294967295")).unwrap(), (ms(0), ms(u64::from(u32::MAX))));
        // The order is Simulation::validate's to check.
        assert_eq!(latency(LatencyGiven::Text("80-20")).unwrap(), (ms(80), ms(20)));
        let refused = |given| {
            let text = message(latency(given));
            assert!(text.starts_with("latency (--latency) must be whole milliseconds"), "{text}");
            text
        };
        assert!(refused(LatencyGiven::Text("slow")).ends_with("got \"slow\""));
        for text in ["", "-1", "-", "10-", "-30", "1.5", "10-30-50", "20±5", "4294967296", "99999999999999999999"] {
            assert!(refused(LatencyGiven::Text(text)).ends_with(&format!("got {text:?}")));
        }
        assert!(refused(LatencyGiven::Millis(-1.0)).ends_with("got -1"));
        assert!(refused(LatencyGiven::Millis(f64::NAN)).ends_with("got NaN"));
        assert!(refused(LatencyGiven::Millis(4294967296.0)).ends_with("got 4294967296"));
        assert!(refused(LatencyGiven::Range(&[1.0, 2.5])).ends_with("got [1, 2.5]"));
        assert!(refused(LatencyGiven::Range(&[1.0])).ends_with("got [1]"));
        refused(LatencyGiven::Range(&[1.0, 2.0, 3.0]));
        refused(LatencyGiven::Range(&[]));
    }
}
