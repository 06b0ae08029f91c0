//! Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`), parsed as the API server does.

/// Parses a quantity into its value in base units (cores or bytes). `None` when invalid.
pub fn parse(text: &str) -> Option<f64> {
    let s = text.trim();
    if s.is_empty() || s != text {
        return None;
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if num.is_empty()
        || num == "+"
        || num == "-"
        || num.matches('.').count() > 1
        || num[1..].contains(['+', '-'])
    {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?;
            let e: i32 = exp.parse().ok()?;
            10f64.powi(e)
        }
    };
    Some(value * factor)
}

/// A suggestion for a common mistake (`700MB` → `700M` or `700Mi`, `500mi` → `500Mi`).
pub fn suggest(text: &str) -> Option<String> {
    let s = text.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, suffix) = s.split_at(split);
    let fixed = match suffix {
        "KB" | "kb" | "Kb" => "Ki",
        "MB" | "mb" | "Mb" | "mi" | "MI" => "Mi",
        "GB" | "gb" | "Gb" | "gi" | "GI" => "Gi",
        "TB" | "tb" | "ti" | "TI" => "Ti",
        "ki" | "KI" | "K" => "Ki",
        "g" => "G",
        _ => return None,
    };
    Some(format!("{num}{fixed}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse("100m"), Some(0.1));
        assert_eq!(parse("1"), Some(1.0));
        assert_eq!(parse("700Mi"), Some(700.0 * 1048576.0));
        assert_eq!(parse("1.5Gi"), Some(1.5 * 1073741824.0));
        assert_eq!(parse("2e3"), Some(2000.0));
        assert_eq!(parse("700MB"), None);
        assert_eq!(parse("500mi"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("1.2.3"), None);
        assert_eq!(suggest("700MB").as_deref(), Some("700Mi"));
        assert_eq!(suggest("500mi").as_deref(), Some("500Mi"));
    }
}
