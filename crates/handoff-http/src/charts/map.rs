//! The map of departments: who depends on whom, drawn as a directed graph.
//!
//! layout-rs places the boxes and routes the edges (a layered, Sugiyama-style layout,
//! left to right); this module then writes the SVG itself from those positions, so that
//! every department and every edge is a link with an accessible name, and the colours,
//! widths and dashes follow the rules below rather than layout-rs's own SVG writer.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::{escape_xml, format_value, one_line, truncate};

/// A department on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub id: i64,
    pub label: String,
    /// Where a click on the department leads.
    pub href: String,
    /// Drawn with a thick blue border and a tinted fill (e.g. the department the page is about).
    pub highlighted: bool,
}

/// An arrow from a customer department to the provider it depends on or asks.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEdge {
    /// The arrow starts here ("depends on / asks").
    pub customer: i64,
    /// The arrow points here.
    pub provider: i64,
    /// A declared dependency (solid line) rather than observed traffic only (dashed).
    pub declared: bool,
    /// Observed request volume: the line gets wider with it (see [`edge_width`]).
    pub requests: u64,
    /// Health 0..100; its band gives the colour (see [`EdgeHealth`]).
    pub score: Option<f64>,
    /// Link to the pair's page.
    pub href: String,
}

/// The colour band of an edge's health score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeHealth {
    /// 75 and above: green.
    Good,
    /// 50 up to 75: amber.
    Fair,
    /// Below 50: red.
    Poor,
    /// No score (or not a number): grey.
    Unknown,
}

impl EdgeHealth {
    pub fn of(score: Option<f64>) -> Self {
        match score {
            Some(s) if s.is_nan() => Self::Unknown,
            Some(s) if s >= 75.0 => Self::Good,
            Some(s) if s >= 50.0 => Self::Fair,
            Some(_) => Self::Poor,
            None => Self::Unknown,
        }
    }

    /// The stroke colour. Each has a contrast ratio of at least 4.5:1 on white (WCAG
    /// asks 3:1 for graphics), so thin lines stay visible.
    pub fn colour(self) -> &'static str {
        match self {
            Self::Good => "#15803d",    // 5.0:1
            Self::Fair => "#b45309",    // 5.0:1
            Self::Poor => "#b91c1c",    // 6.5:1
            Self::Unknown => "#6b7280", // 4.8:1
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Fair => "fair",
            Self::Poor => "poor",
            Self::Unknown => "unknown",
        }
    }

    const ALL: [Self; 4] = [Self::Good, Self::Fair, Self::Poor, Self::Unknown];
}

/// Stroke width in pixels for an edge with `requests` observed requests: 1 px with none,
/// growing with the logarithm of the volume, 8 px from 99,999 on. Absolute rather than
/// relative to the busiest edge on the map, so widths compare across pages:
/// 1 → 1.4, 10 → 2.5, 100 → 3.8, 1,000 → 5.2, 10,000 → 6.6.
pub fn edge_width(requests: u64) -> f64 {
    let w = 1.0 + 7.0 * (requests as f64 + 1.0).log10() / 5.0;
    w.clamp(1.0, 8.0)
}

const FONT_SIZE: f64 = 13.0;
/// A generous average advance of one character at `FONT_SIZE` in a sans-serif font.
const CHAR_WIDTH: f64 = 7.4;
const NODE_HEIGHT: f64 = 30.0;
const NODE_MIN_WIDTH: f64 = 64.0;
const MAX_LABEL_CHARS: usize = 32;
const MARGIN: f64 = 16.0;
/// Length of an arrowhead, in user units.
const ARROW_LEN: f64 = 11.0;
const FONT_FAMILY: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

