//! `valid_from` / `valid_to`: OpenSSL 3.0's `ASN1_TIME_print`
//! (`"Nov 23 14:49:20 2026 GMT"`, day padded with a space, fractional seconds of a
//! GeneralizedTime kept, `"Bad time value"` for what OpenSSL cannot read).

use super::der::{TAG_GENERALIZED_TIME, TAG_UTC_TIME};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar time in UTC (after applying any `+hhmm` offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Tm {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    let mut v = 0u32;
    for &b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// Day, month, hour, minute and second are small and non-negative by construction.
#[allow(clippy::cast_sign_loss)]
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parsed time, fractional-second text (with its dot) and whether it ends in `Z`.
pub(crate) struct ParsedTime<'a> {
    pub(crate) tm: Tm,
    fraction: &'a [u8],
    gmt: bool,
}

/// `ossl_asn1_time_to_tm`: UTCTime `YYMMDDhhmm[ss](Z|±hhmm)` or GeneralizedTime
/// `YYYYMMDDhh[mm[ss[.fff]]](Z|±hhmm)`.
pub(crate) fn parse(tag: u8, s: &[u8]) -> Option<ParsedTime<'_>> {
    let generalized = match tag {
        TAG_UTC_TIME => false,
        TAG_GENERALIZED_TIME => true,
        _ => return None,
    };
    let mut i;
    let year = if generalized {
        i = 4;
        i64::from(digits(s, 0, 4)?)
    } else {
        i = 2;
        let yy = i64::from(digits(s, 0, 2)?);
        if yy < 50 {
            2000 + yy
        } else {
            1900 + yy
        }
    };
    let month = digits(s, i, 2)?;
    let day = digits(s, i + 2, 2)?;
    let hour = digits(s, i + 4, 2)?;
    i += 6;
    let mut minute = 0;
    let mut second = 0;
    let mut fraction: &[u8] = &[];
    // Minutes are required in UTCTime, optional in GeneralizedTime; seconds optional.
    if let Some(m) = digits(s, i, 2) {
        minute = m;
        i += 2;
        if let Some(sec) = digits(s, i, 2) {
            second = sec;
            i += 2;
            if generalized && s.get(i) == Some(&b'.') {
                let start = i;
                i += 1;
                while s.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start + 1 {
                    return None;
                }
                fraction = &s[start..i];
            }
        }
    } else if !generalized {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut tm = Tm {
        year,
        month,
        day,
        hour,
        minute,
        second,
    };
    let gmt = match s.get(i) {
        Some(b'Z') if i + 1 == s.len() => true,
        Some(&sign @ (b'+' | b'-')) if i + 5 == s.len() => {
            let oh = digits(s, i + 1, 2)?;
            let om = digits(s, i + 3, 2)?;
            if oh > 12 || om > 59 {
                return None;
            }
            // OpenSSL subtracts the offset to get UTC.
            let off = i64::from(oh * 3600 + om * 60);
            let off = if sign == b'+' { -off } else { off };
            tm = adjust(tm, off);
            false
        }
        _ => return None,
    };
    Some(ParsedTime { tm, fraction, gmt })
}

// `rem` is in 0..86400 (rem_euclid), so the casts are exact.
#[allow(clippy::cast_sign_loss)]
fn adjust(tm: Tm, seconds: i64) -> Tm {
    let days = days_from_civil(tm.year, tm.month, tm.day);
    let secs = days * 86_400
        + i64::from(tm.hour) * 3600
        + i64::from(tm.minute) * 60
        + i64::from(tm.second)
        + seconds;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    Tm {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
    }
}

/// `ASN1_TIME_print`.
pub(crate) fn print(tag: u8, s: &[u8]) -> String {
    let Some(p) = parse(tag, s) else {
        return "Bad time value".to_owned();
    };
    let tm = p.tm;
    format!(
        "{} {:2} {:02}:{:02}:{:02}{} {}{}",
        MONTHS[(tm.month - 1) as usize],
        tm.day,
        tm.hour,
        tm.minute,
        tm.second,
        String::from_utf8_lossy(p.fraction),
        tm.year,
        if p.gmt { " GMT" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_openssl() {
        assert_eq!(
            print(TAG_UTC_TIME, b"261123144920Z"),
            "Nov 23 14:49:20 2026 GMT"
        );
        assert_eq!(
            print(TAG_UTC_TIME, b"500103000000Z"),
            "Jan  3 00:00:00 1950 GMT"
        );
        assert_eq!(
            print(TAG_GENERALIZED_TIME, b"20500101000000.25Z"),
            "Jan  1 00:00:00.25 2050 GMT"
        );
        assert_eq!(
            print(TAG_UTC_TIME, b"261123144920+0100"),
            "Nov 23 13:49:20 2026"
        );
        assert_eq!(print(TAG_UTC_TIME, b"261131144920Z"), "Bad time value");
        assert_eq!(print(TAG_UTC_TIME, b""), "Bad time value");
    }
}
