//! The figures of a bench run and the two reports made of them: `report.json` (one object per
//! figure) and `report.md` (a summary table, the details, the targets missed).

use std::fmt::Write as _;

/// Which way a ratio is good.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Costs (time, bytes, CPU): tucuxi / peer should be at most the target.
    Lower,
    /// Rates (requests or signatures per second): tucuxi / peer should be at least the target.
    Higher,
}

/// One measured figure. `tucuxi` or `peer` is `None` when it was not measured; `note` says why.
#[derive(Clone)]
pub struct Figure {
    pub section: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub tucuxi: Option<f64>,
    pub peer: Option<f64>,
    pub peer_name: String,
    pub better: Better,
    /// The target for tucuxi / peer, if the issue sets one.
    pub target: Option<f64>,
    pub note: String,
}

impl Figure {
    pub fn new(
        section: &'static str,
        name: impl Into<String>,
        unit: &'static str,
        peer_name: impl Into<String>,
    ) -> Self {
        Figure {
            section,
            name: name.into(),
            unit,
            tucuxi: None,
            peer: None,
            peer_name: peer_name.into(),
            better: Better::Lower,
            target: None,
            note: String::new(),
        }
    }

    pub fn values(mut self, tucuxi: Option<f64>, peer: Option<f64>) -> Self {
        self.tucuxi = tucuxi;
        self.peer = peer;
        self
    }

    pub fn target(mut self, target: f64) -> Self {
        self.target = Some(target);
        self
    }

    pub fn higher_is_better(mut self) -> Self {
        self.better = Better::Higher;
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    pub fn ratio(&self) -> Option<f64> {
        match (self.tucuxi, self.peer) {
            (Some(t), Some(p)) if p > 0.0 => Some(t / p),
            _ => None,
        }
    }

    pub fn met(&self) -> Option<bool> {
        let (ratio, target) = (self.ratio()?, self.target?);
        Some(match self.better {
            Better::Lower => ratio <= target,
            Better::Higher => ratio >= target,
        })
    }

    fn target_text(&self) -> String {
        match (self.target, self.better) {
            (Some(t), Better::Lower) => format!("≤ {}", fmt_ratio(t)),
            (Some(t), Better::Higher) => format!("≥ {}", fmt_ratio(t)),
            (None, _) => String::new(),
        }
    }

    /// By how much a missed target is missed: the factor between the ratio and the target.
    fn miss(&self) -> Option<f64> {
        if self.met()? {
            return None;
        }
        let (ratio, target) = (self.ratio()?, self.target?);
        Some(match self.better {
            Better::Lower => ratio / target,
            Better::Higher => target / ratio,
        })
    }
}

fn fmt_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}")
    } else if r >= 0.1 {
        format!("{r:.2}")
    } else {
        format!("{r:.3}")
    }
}

/// A miss factor: near 1 it needs more digits, or a narrow miss would print as `1.00`.
fn fmt_miss(m: f64) -> String {
    if m < 1.1 {
        format!("{m:.3}")
    } else {
        fmt_ratio(m)
    }
}

/// A value with a precision that suits its size.
fn fmt_value(v: Option<f64>) -> String {
    match v {
        None => "not measured".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => group(v as i64),
        Some(v) if v.abs() >= 1000.0 => group(v.round() as i64),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) if v.abs() >= 0.1 => format!("{v:.2}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// An integer with thousands separators.
pub fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        out.insert(0, '-');
    }
    out
}

