//! `valid_from` / `valid_to`: OpenSSL 3.0's `ASN1_TIME_print` of a certificate
//! time (`"Nov 23 14:49:20 2026 GMT"`, day padded with a space).
//!
//! Certificate times are read in OpenSSL's strict X.509 mode
//! (`ASN1_STRING_FLAG_X509_TIME`, RFC 5280): UTCTime `YYMMDDHHMMSSZ` or
//! GeneralizedTime `YYYYMMDDHHMMSSZ` exactly, with valid calendar values. Anything
//! else (offsets, fractions, missing seconds, February 30th) prints as OpenSSL
//! prints it: `"Bad time value"` (checked against Node by the tests).

use super::der::{TAG_GENERALIZED_TIME, TAG_UTC_TIME};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Tm {
    pub(crate) year: u32,
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

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// `ossl_asn1_time_to_tm` in strict X.509 mode.
pub(crate) fn parse(tag: u8, s: &[u8]) -> Option<Tm> {
    let (year, rest) = match (tag, s.len()) {
        (TAG_UTC_TIME, 13) => {
            let yy = digits(s, 0, 2)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
        }
        (TAG_GENERALIZED_TIME, 15) => (digits(s, 0, 4)?, &s[4..]),
        _ => return None,
    };
    if rest.get(10) != Some(&b'Z') {
        return None;
    }
    let tm = Tm {
        year,
        month: digits(rest, 0, 2)?,
        day: digits(rest, 2, 2)?,
        hour: digits(rest, 4, 2)?,
        minute: digits(rest, 6, 2)?,
        second: digits(rest, 8, 2)?,
    };
    let valid = (1..=12).contains(&tm.month)
        && tm.day >= 1
        && tm.day <= days_in_month(tm.year, tm.month)
        && tm.hour <= 23
        && tm.minute <= 59
        && tm.second <= 59;
    valid.then_some(tm)
}

/// `ASN1_TIME_print` of a certificate time.
pub(crate) fn print(tag: u8, s: &[u8]) -> String {
    let Some(tm) = parse(tag, s) else {
        return "Bad time value".to_owned();
    };
    format!(
        "{} {:2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[(tm.month - 1) as usize],
        tm.day,
        tm.hour,
        tm.minute,
        tm.second,
        tm.year
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
            print(TAG_UTC_TIME, b"280229151818Z"),
            "Feb 29 15:18:18 2028 GMT"
        );
        assert_eq!(
            print(TAG_GENERALIZED_TIME, b"20500101000000Z"),
            "Jan  1 00:00:00 2050 GMT"
        );
    }

    #[test]
    fn strict_x509_times_only() {
        for (tag, s) in [
            (TAG_GENERALIZED_TIME, &b"20500101000000.25Z"[..]),
            (TAG_GENERALIZED_TIME, b"2081082600+0130"),
            (TAG_UTC_TIME, b"2611231518+01"),
            (TAG_UTC_TIME, b"2611231518Z"),
            (TAG_UTC_TIME, b"260230151818Z"),
            (TAG_UTC_TIME, b"261131144920Z"),
            (TAG_UTC_TIME, b"261123144960Z"),
            (TAG_UTC_TIME, b""),
        ] {
            assert_eq!(print(tag, s), "Bad time value", "{s:?}");
        }
    }
}
