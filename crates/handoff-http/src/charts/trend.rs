//! A trend line (e.g. a pair's health month by month) drawn with plotters' SVG backend.
//!
//! plotters is built without its `ttf` feature: text size is estimated and the text is
//! written as `<text>` elements for the browser to draw, so no font is read on the
//! server, at build time or at run time.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{escape_xml, format_value, one_line, truncate};

/// One period of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The period's name on the x axis, e.g. "2026-03".
    pub label: String,
    /// 0..100; `None` (too few events) leaves a gap in the line. Values outside the range
    /// are clamped; NaN and infinities count as `None`.
    pub value: Option<f64>,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 240;
const MARGIN: u32 = 12;
const Y_LABEL_AREA: u32 = 34;
const X_LABEL_AREA: u32 = 26;
const MAX_LABEL_CHARS: usize = 16;
/// How many periods the text description lists at most (the most recent ones).
const DESCRIBED_POINTS: usize = 36;

const LINE: RGBColor = RGBColor(0x1d, 0x4e, 0xd8);
const GRID: RGBColor = RGBColor(0xe5, 0xe7, 0xeb);
const AXIS: RGBColor = RGBColor(0x6b, 0x72, 0x80);
const INK: RGBColor = RGBColor(0x11, 0x18, 0x27);
const MUTED: RGBColor = RGBColor(0x37, 0x41, 0x51);

/// Draws `points` in order as a line on a 0..100 scale, 640 × 240, with `title` above it.
/// Periods without a value break the line; a value with no neighbour is a dot.
pub fn trend_svg(title: &str, points: &[TrendPoint]) -> String {
    let title = one_line(title);
    let labels: Vec<String> = points
        .iter()
        .map(|p| truncate(&one_line(&p.label), MAX_LABEL_CHARS))
        .collect();
    let values: Vec<Option<f64>> = points.iter().map(|p| clean(p.value)).collect();
    let name = if title.is_empty() {
        "Trend".to_owned()
    } else {
        title.clone()
    };
    let summary = summary(&name, &labels, &values);

    let mut body = String::new();
    if let Err(error) = draw(&mut body, &title, &labels, &values) {
        tracing::warn!(%error, "drawing a trend chart failed");
        body.clear();
    }
    let Some(rest) = body
        .strip_prefix("<svg")
        .and_then(|r| r.find('>').map(|end| &r[end + 1..]))
    else {
        // Nothing drawn: the frame alone, which still says what it is.
        return frame(&summary, &describe(&labels, &values), "");
    };
    let content = rest.trim_end().strip_suffix("</svg>").unwrap_or(rest);
    frame(&summary, &describe(&labels, &values), content)
}

/// Our own root element around plotters' drawing: accessible name, description, and a
/// viewBox so it scales.
fn frame(summary: &str, description: &str, content: &str) -> String {
    let mut svg = String::with_capacity(content.len() + 512);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="handoff-trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{s}"><title>{s}</title><desc>{d}</desc>"#,
        s = escape_xml(summary),
        d = escape_xml(description),
    );
    svg.push_str(content);
    svg.push_str("</svg>");
    svg
}

fn clean(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite()).map(|v| v.clamp(0.0, 100.0))
}

fn summary(name: &str, labels: &[String], values: &[Option<f64>]) -> String {
    let latest = values
        .iter()
        .zip(labels)
        .rev()
        .find_map(|(v, l)| v.map(|v| (v, l)));
    match latest {
        _ if labels.is_empty() => format!("{name}: no data"),
        None => format!("{name}: not enough events in any period"),
        Some((v, l)) => format!(
            "{name}, {} to {}: latest {} in {l}",
            labels[0],
            labels[labels.len() - 1],
            format_value(v)
        ),
    }
}

fn describe(labels: &[String], values: &[Option<f64>]) -> String {
    let skip = labels.len().saturating_sub(DESCRIBED_POINTS);
    let mut out = String::new();
    for (label, value) in labels.iter().zip(values).skip(skip) {
        if !out.is_empty() {
            out.push_str("; ");
        }
        match value {
            Some(v) => {
                let _ = write!(out, "{label}: {}", format_value(*v));
            }
            None => {
                let _ = write!(out, "{label}: not enough events");
            }
        }
    }
    out
}