fn json_number(v: Option<f64>) -> serde_json::Value {
    v.and_then(serde_json::Number::from_f64).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The figures of an earlier `report.json`, to keep with `--merge`; an unreadable file gives none.
pub fn read_json(path: &std::path::Path) -> Vec<Figure> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    items
        .iter()
        .map(|v| {
            let target = text(v, "target");
            let target_value = target.trim_start_matches(['≤', '≥', ' ']).parse::<f64>().ok();
            // Section and unit names are a closed set; leak the few strings rather than own them.
            let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
            Figure {
                section: leak(text(v, "section")),
                name: text(v, "name"),
                unit: leak(text(v, "unit")),
                tucuxi: v["tucuxi"].as_f64(),
                peer: v["peer"].as_f64(),
                peer_name: text(v, "peer_name"),
                better: if text(v, "better") == "higher" { Better::Higher } else { Better::Lower },
                // A target of 1/3 is printed rounded; the exact fractions the bench uses come back.
                target: target_value.map(|t| if (t - 0.33).abs() < 0.01 { 1.0 / 3.0 } else { t }),
                note: text(v, "note"),
            }
        })
        .collect()
}

/// Adds the `previous` figures this run did not measure (same name, same peer), in their
/// section's place, each noted as coming from the earlier run. A figure this run left
/// unmeasured is replaced by an earlier measured one.
pub fn merge(figures: &mut Vec<Figure>, previous: &[Figure]) {
    let measured = |f: &Figure| f.tucuxi.is_some() || f.peer.is_some();
    for old in previous.iter().filter(|f| measured(f)) {
        let mut keep = old.clone();
        if !keep.note.contains("earlier run") {
            let sep = if keep.note.is_empty() { "" } else { "; " };
            keep.note = format!("from an earlier run{sep}{}", keep.note);
        }
        match figures.iter().position(|f| f.name == old.name && f.peer_name == old.peer_name) {
            Some(i) if measured(&figures[i]) => {}
            Some(i) => figures[i] = keep,
            None => {
                let at = figures.iter().rposition(|f| f.section == keep.section).map_or(figures.len(), |i| i + 1);
                figures.insert(at, keep);
            }
        }
    }
}

pub fn to_json(figures: &[Figure]) -> String {
    let array: Vec<serde_json::Value> = figures
        .iter()
        .map(|f| {
            serde_json::json!({
                "section": f.section,
                "name": f.name,
                "unit": f.unit,
                "tucuxi": json_number(f.tucuxi),
                "peer": json_number(f.peer),
                "peer_name": f.peer_name,
                "ratio": json_number(f.ratio()),
                "better": if f.better == Better::Lower { "lower" } else { "higher" },
                "target": f.target_text(),
                "met": f.met(),
                "note": f.note,
            })
        })
        .collect();
    serde_json::to_string_pretty(&array).expect("plain values always serialise") + "\n"
}

/// The summary table: every figure with a target, in section order.
pub fn summary_table(figures: &[Figure]) -> String {
    let mut out = String::from("| figure | tucuxi | peer | ratio | target | met |\n|---|---|---|---|---|---|\n");
    for f in figures.iter().filter(|f| f.target.is_some()) {
        row(&mut out, f, true);
    }
    out
}

fn row(out: &mut String, f: &Figure, with_target: bool) {
    let ratio = f.ratio().map(|r| format!("{}×", fmt_ratio(r))).unwrap_or_else(|| "–".into());
    let peer = format!("{} ({})", fmt_value(f.peer), f.peer_name);
    let met = match f.met() {
        Some(true) => "yes".to_owned(),
        Some(false) => format!("**no** ({}× off)", fmt_miss(f.miss().unwrap_or(0.0))),
        None if f.target.is_some() => "not measured".to_owned(),
        None => String::new(),
    };
    let name = format!("{} [{}]", f.name, f.unit);
    if with_target {
        let _ = writeln!(out, "| {name} | {} | {peer} | {ratio} | {} | {met} |", fmt_value(f.tucuxi), f.target_text());
    } else {
        let note = if f.note.is_empty() { String::new() } else { f.note.clone() };
        let _ = writeln!(
            out,
            "| {name} | {} | {peer} | {ratio} | {} | {met} | {note} |",
            fmt_value(f.tucuxi),
            f.target_text()
        );
    }
}

