//! Sprig's date functions on a Go-like `time.Time` in UTC. `now` is the fixed instant
//! [`FuncCtx::now_unix`], so renders are reproducible.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::value::{Kind, Object, Value};
use std::sync::Arc;

type R = Result<Value, CallError>;

/// A `time.Time`: seconds since the Unix epoch, nanoseconds, and a fixed zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Time {
    pub unix: i64,
    pub nanos: u32,
    pub offset: i32,
    pub zone: String,
}

const ZERO_UNIX: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z

impl Time {
    pub fn utc(unix: i64, nanos: u32) -> Time {
        Time {
            unix,
            nanos,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    pub fn zero() -> Time {
        Time::utc(ZERO_UNIX, 0)
    }

    /// (year, month, day, hour, minute, second, weekday 0=Sunday, day of year).
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32, u32, u32) {
        let t = self.unix + self.offset as i64;
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = if m <= 2 { y + 1 } else { y };
        let wd = (days + 4).rem_euclid(7) as u32;
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let yday = CUM[(m - 1) as usize] + d + u32::from(leap && m > 2);
        (
            y,
            m,
            d,
            (secs / 3600) as u32,
            (secs / 60 % 60) as u32,
            (secs % 60) as u32,
            wd,
            yday,
        )
    }

    pub fn format(&self, layout: &str) -> String {
        format_time(self, layout)
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Go layout tokens, longest first where prefixes overlap.
const TOKENS: &[&str] = &[
    "January",
    "Jan",
    "Monday",
    "Mon",
    "MST",
    "2006",
    "-07:00:00",
    "-0700",
    "-07:00",
    "-07",
    "Z07:00:00",
    "Z0700",
    "Z07:00",
    "Z07",
    "002",
    "__2",
    "_2",
    "01",
    "02",
    "03",
    "04",
    "05",
    "06",
    "15",
    "PM",
    "pm",
    "1",
    "2",
    "3",
    "4",
    "5",
];

fn next_token(layout: &str) -> Option<(usize, &'static str)> {
    let b = layout.as_bytes();
    for i in 0..b.len() {
        // Fractional seconds: `.000`, `.999`, `,000`.
        if (b[i] == b'.' || b[i] == b',')
            && i + 1 < b.len()
            && (b[i + 1] == b'0' || b[i + 1] == b'9')
        {
            let c = b[i + 1];
            let mut j = i + 1;
            while j < b.len() && b[j] == c {
                j += 1;
            }
            if j >= b.len() || !b[j].is_ascii_digit() {
                return Some((i, if c == b'0' { "frac0" } else { "frac9" }));
            }
        }
        for t in TOKENS {
            if layout[i..].starts_with(t) {
                // `Jan` must not continue as a lower-case word (`Janet`), as Go checks.
                if (*t == "Jan" || *t == "Mon")
                    && layout[i + t.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_lowercase())
                    && !layout[i..].starts_with("January")
                    && !layout[i..].starts_with("Monday")
                {
                    continue;
                }
                return Some((i, t));
            }
        }
    }
    None
}

fn frac_len(layout: &str, at: usize) -> usize {
    let b = layout.as_bytes();
    let c = b[at + 1];
    let mut j = at + 1;
    while j < b.len() && b[j] == c {
        j += 1;
    }
    j - at - 1
}

pub fn format_time(t: &Time, layout: &str) -> String {
    let (y, m, d, hh, mm, ss, wd, yday) = t.civil();
    let mut out = String::new();
    let mut rest = layout;
    while let Some((i, tok)) = next_token(rest) {
        out.push_str(&rest[..i]);
        let mut len = tok.len();
        match tok {
            "January" => out.push_str(MONTHS[m as usize - 1]),
            "Jan" => out.push_str(&MONTHS[m as usize - 1][..3]),
            "Monday" => out.push_str(DAYS[wd as usize]),
            "Mon" => out.push_str(&DAYS[wd as usize][..3]),
            "MST" => out.push_str(&t.zone),
            "2006" => out.push_str(&format!("{y:04}")),
            "06" => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            "01" => out.push_str(&format!("{m:02}")),
            "1" => out.push_str(&m.to_string()),
            "02" => out.push_str(&format!("{d:02}")),
            "_2" => out.push_str(&format!("{d:>2}")),
            "2" => out.push_str(&d.to_string()),
            "002" => out.push_str(&format!("{yday:03}")),
            "__2" => out.push_str(&format!("{yday:>3}")),
            "15" => out.push_str(&format!("{hh:02}")),
            "03" => out.push_str(&format!("{:02}", if hh % 12 == 0 { 12 } else { hh % 12 })),
            "3" => out.push_str(&(if hh % 12 == 0 { 12 } else { hh % 12 }).to_string()),
            "04" => out.push_str(&format!("{mm:02}")),
            "4" => out.push_str(&mm.to_string()),
            "05" => out.push_str(&format!("{ss:02}")),
            "5" => out.push_str(&ss.to_string()),
            "PM" => out.push_str(if hh >= 12 { "PM" } else { "AM" }),
            "pm" => out.push_str(if hh >= 12 { "pm" } else { "am" }),
            "frac0" | "frac9" => {
                let n = frac_len(rest, i);
                len = n + 1;
                let digits = format!("{:09}", t.nanos);
                let mut f = digits[..n.min(9)].to_string();
                if tok == "frac9" {
                    f = f.trim_end_matches('0').to_string();
                    if !f.is_empty() {
                        out.push(rest.as_bytes()[i] as char);
                        out.push_str(&f);
                    }
                } else {
                    out.push(rest.as_bytes()[i] as char);
                    out.push_str(&f);
                }
            }
            z => {
                // Zone offsets.
                let off = t.offset;
                if z.starts_with('Z') && off == 0 {
                    out.push('Z');
                } else {
                    let sign = if off < 0 { '-' } else { '+' };
                    let a = off.unsigned_abs();
                    let (h, mi, s) = (a / 3600, a / 60 % 60, a % 60);
                    out.push(sign);
                    out.push_str(&format!("{h:02}"));
                    let body = z.trim_start_matches(['Z', '-']);
                    match body {
                        "07:00:00" => out.push_str(&format!(":{mi:02}:{s:02}")),
                        "0700" => out.push_str(&format!("{mi:02}")),
                        "07:00" => out.push_str(&format!(":{mi:02}")),
                        _ => {}
                    }
                }
            }
        }
        rest = &rest[i + len..];
    }
    out.push_str(rest);
    out
}

/// Go's `time.Parse(layout, value)` for numeric layouts, month and day names, and zones;
/// `None` when the value does not fit the layout.
pub fn parse_time(layout: &str, value: &str) -> Option<Time> {
    let (mut y, mut mo, mut d, mut hh, mut mm, mut ss, mut nanos) =
        (1i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0u32);
    let mut offset: i32 = 0;
    let mut pm: Option<bool> = None;
    let mut rest = layout;
    let mut v = value;
    let num = |v: &mut &str, min: usize, max: usize| -> Option<u32> {
        let n = v
            .bytes()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let x = v[..n].parse().ok()?;
        *v = &v[n..];
        Some(x)
    };
    while let Some((i, tok)) = next_token(rest) {
        let lit = &rest[..i];
        v = v.strip_prefix(lit)?;
        let mut len = tok.len();
        match tok {
            "2006" => {
                let n = num(&mut v, 4, 4)?;
                y = n as i64;
            }
            "06" => {
                let yy = num(&mut v, 2, 2)? as i64;
                y = if yy >= 69 { 1900 + yy } else { 2000 + yy };
            }
            "01" => mo = num(&mut v, 2, 2)?,
            "1" => mo = num(&mut v, 1, 2)?,
            "02" => d = num(&mut v, 2, 2)?,
            "_2" => {
                v = v.strip_prefix(' ').unwrap_or(v);
                d = num(&mut v, 1, 2)?;
            }
            "2" => d = num(&mut v, 1, 2)?,
            "15" => hh = num(&mut v, 1, 2)?,
            "03" => hh = num(&mut v, 2, 2)?,
            "3" => hh = num(&mut v, 1, 2)?,
            "04" => mm = num(&mut v, 2, 2)?,
            "4" => mm = num(&mut v, 1, 2)?,
            "05" => ss = num(&mut v, 2, 2)?,
            "5" => ss = num(&mut v, 1, 2)?,
            "PM" | "pm" => {
                let up = v.get(..2)?.to_ascii_uppercase();
                pm = Some(match up.as_str() {
                    "PM" => true,
                    "AM" => false,
                    _ => return None,
                });
                v = &v[2..];
            }
            "January" | "Jan" => {
                let idx = MONTHS.iter().position(|name| {
                    let n = if tok == "Jan" { &name[..3] } else { name };
                    v.len() >= n.len() && v[..n.len()].eq_ignore_ascii_case(n)
                })?;
                let n = if tok == "Jan" { 3 } else { MONTHS[idx].len() };
                v = &v[n..];
                mo = idx as u32 + 1;
            }
            "Monday" | "Mon" => {
                let idx = DAYS.iter().position(|name| {
                    let n = if tok == "Mon" { &name[..3] } else { name };
                    v.len() >= n.len() && v[..n.len()].eq_ignore_ascii_case(n)
                })?;
                let n = if tok == "Mon" { 3 } else { DAYS[idx].len() };
                v = &v[n..];
            }
            "MST" => {
                let n = v.bytes().take_while(|b| b.is_ascii_uppercase()).count();
                if n < 3 {
                    return None;
                }
                v = &v[n..];
            }
            "frac0" | "frac9" => {
                let n = frac_len(rest, i);
                len = n + 1;
                if let Some(r) = v.strip_prefix(['.', ',']) {
                    let k = r.bytes().take_while(|b| b.is_ascii_digit()).count();
                    let digits = format!("{:0<9}", &r[..k.min(9)]);
                    nanos = digits.parse().ok()?;
                    v = &r[k..];
                } else if tok == "frac0" {
                    return None;
                }
            }
            "002" | "__2" => {
                num(&mut v, 1, 3)?;
            }
            z => {
                if z.starts_with('Z')
                    && let Some(r) = v.strip_prefix('Z')
                {
                    v = r;
                } else {
                    let sign = match v.as_bytes().first()? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    v = &v[1..];
                    let h = num(&mut v, 2, 2)? as i32;
                    let mut mi = 0;
                    let body = z.trim_start_matches(['Z', '-']);
                    if body.contains(':') {
                        v = v.strip_prefix(':')?;
                    }
                    if body.len() > 2 {
                        mi = num(&mut v, 2, 2)? as i32;
                    }
                    offset = sign * (h * 3600 + mi * 60);
                }
            }
        }
        rest = &rest[i + len..];
    }
    v = v.strip_prefix(rest)?;
    if !v.is_empty() {
        return None;
    }
    if let Some(p) = pm {
        if hh > 12 {
            return None;
        }
        if p && hh < 12 {
            hh += 12;
        } else if !p && hh == 12 {
            hh = 0;
        }
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > mdays[mo as usize - 1]
        || hh > 23
        || mm > 59
        || ss > 59
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let unix = days * 86_400 + (hh * 3600 + mm * 60 + ss) as i64 - offset as i64;
    Some(Time {
        unix,
        nanos,
        offset,
        zone: if offset == 0 {
            "UTC".into()
        } else {
            String::new()
        },
    })
}

impl Object for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let (y, m, d, hh, mm, ss, wd, yday) = self.civil();
        Some(match name {
            "Unix" => Value::int64(self.unix),
            "UnixNano" => Value::int64(self.unix.saturating_mul(1_000_000_000) + self.nanos as i64),
            "Year" => Value::int(y),
            "Month" => Value::str(MONTHS[m as usize - 1]),
            "Day" => Value::int(d as i64),
            "Hour" => Value::int(hh as i64),
            "Minute" => Value::int(mm as i64),
            "Second" => Value::int(ss as i64),
            "Nanosecond" => Value::int(self.nanos as i64),
            "Weekday" => Value::str(DAYS[wd as usize]),
            "YearDay" => Value::int(yday as i64),
            "UTC" | "Local" => Value::new(Kind::Object(Arc::new(Time::utc(self.unix, self.nanos)))),
            "IsZero" => Value::bool(self.unix == ZERO_UNIX && self.nanos == 0),
            "String" => Value::str(self.print()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Format" => Some(match args {
                [v] => match v.as_str() {
                    Some(l) => Ok(Value::str(self.format(l))),
                    None => Err(format!(
                        "wrong type for value; expected string; got {}",
                        v.type_name()
                    )),
                },
                _ => Err(format!(
                    "wrong number of args for Format: want 1 got {}",
                    args.len()
                )),
            }),
            _ => None,
        }
    }

    fn print(&self) -> String {
        let zone = if self.zone.is_empty() {
            self.format("-0700")
        } else {
            self.zone.clone()
        };
        format!(
            "{} {zone}",
            self.format("2006-01-02 15:04:05.999999999 -0700")
        )
    }
}

fn time_value(t: Time) -> Value {
    Value::new(Kind::Object(Arc::new(t)))
}

fn as_time(v: &Value) -> Option<Time> {
    match &v.kind {
        Kind::Object(o) if o.type_name() == "time.Time" => {
            let unix = match o.field("Unix")?.kind {
                Kind::Int64(u) => u,
                _ => return None,
            };
            let nanos = match o.field("Nanosecond")?.kind {
                Kind::Int(n) => n as u32,
                _ => 0,
            };
            Some(Time::utc(unix, nanos))
        }
        _ => None,
    }
}

fn now_time(ctx: &FuncCtx) -> Time {
    Time::utc(ctx.now_unix, 0)
}

pub fn now(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("now", &a, 0)?;
    Ok(time_value(now_time(ctx)))
}

/// The time `date` formats: a time.Time, or unix seconds as int or int64; anything else
/// is the current time.
fn date_arg(ctx: &FuncCtx, v: &Value) -> Time {
    match &v.kind {
        Kind::Int(i) | Kind::Int64(i) => Time::utc(*i, 0),
        _ => as_time(v).unwrap_or_else(|| now_time(ctx)),
    }
}

pub fn date(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("date", &a, 2)?;
    let f = string(&a[0])?;
    Ok(Value::str(date_arg(ctx, &a[1]).format(&f)))
}

fn date_in_zone_named(ctx: &mut FuncCtx, name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 3)?;
    let f = string(&a[0])?;
    string(&a[2])?;
    Ok(Value::str(date_arg(ctx, &a[1]).format(&f)))
}

pub fn date_in_zone(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    date_in_zone_named(ctx, "dateInZone", a)
}

pub fn date_in_zone_snake(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    date_in_zone_named(ctx, "date_in_zone", a)
}

pub fn html_date(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("htmlDate", &a, 1)?;
    Ok(Value::str(date_arg(ctx, &a[0]).format("2006-01-02")))
}

pub fn html_date_in_zone(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("htmlDateInZone", &a, 2)?;
    string(&a[1])?;
    Ok(Value::str(date_arg(ctx, &a[0]).format("2006-01-02")))
}

fn time_param(v: &Value) -> Result<Time, CallError> {
    as_time(v).ok_or_else(|| type_error("time.Time", v))
}

pub fn unix_epoch(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("unixEpoch", &a, 1)?;
    Ok(Value::str(time_param(&a[0])?.unix.to_string()))
}

fn to_date_inner(a: &[Value], name: &str) -> Result<Result<Time, String>, CallError> {
    arity(name, a, 2)?;
    let layout = string(&a[0])?;
    let s = string(&a[1])?;
    Ok(parse_time(&layout, &s).ok_or_else(|| {
        format!(
            "parsing time {} as {}: cannot parse",
            crate::render::gofmt::quote(&s),
            crate::render::gofmt::quote(&layout)
        )
    }))
}

pub fn to_date(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(time_value(
        to_date_inner(&a, "toDate")?.unwrap_or_else(|_| Time::zero()),
    ))
}

pub fn must_to_date(_: &mut FuncCtx, a: Vec<Value>) -> R {
    to_date_inner(&a, "mustToDate")?
        .map(time_value)
        .map_err(failed)
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if n == 0 {
            return None;
        }
        let x: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .bytes()
            .take_while(|b| !(b.is_ascii_digit() || *b == b'.'))
            .count();
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u..];
        total += x * unit;
    }
    if total > 9.2e18 {
        return None;
    }
    let t = total as i64;
    Some(if neg { -t } else { t })
}

