//! Amounts in 万元, the unit of table 二's 行政事业性收费 row.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Fen (0.01 元) in one 万元.
const FEN_PER_WAN: i64 = 1_000_000;

/// An amount of money in 万元, exact to the fen (six decimals of 万元).
///
/// Reports print 本年收费金额 in 万元 with zero to four decimals; floats would turn 0.3 into
/// 0.29999…, so the amount is kept as an integer number of fen and rendered without trailing zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WanYuan {
    fen: i64,
}

impl WanYuan {
    /// Zero.
    pub const ZERO: Self = Self { fen: 0 };

    /// An amount from a number of fen.
    pub const fn from_fen(fen: i64) -> Self {
        Self { fen }
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.fen
    }

    /// Whether the amount is below zero (never valid in a report).
    pub const fn is_negative(self) -> bool {
        self.fen < 0
    }
}

/// Why a text is not an amount in 万元.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是以万元为单位的金额：请写成数字，例如 0、12.5 或 0.0350（最多六位小数）")]
pub struct ParseWanYuanError(pub String);

impl FromStr for WanYuan {
    type Err = ParseWanYuanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseWanYuanError(s.to_owned());
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        if frac.len() > 6
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (t.contains('.') && frac.is_empty())
        {
            return Err(err());
        }
        let whole: i64 = int.parse().map_err(|_| err())?;
        let mut frac_fen: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            frac_fen += i64::from(b - b'0') * 10_i64.pow(5 - u32::try_from(i).map_err(|_| err())?);
        }
        let fen = whole
            .checked_mul(FEN_PER_WAN)
            .and_then(|f| f.checked_add(frac_fen))
            .ok_or_else(err)?;
        Ok(Self {
            fen: if neg { -fen } else { fen },
        })
    }
}

impl fmt::Display for WanYuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.fen < 0 { "-" } else { "" };
        let abs = self.fen.unsigned_abs();
        let whole = abs / FEN_PER_WAN.unsigned_abs();
        let frac = abs % FEN_PER_WAN.unsigned_abs();
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Serialize for WanYuan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WanYuan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl crate::Refusal for ParseWanYuanError {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_print_without_trailing_zeros() {
        assert_eq!(WanYuan::ZERO.to_string(), "0");
        assert_eq!("12.50".parse::<WanYuan>().unwrap().to_string(), "12.5");
        assert_eq!("0.035".parse::<WanYuan>().unwrap().fen(), 35_000);
        assert_eq!("-1.2".parse::<WanYuan>().unwrap().to_string(), "-1.2");
    }

    #[test]
    fn text_that_is_not_an_amount_is_refused() {
        for bad in ["", "1.", ".5", "1,000", "壹", "1.1234567", "1e3"] {
            assert!(bad.parse::<WanYuan>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn printing_then_parsing_gives_the_same_amount(fen in -10_i64.pow(15)..10_i64.pow(15)) {
            let a = WanYuan::from_fen(fen);
            prop_assert_eq!(a.to_string().parse::<WanYuan>().unwrap(), a);
        }
    }
}