/// Runs of consecutive values: each is drawn as one line; a break between them is a gap.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(i32, f64)>> {
    let mut runs: Vec<Vec<(i32, f64)>> = Vec::new();
    let mut current: Vec<(i32, f64)> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => current.push((x_of(i), *v)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Where period `i` sits on the x axis (see `draw`).
fn x_of(i: usize) -> i32 {
    i32::try_from(i).map_or(i32::MAX, |i| i.saturating_mul(2).saturating_add(1))
}

/// Every how many periods an x label fits.
fn label_step(labels: &[String]) -> usize {
    let plot_width = f64::from(WIDTH - 2 * MARGIN - Y_LABEL_AREA);
    let widest = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let per_label = widest as f64 * 5.8 + 6.0;
    let fit = ((plot_width / per_label).floor() as usize).max(1);
    labels.len().div_ceil(fit).max(1)
}

fn draw(
    buf: &mut String,
    title: &str,
    labels: &[String],
    values: &[Option<f64>],
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(buf, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;

    // x counts half periods, so that period i sits at 2 i + 1, centred in its slot with
    // half a slot free at either end (plotters formats integer axes with key points we
    // choose; its float axes only with key points it chooses).
    let count = labels.len().max(1);
    let step = label_step(labels);
    let x_keys: Vec<i32> = (0..labels.len()).step_by(step).map(x_of).collect();
    let x_range = (0..2 * count as i32).with_key_points(x_keys);
    let y_range = 0.0..100.0;

    let mut builder = ChartBuilder::on(&root);
    builder
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA);
    if !title.is_empty() {
        builder.caption(title, ("sans-serif", 20).into_font().color(&INK));
    }
    let mut chart = builder.build_cartesian_2d(x_range, y_range)?;

    let label_at = |x: &i32| -> String {
        if x % 2 == 1 {
            labels.get((x / 2) as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(("sans-serif", 13).into_font().color(&MUTED))
        .x_label_formatter(&label_at)
        .y_labels(6)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;

    for run in runs(values) {
        if run.len() > 1 {
            chart.draw_series(std::iter::once(PathElement::new(
                run.clone(),
                LINE.stroke_width(2),
            )))?;
        }
        chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, LINE.filled())))?;
    }

    if values.iter().all(Option::is_none) {
        let message = if labels.is_empty() {
            "No data yet"
        } else {
            "Not enough events yet"
        };
        let style = ("sans-serif", 16)
            .into_font()
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .plotting_area()
            .draw(&Text::new(message, (count as i32, 50.0), style))?;
    }

    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::check_xml;
    use super::*;

    fn p(label: &str, value: Option<f64>) -> TrendPoint {
        TrendPoint {
            label: label.to_owned(),
            value,
        }
    }

    fn months(values: &[Option<f64>]) -> Vec<TrendPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| p(&format!("2026-{:02}", i + 1), *v))
            .collect()
    }

    /// The number of points of each data line (a blue `<polyline>`), and the number of dots.
    fn lines_and_dots(svg: &str) -> (Vec<usize>, usize) {
        let lines = svg
            .split("<polyline")
            .skip(1)
            .map(|l| &l[..l.find("/>").unwrap()])
            .filter(|l| l.contains(r##"stroke="#1D4ED8""##))
            .map(|l| {
                let start = l.find("points=\"").unwrap() + 8;
                l[start..start + l[start..].find('"').unwrap()]
                    .split_whitespace()
                    .count()
            })
            .collect();
        (lines, svg.matches("<circle").count())
    }

    #[test]
    fn a_trend_is_an_accessible_scalable_svg_with_text() {
        let svg = trend_svg(
            "Health of Sales → Finance",
            &months(&[Some(80.0), Some(82.5), Some(70.0), Some(90.0)]),
        );
        check_xml(&svg).unwrap();
        assert!(svg.starts_with(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="handoff-trend" viewBox="0 0 640 240""#
        ));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(
            r#"aria-label="Health of Sales → Finance, 2026-01 to 2026-04: latest 90 in 2026-04""#
        ));
        assert!(svg.contains("<desc>2026-01: 80; 2026-02: 82.5; 2026-03: 70; 2026-04: 90</desc>"));
        assert_eq!(svg.matches("<svg").count(), 1);
        // Title and axis labels are text for the browser to draw.
        assert!(svg.contains(">\nHealth of Sales → Finance\n</text>"));
        for label in ["2026-01", "2026-02", "2026-03", "2026-04"] {
            assert!(svg.contains(&format!(">\n{label}\n</text>")), "{label}");
        }
        for tick in ["0", "20", "40", "60", "80", "100"] {
            assert!(svg.contains(&format!(">\n{tick}\n</text>")), "{tick}");
        }
        assert_eq!(lines_and_dots(&svg), (vec![4], 4));
    }

    #[test]
    fn none_values_break_the_line() {
        let svg = trend_svg(
            "Gaps",
            &months(&[
                Some(10.0),
                Some(20.0),
                None,
                Some(30.0),
                Some(40.0),
                Some(50.0),
                None,
                None,
                Some(60.0),
                None,
            ]),
        );
        check_xml(&svg).unwrap();
        // Two lines (2 and 3 points) and a lone dot: 6 values, 6 dots.
        assert_eq!(lines_and_dots(&svg), (vec![2, 3], 6));
        assert!(svg.contains("2026-03: not enough events"));
        assert!(svg.contains("latest 60 in 2026-09"));
    }

    #[test]
    fn nan_and_out_of_range_values_do_not_break_it() {
        let svg = trend_svg(
            "Odd",
            &months(&[
                Some(f64::NAN),
                Some(150.0),
                Some(-20.0),
                Some(f64::INFINITY),
                Some(f64::NEG_INFINITY),
                Some(42.0),
            ]),
        );
        check_xml(&svg).unwrap();
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // NaN and the infinities are gaps; 150 and -20 are clamped.
        assert_eq!(lines_and_dots(&svg), (vec![2], 3));
        assert!(svg.contains("<desc>2026-01: not enough events; 2026-02: 100; 2026-03: 0;"));
    }

    #[test]
    fn empty_and_valueless_inputs_say_so() {
        let svg = trend_svg("Nothing", &[]);
        check_xml(&svg).unwrap();
        assert!(svg.contains(r#"aria-label="Nothing: no data""#));
        assert!(svg.contains("No data yet"));
        assert_eq!(lines_and_dots(&svg), (vec![], 0));

        let svg = trend_svg("", &months(&[None, None, None]));
        check_xml(&svg).unwrap();
        assert!(svg.contains(r#"aria-label="Trend: not enough events in any period""#));
        assert!(svg.contains("Not enough events yet"));
        assert_eq!(lines_and_dots(&svg), (vec![], 0));

        let svg = trend_svg("One", &months(&[Some(55.0)]));
        check_xml(&svg).unwrap();
        assert_eq!(lines_and_dots(&svg), (vec![], 1));
    }

    #[test]
    fn titles_and_labels_are_escaped() {
        let svg = trend_svg(
            "R&D <\"Labs\"> 'x'\u{7}",
            &[p("Q1 & <Q2>", Some(50.0)), p("Q3\n\"Q4\"", Some(60.0))],
        );
        check_xml(&svg).unwrap();
        assert!(svg.contains("R&amp;D &lt;&quot;Labs&quot;&gt; &apos;x&apos;"));
        assert!(svg.contains("Q1 &amp; &lt;Q2&gt;"));
        assert!(svg.contains("Q3 &quot;Q4&quot;"));
        assert!(!svg.contains('\u{7}'));
    }

    #[test]
    fn many_periods_get_fewer_labels() {
        let points: Vec<TrendPoint> = (0..60)
            .map(|i| {
                p(
                    &format!("{}-{:02}", 2021 + i / 12, i % 12 + 1),
                    Some(f64::from(i)),
                )
            })
            .collect();
        let svg = trend_svg("Five years", &points);
        check_xml(&svg).unwrap();
        let shown = points
            .iter()
            .filter(|p| svg.contains(&format!(">\n{}\n</text>", p.label)))
            .count();
        assert!((4..=12).contains(&shown), "{shown} labels");
        assert!(svg.contains(">\n2021-01\n</text>"));
        assert_eq!(lines_and_dots(&svg), (vec![60], 60));
    }
}