/// Go's `time.Duration.String`.
pub fn duration_string(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (v, unit) = if u < 1_000 {
            (u as f64, "ns")
        } else if u < 1_000_000 {
            (u as f64 / 1e3, "µs")
        } else {
            (u as f64 / 1e6, "ms")
        };
        out.push_str(&crate::render::gofmt::format_float(v, b'g', -1, 64));
        out.push_str(unit);
    } else {
        let h = u / 3_600_000_000_000;
        let m = u / 60_000_000_000 % 60;
        let s_ns = u % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        let secs = s_ns / 1_000_000_000;
        let frac = s_ns % 1_000_000_000;
        if frac == 0 {
            out.push_str(&format!("{secs}s"));
        } else {
            let f = format!("{frac:09}");
            out.push_str(&format!("{secs}.{}s", f.trim_end_matches('0')));
        }
    }
    if neg { format!("-{out}") } else { out }
}

pub fn duration(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("duration", &a, 1)?;
    let n: i64 = match &a[0].kind {
        Kind::Str(s) => s.parse().unwrap_or(0),
        Kind::Int64(i) => *i,
        _ => 0,
    };
    Ok(Value::str(duration_string(n.wrapping_mul(1_000_000_000))))
}

pub fn duration_round(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("durationRound", &a, 1)?;
    let d: i64 = match &a[0].kind {
        Kind::Str(s) => parse_duration(s).unwrap_or(0),
        Kind::Int64(i) => *i,
        Kind::Object(_) => match as_time(&a[0]) {
            Some(t) => (ctx.now_unix - t.unix).saturating_mul(1_000_000_000),
            None => 0,
        },
        _ => 0,
    };
    let u = d.unsigned_abs();
    let hour = 3_600_000_000_000u64;
    let (year, month, day, minute, second) = (
        hour * 24 * 365,
        hour * 24 * 30,
        hour * 24,
        60_000_000_000u64,
        1_000_000_000u64,
    );
    let s = if u > year {
        format!("{}y", u / year)
    } else if u > month {
        format!("{}mo", u / month)
    } else if u > day {
        format!("{}d", u / day)
    } else if u > hour {
        format!("{}h", u / hour)
    } else if u > minute {
        format!("{}m", u / minute)
    } else if u > second {
        format!("{}s", u / second)
    } else {
        "0s".into()
    };
    Ok(Value::str(s))
}