/// Draws the map as SVG. Duplicate node ids keep the first; edges naming an id that is
/// not in `nodes` are left out; an empty `nodes` gives a small picture saying
/// "No departments".
pub fn map_svg(nodes: &[MapNode], edges: &[MapEdge]) -> String {
    // Departments, first of each id.
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(nodes.len());
    let mut kept: Vec<&MapNode> = Vec::with_capacity(nodes.len());
    for node in nodes {
        index.entry(node.id).or_insert_with(|| {
            kept.push(node);
            kept.len() - 1
        });
    }
    if kept.is_empty() {
        return message_svg("Map of departments: no departments", "No departments");
    }

    // Edges between known departments, as (customer index, provider index, edge).
    let known: Vec<(usize, usize, &MapEdge)> = edges
        .iter()
        .filter_map(|e| Some((*index.get(&e.customer)?, *index.get(&e.provider)?, e)))
        .collect();

    // The layout gets one link per unordered pair of departments: both directions and
    // repeated edges share its route, and are drawn side by side later.
    let mut link_of_pair: HashMap<(usize, usize), usize> = HashMap::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    for &(c, p, _) in &known {
        let pair = (c.min(p), c.max(p));
        link_of_pair.entry(pair).or_insert_with(|| {
            links.push(pair);
            links.len() - 1
        });
    }

    let labels: Vec<String> = kept
        .iter()
        .map(|n| {
            let l = one_line(&n.label);
            if l.is_empty() {
                format!("#{}", n.id)
            } else {
                l
            }
        })
        .collect();
    let shown: Vec<String> = labels
        .iter()
        .map(|l| truncate(l, MAX_LABEL_CHARS))
        .collect();
    let sizes: Vec<Point> = shown
        .iter()
        .map(|l| {
            let w = (l.chars().count() as f64 * CHAR_WIDTH + 24.0).max(NODE_MIN_WIDTH);
            Point::new(w.round(), NODE_HEIGHT)
        })
        .collect();

    let Some(placed) = place(&sizes, &links) else {
        tracing::warn!(
            nodes = kept.len(),
            links = links.len(),
            "the department map could not be laid out"
        );
        return message_svg(
            "Map of departments: could not be drawn",
            "The map could not be drawn",
        );
    };

    // Edge geometry, in the edge's own direction, with parallel edges spread apart.
    let mut slots: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &(c, p, _)) in known.iter().enumerate() {
        slots
            .entry(link_of_pair[&(c.min(p), c.max(p))])
            .or_default()
            .push(i);
    }
    let mut drawn: Vec<DrawnEdge> = Vec::with_capacity(known.len());
    for (link, members) in &slots {
        let route = &placed.routes[*link];
        if route.is_empty() {
            continue;
        }
        let (a, _) = links[*link];
        let spread = members
            .iter()
            .map(|&i| edge_width(known[i].2.requests))
            .fold(0.0, f64::max)
            + 3.0;
        let normal = {
            let start = route[0][0];
            let end = route[route.len() - 1][3];
            let d = end.sub(start);
            let len = d.length();
            if len > 1e-6 {
                Point::new(-d.y / len, d.x / len)
            } else {
                Point::new(0.0, 1.0)
            }
        };
        let count = members.len() as f64;
        for (slot, &i) in members.iter().enumerate() {
            let c = known[i].0;
            let shift = normal.scale((slot as f64 - (count - 1.0) / 2.0) * spread);
            let mut cubics: Vec<Cubic> =
                route.iter().map(|seg| seg.map(|p| p.add(shift))).collect();
            if c != a {
                cubics.reverse();
                for seg in &mut cubics {
                    seg.reverse();
                }
            }
            drawn.push(DrawnEdge { index: i, cubics });
        }
    }
    // Thick lines first, so thin ones stay on top and can be clicked.
    drawn.sort_by(|x, y| {
        edge_width(known[y.index].2.requests)
            .total_cmp(&edge_width(known[x.index].2.requests))
            .then(x.index.cmp(&y.index))
    });

    // The drawing's extent.
    let mut min = Point::new(f64::INFINITY, f64::INFINITY);
    let mut max = Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut grow = |p: Point, pad: f64| {
        min = Point::new(min.x.min(p.x - pad), min.y.min(p.y - pad));
        max = Point::new(max.x.max(p.x + pad), max.y.max(p.y + pad));
    };
    for &(center, size) in &placed.nodes {
        grow(center.sub(size.scale(0.5)), 0.0);
        grow(center.add(size.scale(0.5)), 0.0);
    }
    for e in &drawn {
        for seg in &e.cubics {
            for p in seg {
                grow(*p, 8.0);
            }
        }
    }
    let (x0, y0) = (min.x - MARGIN, min.y - MARGIN);
    let (w, h) = (max.x - min.x + 2.0 * MARGIN, max.y - min.y + 2.0 * MARGIN);

    let label = format!(
        "Map of departments: {} {}, {} {}",
        kept.len(),
        if kept.len() == 1 {
            "department"
        } else {
            "departments"
        },
        known.len(),
        if known.len() == 1 { "link" } else { "links" },
    );
    let mut svg = String::with_capacity(512 + 400 * (kept.len() + known.len()));
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="handoff-map" viewBox="{} {} {} {}" width="{}" height="{}" role="img" aria-label="{}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">"#,
        coord(x0),
        coord(y0),
        coord(w),
        coord(h),
        coord(w),
        coord(h),
        escape_xml(&label),
    );
    let _ = write!(svg, "<title>{}</title><defs>", escape_xml(&label));
    for health in EdgeHealth::ALL {
        // The arrowhead's base sits at the (shortened) end of the path, its tip on the
        // provider's border.
        let _ = write!(
            svg,
            r#"<marker id="handoff-map-arrow-{}" viewBox="0 0 10 10" refX="0" refY="5" markerWidth="{ARROW_LEN}" markerHeight="{ARROW_LEN}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10z" fill="{}"/></marker>"#,
            health.key(),
            health.colour(),
        );
    }
    svg.push_str(r#"</defs><g class="edges" fill="none">"#);
    for e in &drawn {
        let (c, p, edge) = known[e.index];
        write_edge(&mut svg, edge, &labels[c], &labels[p], &e.cubics);
    }
    svg.push_str(r#"</g><g class="nodes">"#);
    for (i, node) in kept.iter().enumerate() {
        let (center, size) = placed.nodes[i];
        write_node(&mut svg, node, &labels[i], &shown[i], center, size);
    }
    svg.push_str("</g></svg>");
    svg
}

/// One cubic Bézier segment: start, two control points, end.
type Cubic = [Point; 4];

struct DrawnEdge {
    /// Index into the known edges.
    index: usize,
    cubics: Vec<Cubic>,
}

struct Placed {
    /// Center and size of each department's box.
    nodes: Vec<(Point, Point)>,
    /// Each link's route, from its first node to its second (empty if layout-rs drew none).
    routes: Vec<Vec<Cubic>>,
}

/// Runs layout-rs. Its code asserts its invariants; should one ever fail on some graph,
/// the layout is retried without its optimisation passes, and then given up.
fn place(sizes: &[Point], links: &[(usize, usize)]) -> Option<Placed> {
    for optimise in [true, false] {
        match catch_unwind(AssertUnwindSafe(|| run_layout(sizes, links, optimise))) {
            Ok(Some(placed)) => return Some(placed),
            Ok(None) => {}
            Err(_) => tracing::warn!(optimise, "layout-rs panicked on the department map"),
        }
    }
    None
}

fn run_layout(sizes: &[Point], links: &[(usize, usize)], optimise: bool) -> Option<Placed> {
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    // Its consistency checks re-verify the whole graph after every edge (quadratic).
    graph.dag.set_validate(false);
    let handles: Vec<_> = sizes
        .iter()
        .map(|&size| {
            // The label is ours to draw; layout-rs only needs the box's size.
            graph.add_node(Element::create(
                ShapeKind::new_box(""),
                StyleAttr::simple(),
                Orientation::LeftToRight,
                size,
            ))
        })
        .collect();
    for (i, &(a, b)) in links.iter().enumerate() {
        graph.add_edge(
            Arrow::simple_with_properties("", i.to_string()),
            handles[a],
            handles[b],
        );
    }
    let mut recorder = RouteRecorder {
        paths: vec![None; links.len()],
    };
    graph.do_it(false, !optimise, false, &mut recorder);

    let nodes: Vec<(Point, Point)> = handles
        .iter()
        .map(|&h| {
            let pos = graph.pos(h);
            (pos.center(), pos.size(false))
        })
        .collect();
    let finite = |p: &Point| p.x.is_finite() && p.y.is_finite();
    if !nodes.iter().all(|(c, s)| finite(c) && finite(s)) {
        return None;
    }
    let routes = recorder
        .paths
        .into_iter()
        .zip(links)
        .map(|(path, &(a, _))| {
            let mut cubics = path.map(|p| to_cubics(&p)).unwrap_or_default();
            if !cubics.iter().flatten().all(finite) {
                return Vec::new();
            }
            // layout-rs turns edges round to break cycles: orient the route from `a`.
            if let (Some(first), Some(last)) = (cubics.first(), cubics.last()) {
                let from_a = nodes[a].0;
                if first[0].distance_to(from_a) > last[3].distance_to(from_a) {
                    cubics.reverse();
                    for seg in &mut cubics {
                        seg.reverse();
                    }
                }
            }
            cubics
        })
        .collect();
    Some(Placed { nodes, routes })
}

/// layout-rs's path format, `[(start, control), (control, point), (control, point), …]`,
/// read as SVG's `M C S S …`, turned into explicit cubic segments.
fn to_cubics(path: &[(Point, Point)]) -> Vec<Cubic> {
    let mut out: Vec<Cubic> = Vec::with_capacity(path.len());
    if path.len() < 2 {
        return out;
    }
    let mut last = [path[0].0, path[0].1, path[1].0, path[1].1];
    out.push(last);
    for &(control, point) in &path[2..] {
        // `S`: the first control point mirrors the previous segment's second one.
        let mirrored = last[3].scale(2.0).sub(last[2]);
        last = [last[3], mirrored, control, point];
        out.push(last);
    }
    out
}

/// Collects the routes layout-rs computes for the edges; everything else it would draw
/// is ours to draw.
struct RouteRecorder {
    paths: Vec<Option<Vec<(Point, Point)>>>,
}

impl RenderBackend for RouteRecorder {
    fn draw_rect(
        &mut self,
        _: Point,
        _: Point,
        _: &StyleAttr,
        _: Option<String>,
        _: Option<ClipHandle>,
    ) {
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        let Some(i) = properties.and_then(|p| p.parse::<usize>().ok()) else {
            return;
        };
        if let Some(slot) = self.paths.get_mut(i) {
            *slot = Some(path.to_vec());
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

fn write_edge(svg: &mut String, edge: &MapEdge, customer: &str, provider: &str, cubics: &[Cubic]) {
    let health = EdgeHealth::of(edge.score);
    let width = edge_width(edge.requests);
    let title = edge_title(edge, customer, provider);

    let mut d = String::with_capacity(24 + 40 * cubics.len());
    let mut cubics = cubics.to_vec();
    let arrow = shorten_end(&mut cubics, ARROW_LEN);
    for (i, seg) in cubics.iter().enumerate() {
        if i == 0 {
            let _ = write!(d, "M{} {}", coord(seg[0].x), coord(seg[0].y));
        }
        let _ = write!(
            d,
            "C{} {} {} {} {} {}",
            coord(seg[1].x),
            coord(seg[1].y),
            coord(seg[2].x),
            coord(seg[2].y),
            coord(seg[3].x),
            coord(seg[3].y)
        );
    }
    let _ = write!(
        svg,
        r#"<a href="{}" class="edge edge-{}"><title>{}</title><path d="{}" stroke="{}" stroke-width="{}""#,
        escape_xml(&edge.href),
        health.key(),
        escape_xml(&title),
        d,
        health.colour(),
        coord(width),
    );
    if !edge.declared {
        let dash = (width * 2.0).max(5.0);
        let _ = write!(
            svg,
            r#" stroke-dasharray="{} {}""#,
            coord(dash),
            coord(dash * 0.7)
        );
    }
    if arrow {
        let _ = write!(
            svg,
            r#" marker-end="url(#handoff-map-arrow-{})""#,
            health.key()
        );
    }
    svg.push_str("/></a>");
}

/// Pulls the end of the route back by `by` along its last tangent, leaving room for the
/// arrowhead. False when the route is too short to carry one.
fn shorten_end(cubics: &mut [Cubic], by: f64) -> bool {
    let Some(last) = cubics.last_mut() else {
        return false;
    };
    let chord = last[3].distance_to(last[0]);
    let mut tangent = last[3].sub(last[2]);
    if tangent.length() < 1e-6 {
        tangent = last[3].sub(last[0]);
    }
    let len = tangent.length();
    if chord < 2.0 * by || len < 1e-6 {
        return chord >= by;
    }
    let back = tangent.scale(by / len);
    last[3] = last[3].sub(back);
    last[2] = last[2].sub(back);
    true
}

fn edge_title(edge: &MapEdge, customer: &str, provider: &str) -> String {
    let relation = if edge.declared {
        format!("{customer} depends on {provider}")
    } else {
        format!("{customer} asks {provider} (not a declared dependency)")
    };
    let requests = match edge.requests {
        1 => "1 request".to_owned(),
        n => format!("{n} requests"),
    };
    let health = match edge.score.filter(|s| !s.is_nan()) {
        Some(s) => format!("health {}", format_value(s.clamp(0.0, 100.0))),
        None => "no health score".to_owned(),
    };
    format!("{relation}: {requests}, {health}")
}

fn write_node(
    svg: &mut String,
    node: &MapNode,
    label: &str,
    shown: &str,
    center: Point,
    size: Point,
) {
    let (fill, stroke, stroke_width) = if node.highlighted {
        ("#dbeafe", "#1d4ed8", 3.0)
    } else {
        ("#ffffff", "#374151", 1.5)
    };
    let _ = write!(
        svg,
        r##"<a href="{}" class="node{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/><text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" fill="#111827"{}>{}</text></a>"##,
        escape_xml(&node.href),
        if node.highlighted {
            " node-highlighted"
        } else {
            ""
        },
        escape_xml(label),
        coord(center.x - size.x / 2.0),
        coord(center.y - size.y / 2.0),
        coord(size.x),
        coord(size.y),
        coord(center.x),
        coord(center.y),
        if node.highlighted {
            r#" font-weight="bold""#
        } else {
            ""
        },
        escape_xml(shown),
    );
}

/// A small picture that only says something, for when there is no map to draw.
fn message_svg(label: &str, message: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="handoff-map" viewBox="0 0 240 48" width="240" height="48" role="img" aria-label="{label}"><title>{label}</title><text x="120" y="24" text-anchor="middle" dominant-baseline="central" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="#4b5563">{message}</text></svg>"##,
        label = escape_xml(label),
        message = escape_xml(message),
    )
}

/// A coordinate with one decimal, enough for screen units.
fn coord(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_owned()
    } else {
        format!("{r}")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::super::check_xml;
    use super::*;

    fn node(id: i64, label: &str) -> MapNode {
        MapNode {
            id,
            label: label.to_owned(),
            href: format!("/departments/{id}"),
            highlighted: false,
        }
    }

    fn edge(customer: i64, provider: i64, requests: u64, score: Option<f64>) -> MapEdge {
        MapEdge {
            customer,
            provider,
            declared: true,
            requests,
            score,
            href: format!("/dependencies/{customer}/{provider}"),
        }
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// The `<a>` elements of one class, as whole strings.
    fn links<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
        svg.split("<a ")
            .skip(1)
            .map(|a| &a[..a.find("</a>").expect("closed")])
            .filter(|a| a.contains(&format!("class=\"{class}")))
            .collect()
    }

    fn small_org() -> (Vec<MapNode>, Vec<MapEdge>) {
        let nodes = vec![
            node(1, "Sales"),
            node(2, "Finance"),
            node(3, "IT"),
            node(4, "HR"),
            node(5, "Facilities"),
            node(6, "Legal"),
            node(7, "Procurement"),
            node(8, "Marketing"),
        ];
        let edges = vec![
            edge(1, 2, 120, Some(82.5)),
            edge(1, 3, 40, Some(60.0)),
            edge(4, 3, 0, None),
            edge(8, 1, 10, Some(20.0)),
            edge(7, 2, 5, Some(90.0)),
            edge(6, 2, 1, Some(75.0)),
            edge(3, 5, 300, Some(49.9)),
            edge(2, 1, 8, Some(50.0)), // the reverse of the first
            edge(5, 4, 2, None),       // closes a cycle IT → Facilities → HR → IT
        ];
        (nodes, edges)
    }

    #[test]
    fn every_node_and_edge_is_a_link_with_a_title() {
        let (nodes, edges) = small_org();
        let svg = map_svg(&nodes, &edges);
        check_xml(&svg).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-label="Map of departments: 8 departments, 9 links""#));
        assert!(svg.contains("viewBox=\""));

        let node_links = links(&svg, "node");
        assert_eq!(node_links.len(), 8);
        for n in &nodes {
            let a = node_links
                .iter()
                .find(|a| a.contains(&format!("href=\"{}\"", n.href)))
                .unwrap_or_else(|| panic!("no link for {}", n.label));
            assert!(a.contains(&format!("<title>{}</title>", n.label)));
            assert!(a.contains(&format!(">{}</text>", n.label)));
        }
        let edge_links = links(&svg, "edge");
        assert_eq!(edge_links.len(), 9);
        for e in &edges {
            assert_eq!(
                count(&svg, &format!("href=\"{}\"", e.href)),
                1,
                "{}",
                e.href
            );
        }
        assert!(svg.contains("<title>Sales depends on Finance: 120 requests, health 82.5</title>"));
        assert!(svg.contains("<title>Finance depends on Sales: 8 requests, health 50</title>"));
        assert!(svg.contains("<title>HR depends on IT: 0 requests, no health score</title>"));
        assert!(svg.contains("<title>Legal depends on Finance: 1 request, health 75</title>"));
    }

    #[test]
    fn positions_come_from_the_layout() {
        let (nodes, edges) = small_org();
        let svg = map_svg(&nodes, &edges);
        // Eight boxes, no two at the same place.
        let mut corners: Vec<(String, String)> = links(&svg, "node")
            .iter()
            .map(|a| (attr(a, "x").to_owned(), attr(a, "y").to_owned()))
            .collect();
        corners.sort();
        corners.dedup();
        assert_eq!(corners.len(), 8);
        // Left to right: Marketing asks Sales, which asks Finance.
        let x_of = |name: &str| -> f64 {
            let a = links(&svg, "node")
                .into_iter()
                .find(|a| a.contains(&format!("<title>{name}</title>")))
                .unwrap();
            attr(a, "x").parse().unwrap()
        };
        assert!(x_of("Marketing") < x_of("Sales"));
        assert!(x_of("Sales") < x_of("IT"));
    }

    fn attr<'a>(element: &'a str, name: &str) -> &'a str {
        let key = format!(" {name}=\"");
        let start = element.find(&key).unwrap() + key.len();
        &element[start..start + element[start..].find('"').unwrap()]
    }

    #[test]
    fn labels_and_links_are_escaped() {
        let nodes = vec![
            MapNode {
                id: 1,
                label: "R&D <Labs> \"East\" 'n'\u{0}".into(),
                href: "/departments/1?a=1&b=\"2\"".into(),
                highlighted: true,
            },
            node(2, "Ops & <Support>"),
        ];
        let mut e = edge(1, 2, 3, Some(99.0));
        e.href = "/pairs?c=1&p=2".into();
        let svg = map_svg(&nodes, &[e]);
        check_xml(&svg).unwrap();
        assert!(svg.contains("R&amp;D &lt;Labs&gt; &quot;East&quot; &apos;n&apos;"));
        assert!(svg.contains(r#"href="/departments/1?a=1&amp;b=&quot;2&quot;""#));
        assert!(svg.contains(r#"href="/pairs?c=1&amp;p=2""#));
        assert!(svg.contains(
            "<title>R&amp;D &lt;Labs&gt; &quot;East&quot; &apos;n&apos; depends on Ops &amp; &lt;Support&gt;: 3 requests, health 99</title>"
        ));
        assert!(!svg.contains('\u{0}'));
        assert!(svg.contains("node-highlighted"));
    }

    #[test]
    fn long_labels_are_cut_but_titles_keep_the_whole_name() {
        let long = "Department of Very Long Names and Even Longer Subdivisions";
        let svg = map_svg(&[node(1, long), node(2, "")], &[edge(1, 2, 0, None)]);
        check_xml(&svg).unwrap();
        assert!(svg.contains(&format!("<title>{long}</title>")));
        assert!(svg.contains(">Department of Very Long Names…</text>"));
        // A nameless department still gets something to click on.
        assert!(svg.contains(">#2</text>"));
    }

    #[test]
    fn widths_grow_with_requests_on_a_log_scale() {
        assert_eq!(edge_width(0), 1.0);
        assert!((edge_width(1) - 1.42).abs() < 0.01);
        assert!((edge_width(100) - 3.81).abs() < 0.01);
        assert!((edge_width(10_000) - 6.6).abs() < 0.01);
        assert_eq!(edge_width(99_999), 8.0);
        assert_eq!(edge_width(100_000), 8.0);
        assert_eq!(edge_width(u64::MAX), 8.0);
        let mut last = 0.0;
        for r in [0, 1, 2, 5, 10, 50, 100, 1_000, 10_000, 99_000, 99_999] {
            let w = edge_width(r);
            assert!((1.0..=8.0).contains(&w));
            assert!(w > last, "{r}");
            last = w;
        }
    }

    #[test]
    fn colours_follow_the_health_bands() {
        assert_eq!(EdgeHealth::of(Some(100.0)), EdgeHealth::Good);
        assert_eq!(EdgeHealth::of(Some(75.0)), EdgeHealth::Good);
        assert_eq!(EdgeHealth::of(Some(74.99)), EdgeHealth::Fair);
        assert_eq!(EdgeHealth::of(Some(50.0)), EdgeHealth::Fair);
        assert_eq!(EdgeHealth::of(Some(49.99)), EdgeHealth::Poor);
        assert_eq!(EdgeHealth::of(Some(-3.0)), EdgeHealth::Poor);
        assert_eq!(EdgeHealth::of(None), EdgeHealth::Unknown);
        assert_eq!(EdgeHealth::of(Some(f64::NAN)), EdgeHealth::Unknown);
        assert_eq!(EdgeHealth::of(Some(f64::INFINITY)), EdgeHealth::Good);

        let nodes = vec![
            node(1, "A"),
            node(2, "B"),
            node(3, "C"),
            node(4, "D"),
            node(5, "E"),
        ];
        let edges = vec![
            edge(1, 2, 0, Some(80.0)),
            edge(1, 3, 1000, Some(60.0)),
            MapEdge {
                declared: false,
                ..edge(1, 4, 10, Some(10.0))
            },
            edge(1, 5, 100_000, Some(f64::NAN)),
        ];
        let svg = map_svg(&nodes, &edges);
        check_xml(&svg).unwrap();
        let path_of = |href: &str| -> &str {
            let a = links(&svg, "edge")
                .into_iter()
                .find(|a| a.contains(&format!("href=\"{href}\"")))
                .unwrap();
            &a[a.find("<path").unwrap()..]
        };
        let ab = path_of("/dependencies/1/2");
        assert_eq!(attr(ab, "stroke"), "#15803d");
        assert_eq!(attr(ab, "stroke-width"), "1");
        assert!(!ab.contains("stroke-dasharray"));
        assert!(ab.contains("url(#handoff-map-arrow-good)"));
        let ac = path_of("/dependencies/1/3");
        assert_eq!(attr(ac, "stroke"), "#b45309");
        assert_eq!(attr(ac, "stroke-width"), "5.2");
        let ad = path_of("/dependencies/1/4");
        assert_eq!(attr(ad, "stroke"), "#b91c1c");
        assert!(ad.contains("stroke-dasharray"), "observed only is dashed");
        assert!(svg.contains(
            "<title>A asks D (not a declared dependency): 10 requests, health 10</title>"
        ));
        let ae = path_of("/dependencies/1/5");
        assert_eq!(attr(ae, "stroke"), "#6b7280");
        assert_eq!(attr(ae, "stroke-width"), "8");
        assert!(svg.contains("A depends on E: 100000 requests, no health score"));
    }

    #[test]
    fn arrows_point_from_customer_to_provider() {
        // One pair both ways: each path must start at its customer's box.
        let nodes = vec![node(1, "Alpha"), node(2, "Beta")];
        let edges = vec![edge(1, 2, 5, Some(90.0)), edge(2, 1, 5, Some(90.0))];
        let svg = map_svg(&nodes, &edges);
        let start_x = |href: &str| -> f64 {
            let a = links(&svg, "edge")
                .into_iter()
                .find(|a| a.contains(&format!("href=\"{href}\"")))
                .unwrap();
            let d = attr(a, "d");
            d[1..].split(' ').next().unwrap().parse().unwrap()
        };
        let box_x = |name: &str| -> f64 {
            let a = links(&svg, "node")
                .into_iter()
                .find(|a| a.contains(&format!("<title>{name}</title>")))
                .unwrap();
            attr(a, "x").parse::<f64>().unwrap() + attr(a, "width").parse::<f64>().unwrap() / 2.0
        };
        let (alpha, beta) = (box_x("Alpha"), box_x("Beta"));
        let (s12, s21) = (start_x("/dependencies/1/2"), start_x("/dependencies/2/1"));
        assert!(
            (s12 - alpha).abs() < (s12 - beta).abs(),
            "{s12} {alpha} {beta}"
        );
        assert!(
            (s21 - beta).abs() < (s21 - alpha).abs(),
            "{s21} {alpha} {beta}"
        );
        // Side by side, not on top of each other.
        let d = |href: &str| {
            let a = links(&svg, "edge")
                .into_iter()
                .find(|a| a.contains(&format!("href=\"{href}\"")))
                .unwrap();
            attr(a, "d").to_owned()
        };
        assert_ne!(d("/dependencies/1/2"), d("/dependencies/2/1"));
    }

    #[test]
    fn unknown_ids_self_loops_and_duplicates_do_not_panic() {
        let nodes = vec![node(1, "A"), node(2, "B"), node(2, "B again")];
        let edges = vec![
            edge(1, 99, 5, None),
            edge(99, 1, 5, None),
            edge(1, 1, 5, Some(70.0)),
            edge(1, 2, 5, Some(70.0)),
            edge(1, 2, 6, Some(10.0)),
        ];
        let svg = map_svg(&nodes, &edges);
        check_xml(&svg).unwrap();
        assert_eq!(links(&svg, "node").len(), 2);
        assert!(!svg.contains("B again"));
        assert!(!svg.contains("/dependencies/1/99"));
        assert!(!svg.contains("/dependencies/99/1"));
        assert_eq!(count(&svg, "href=\"/dependencies/1/1\""), 1);
        assert_eq!(count(&svg, "href=\"/dependencies/1/2\""), 2);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn empty_input_says_so() {
        for svg in [map_svg(&[], &[]), map_svg(&[], &[edge(1, 2, 3, None)])] {
            check_xml(&svg).unwrap();
            assert!(svg.contains(">No departments</text>"));
            assert!(svg.contains(r#"role="img""#));
            assert!(svg.contains("aria-label=\"Map of departments: no departments\""));
            assert!(svg.contains("viewBox=\""));
        }
        // Departments without edges are still drawn.
        let svg = map_svg(&[node(1, "Alone"), node(2, "Also alone")], &[]);
        check_xml(&svg).unwrap();
        assert_eq!(links(&svg, "node").len(), 2);
    }

    /// A deterministic organisation of `n` departments and about `3 n` edges, with cycles.
    fn big_org(n: i64) -> (Vec<MapNode>, Vec<MapEdge>) {
        let nodes: Vec<MapNode> = (0..n)
            .map(|i| node(i, &format!("Department {i}")))
            .collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut edges = Vec::new();
        while edges.len() < 3 * n as usize {
            let c = (next() % n as u64) as i64;
            let p = (next() % n as u64) as i64;
            if c == p {
                continue;
            }
            let r = next() % 5000;
            let score = match next() % 5 {
                0 => None,
                k => Some((k * 20) as f64 + 3.0),
            };
            edges.push(MapEdge {
                declared: r % 3 != 0,
                ..edge(c, p, r, score)
            });
        }
        (nodes, edges)
    }

    #[test]
    fn a_large_map_renders() {
        let (nodes, edges) = big_org(60);
        let svg = map_svg(&nodes, &edges);
        check_xml(&svg).unwrap();
        assert_eq!(links(&svg, "node").len(), 60);
        assert_eq!(links(&svg, "edge").len(), 180);
    }

    /// `cargo test -p handoff-http --release --lib charts::map -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release mode"]
    fn time_200_nodes_600_edges() {
        let (nodes, edges) = big_org(200);
        let _ = map_svg(&nodes, &edges);
        let runs = 5;
        let started = Instant::now();
        let mut bytes = 0;
        for _ in 0..runs {
            let svg = map_svg(&nodes, &edges);
            bytes = svg.len();
            check_xml(&svg).unwrap();
        }
        let started_check = Instant::now();
        let svg = map_svg(&nodes, &edges);
        let one = started_check.elapsed();
        assert_eq!(links(&svg, "edge").len(), 600);
        println!(
            "200 nodes / 600 edges: {:?} per map (avg of {runs}, incl. XML check), {:?} single, {bytes} bytes",
            started.elapsed() / runs,
            one
        );
        std::fs::write(std::env::temp_dir().join("handoff-map-200.svg"), &svg).unwrap();
        let (nodes, edges) = small_org();
        std::fs::write(
            std::env::temp_dir().join("handoff-map-8.svg"),
            map_svg(&nodes, &edges),
        )
        .unwrap();
    }
}