pub fn to_markdown(figures: &[Figure], header: &str, closing: &str) -> String {
    let mut out = String::new();
    out.push_str(header);
    out.push_str("\n## Summary (figures with a target)\n\n");
    out.push_str(&summary_table(figures));
    let mut sections: Vec<&str> = Vec::new();
    for f in figures {
        if !sections.contains(&f.section) {
            sections.push(f.section);
        }
    }
    for section in sections {
        let _ = write!(
            out,
            "\n## {section}\n\n| figure | tucuxi | peer | ratio | target | met | note |\n|---|---|---|---|---|---|---|\n"
        );
        for f in figures.iter().filter(|f| f.section == section) {
            row(&mut out, f, false);
        }
    }
    out.push_str("\n## Targets missed\n\n");
    let missed: Vec<&Figure> = figures.iter().filter(|f| f.met() == Some(false)).collect();
    if missed.is_empty() {
        out.push_str("None of the measured targets was missed.\n");
    }
    for f in missed {
        let _ = writeln!(
            out,
            "- {}: ratio {}× against a target of {}, off by a factor of {}.",
            f.name,
            fmt_ratio(f.ratio().unwrap_or(0.0)),
            f.target_text(),
            fmt_miss(f.miss().unwrap_or(0.0))
        );
    }
    let unmeasured: Vec<&Figure> = figures.iter().filter(|f| f.target.is_some() && f.met().is_none()).collect();
    if !unmeasured.is_empty() {
        out.push_str("\nTargets not measured in this run:\n\n");
        for f in unmeasured {
            let _ = writeln!(out, "- {}: {}", f.name, if f.note.is_empty() { "no value" } else { &f.note });
        }
    }
    out.push_str("\n## Notes\n\n");
    out.push_str(closing);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_targets_and_misses() {
        let cost = Figure::new("s", "build", "s", "peer").values(Some(30.0), Some(120.0)).target(0.2);
        assert_eq!(cost.ratio(), Some(0.25));
        assert_eq!(cost.met(), Some(false));
        assert!((cost.miss().unwrap() - 1.25).abs() < 1e-9);
        let rate =
            Figure::new("s", "rps", "req/s", "peer").values(Some(300.0), Some(100.0)).higher_is_better().target(2.0);
        assert_eq!(rate.met(), Some(true));
        assert_eq!(rate.miss(), None);
        let missing = Figure::new("s", "x", "s", "peer").values(Some(1.0), None).target(0.5).note("skipped in --quick");
        assert_eq!((missing.ratio(), missing.met()), (None, None));
    }

    #[test]
    fn reports_keep_every_field_and_name_misses() {
        let figures = vec![
            Figure::new("Builds", "s3 app", "s", "aws-sdk-s3").values(Some(30.0), Some(120.0)).target(0.2),
            Figure::new("Builds", "lines", "lines", "aws-sdk-s3").values(Some(1234.0), None).note("not measured: why"),
        ];
        let json: serde_json::Value = serde_json::from_str(&to_json(&figures)).unwrap();
        let first = &json[0];
        for key in ["name", "unit", "tucuxi", "peer", "peer_name", "ratio", "target", "met"] {
            assert!(first.get(key).is_some(), "{key} is missing");
        }
        assert_eq!(first["ratio"], 0.25);
        assert_eq!(json[1]["peer"], serde_json::Value::Null);
        let md = to_markdown(&figures, "# head\n", "notes\n");
        assert!(md.contains("| s3 app [s] | 30 | 120 (aws-sdk-s3) | 0.25× | ≤ 0.20 | **no** (1.25× off) |"), "{md}");
        assert!(md.contains("- s3 app: ratio 0.25× against a target of ≤ 0.20, off by a factor of 1.25."));
        assert!(md.contains("| lines [lines] | 1,234 | not measured (aws-sdk-s3) |"));
    }
}