pub fn ago(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("ago", &a, 1)?;
    let t = date_arg(ctx, &a[0]);
    Ok(Value::str(duration_string(
        (ctx.now_unix - t.unix).saturating_mul(1_000_000_000),
    )))
}

fn date_modify_inner(a: &[Value], name: &str) -> Result<Result<Time, String>, CallError> {
    arity(name, a, 2)?;
    let f = string(&a[0])?;
    let t = time_param(&a[1])?;
    Ok(match parse_duration(&f) {
        Some(d) => {
            let total = t.nanos as i64 + d.rem_euclid(1_000_000_000);
            Ok(Time::utc(
                t.unix + d.div_euclid(1_000_000_000) + total / 1_000_000_000,
                (total % 1_000_000_000) as u32,
            ))
        }
        None => Err(format!(
            "time: invalid duration {}",
            crate::render::gofmt::quote(&f)
        )),
    })
}

pub fn date_modify(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let orig = a.get(1).cloned();
    match date_modify_inner(&a, "dateModify")? {
        Ok(t) => Ok(time_value(t)),
        Err(_) => Ok(orig.unwrap_or_else(Value::nil)),
    }
}

pub fn date_modify_snake(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let orig = a.get(1).cloned();
    match date_modify_inner(&a, "date_modify")? {
        Ok(t) => Ok(time_value(t)),
        Err(_) => Ok(orig.unwrap_or_else(Value::nil)),
    }
}

pub fn must_date_modify(_: &mut FuncCtx, a: Vec<Value>) -> R {
    date_modify_inner(&a, "mustDateModify")?
        .map(time_value)
        .map_err(failed)
}

pub fn must_date_modify_snake(_: &mut FuncCtx, a: Vec<Value>) -> R {
    date_modify_inner(&a, "must_date_modify")?
        .map(time_value)
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_parsing() {
        let t = Time::utc(1_735_689_600 + 3_723, 500_000_000);
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2025-01-01T01:02:03Z"
        );
        assert_eq!(
            t.format("Mon Jan _2 15:04:05.000 2006"),
            "Wed Jan  1 01:02:03.500 2025"
        );
        assert_eq!(t.print(), "2025-01-01 01:02:03.5 +0000 UTC");
        assert_eq!(Time::zero().print(), "0001-01-01 00:00:00 +0000 UTC");
        let p = parse_time("2006-01-02", "2024-02-29").unwrap();
        assert_eq!(p.format("2006-01-02 Monday"), "2024-02-29 Thursday");
        assert!(parse_time("2006-01-02", "2023-02-29").is_none());
        assert_eq!(duration_string(3_700_000_000_000), "1h1m40s");
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(1_500_000), "1.5ms");
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
    }
}
