//! The map of departments: who depends on whom, drawn as a directed graph.
//!
//! layout-rs places the boxes and routes the edges (a layered, Sugiyama-style layout,
//! left to right); this module then writes the SVG itself from those positions, so that
//! every department and every edge is a link with an accessible name, and the colours,
//! widths and dashes follow the rules below rather than layout-rs's own SVG writer.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use layout::adt::dag::{DAG, NodeHandle};
use layout::core::base::Orientation;
use layout::core::format::Visible;
use layout::core::geometry::{Point, Position, get_connection_point_for_box};
use layout::core::style::StyleAttr;
use layout::std_shapes::render::generate_curve_for_elements;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use layout::topo::placer::Placer;

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
/// Free space kept around a department's box, split between its sides: between ranks
/// (x) and between neighbours in a rank (y). layout-rs's default is 60 both ways.
const NODE_HALO: Point = Point { x: 90.0, y: 24.0 };
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
    // repeated edges share its route, and are drawn side by side later. A link runs from
    // customer to provider (so customers sit left of their providers), as the pair's
    // first declared edge does, or else its first edge.
    let mut link_of_pair: HashMap<(usize, usize), usize> = HashMap::new();
    let mut links: Vec<(usize, usize)> = Vec::new();
    // How much each link matters: declared at all, then total requests.
    let mut weights: Vec<(bool, u64)> = Vec::new();
    for &(c, p, edge) in &known {
        let pair = (c.min(p), c.max(p));
        match link_of_pair.get(&pair) {
            Some(&link) => {
                let weight = &mut weights[link];
                if edge.declared && !weight.0 {
                    links[link] = (c, p);
                    weight.0 = true;
                }
                weight.1 = weight.1.saturating_add(edge.requests);
            }
            None => {
                link_of_pair.insert(pair, links.len());
                links.push((c, p));
                weights.push((edge.declared, edge.requests));
            }
        }
    }
    let plan = plan_links(kept.len(), &links, &weights);

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

    let Some(placed) = place(&sizes, &links, &plan) else {
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
                reverse(&mut cubics);
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
    // A named group rather than an image: an image's content is presentational, which
    // would hide the department and edge links inside it from assistive technology (and
    // axe-core rejects links nested in one: nested-interactive).
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="handoff-map" viewBox="{} {} {} {}" width="{}" height="{}" role="group" aria-label="{}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">"#,
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

/// Runs the layout. layout-rs asserts its invariants as it goes; should one ever fail on
/// some graph, the layout is retried with layout-rs's own row order, and then given up.
fn place(
    sizes: &[Point],
    links: &[(usize, usize)],
    plan: &[Option<(usize, usize)>],
) -> Option<Placed> {
    for reorder in [true, false] {
        match catch_unwind(AssertUnwindSafe(|| run_layout(sizes, links, plan, reorder))) {
            Ok(Some(placed)) => return Some(placed),
            Ok(None) => {}
            Err(_) => tracing::warn!(reorder, "layout-rs panicked on the department map"),
        }
    }
    None
}

/// layout-rs's `VisualGraph::do_it`, step by step, with its edge-crossing optimiser
/// swapped for a barycentre one. Its optimiser recounts every crossing of the graph after
/// each of 50 rounds, in time cubic in the width of a rank: 50 departments with 150 links
/// took 0.45 s, 100 with 300 took 3 s. Everything else is layout-rs's: ranks, routing
/// long edges through connectors, Brandes–Köpf placement, the edges' curves.
fn run_layout(
    sizes: &[Point],
    links: &[(usize, usize)],
    plan: &[Option<(usize, usize)>],
    reorder: bool,
) -> Option<Placed> {
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    // Its consistency checks re-verify the whole graph after every edge (quadratic).
    graph.dag.set_validate(false);
    let handles: Vec<NodeHandle> = sizes
        .iter()
        .map(|&size| {
            // The label is ours to draw; layout-rs only needs the box's size, and the
            // room to keep around it: wide between ranks for the curves, tighter within.
            let mut element = Element::create(
                ShapeKind::new_box(""),
                StyleAttr::simple(),
                Orientation::LeftToRight,
                size,
            );
            element.pos = Position::new(Point::zero(), size, Point::zero(), NODE_HALO);
            graph.add_node(element)
        })
        .collect();
    let mut link_index: HashMap<(usize, usize), usize> = HashMap::with_capacity(links.len());
    for (i, oriented) in plan.iter().enumerate() {
        if let &Some((a, b)) = oriented {
            graph.add_edge(Arrow::simple(""), handles[a], handles[b]);
            link_index.insert((a, b), i);
        }
    }

    graph.to_valid_dag();
    graph.split_text_edges();
    graph.split_long_edges(true);
    if reorder {
        reduce_crossings(&mut graph.dag);
    }
    for node in graph.iter_nodes() {
        graph.element_mut(node).resize();
    }
    Placer::new(&mut graph).layout(false);

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

    // Each link is a chain in the DAG: a department, connectors, a department.
    let mut routes: Vec<Vec<Cubic>> = vec![Vec::new(); links.len()];
    let arrow = Arrow::simple("");
    for (a, &start) in handles.iter().enumerate() {
        for &next in graph.succ(start) {
            let mut chain = vec![start, next];
            let mut end = next;
            while graph.is_connector(end) {
                match graph.dag.single_succ(end) {
                    Some(n) if chain.len() <= graph.num_nodes() => {
                        chain.push(n);
                        end = n;
                    }
                    _ => break,
                }
            }
            let b = end.get_index();
            if graph.is_connector(end) || b >= handles.len() {
                continue;
            }
            let Some(&link) = link_index.get(&(a, b)).or_else(|| link_index.get(&(b, a))) else {
                continue;
            };
            let elements: Vec<Element> = chain.iter().map(|&h| graph.element(h).clone()).collect();
            let mut cubics = to_cubics(&generate_curve_for_elements(&elements, &arrow, 30.0));
            if !cubics.iter().flatten().all(finite) {
                continue;
            }
            // Oriented from the link's first department, whichever way the DAG runs.
            if links[link].0 != a {
                reverse(&mut cubics);
            }
            routes[link] = cubics;
        }
    }
    for (i, &(a, b)) in links.iter().enumerate() {
        if a == b {
            // A department's edge to itself: a loop over its box.
            routes[i] = vec![self_loop(nodes[a].0, nodes[a].1)];
        } else if routes[i].is_empty() {
            // Left out of the layout (see `plan_links`), or not routed by it: a direct
            // curve between the two boxes, with layout-rs's connection points.
            let ((ca, sa), (cb, sb)) = (nodes[a], nodes[b]);
            let (start, out) = get_connection_point_for_box(ca, sa, cb, 30.0);
            let (end, into) = get_connection_point_for_box(cb, sb, ca, 30.0);
            let route = [start, out, into, end];
            if route.iter().all(finite) {
                routes[i] = vec![route];
            }
        }
    }
    Some(Placed { nodes, routes })
}

/// At most this many nodes go through the layout, departments plus the connectors that
/// carry links across ranks. layout-rs's placement grows faster than linearly with them
/// (about 0.25 s for 1,300 on the machines this was measured on); a drawing with more is
/// unreadable anyway.
const LAYOUT_BUDGET: usize = 1_000;

/// Decides, for each link, which way it runs in the layout and whether the layout routes
/// it at all (`None`: a self-loop, or drawn as a direct curve).
///
/// layout-rs puts each department one rank after the furthest department pointing at it,
/// and a link spanning k ranks costs k - 1 connectors. Links run customer → provider
/// except where that would close a cycle, the more important links (declared, then
/// busier) keeping their direction first. In a tangle of cycles that makes long chains
/// of ranks; when it needs more connectors than there are departments, the links follow
/// an order of departments from customers (more outgoing links) to providers (more
/// incoming) instead, if that needs less than half as many.
/// Past `LAYOUT_BUDGET`, the least important links, longest first, are left out of the
/// layout until it fits.
fn plan_links(
    nodes: usize,
    links: &[(usize, usize)],
    weights: &[(bool, u64)],
) -> Vec<Option<(usize, usize)>> {
    let mut plan = orient_by_importance(nodes, links, weights);
    let mut spans = spans(nodes, &plan);
    let connectors: usize = spans.iter().sum();
    if connectors > nodes {
        let by_order = orient_by_order(nodes, links);
        let other = self::spans(nodes, &by_order);
        if 2 * other.iter().sum::<usize>() < connectors {
            plan = by_order;
            spans = other;
        }
    }
    // Leave links out until departments and connectors fit the budget.
    loop {
        let connectors: usize = spans.iter().sum();
        if nodes + connectors <= LAYOUT_BUDGET {
            return plan;
        }
        // Least important first, then longest; drop enough to cover the excess, then
        // measure again (ranks shift as links go).
        let mut candidates: Vec<usize> = (0..links.len()).filter(|&l| spans[l] > 0).collect();
        if candidates.is_empty() {
            return plan;
        }
        candidates.sort_by(|&x, &y| {
            weights[x]
                .cmp(&weights[y])
                .then(spans[y].cmp(&spans[x]))
                .then(x.cmp(&y))
        });
        let mut excess = nodes + connectors - LAYOUT_BUDGET;
        for link in candidates {
            excess = excess.saturating_sub(spans[link]);
            plan[link] = None;
            if excess == 0 {
                break;
            }
        }
        spans = self::spans(nodes, &plan);
    }
}

/// Customer → provider, unless the link would close a cycle of links already placed,
/// placing the important ones first.
fn orient_by_importance(
    nodes: usize,
    links: &[(usize, usize)],
    weights: &[(bool, u64)],
) -> Vec<Option<(usize, usize)>> {
    let mut by_importance: Vec<usize> = (0..links.len()).collect();
    by_importance.sort_by(|&x, &y| weights[y].cmp(&weights[x]).then(x.cmp(&y)));

    let mut plan: Vec<Option<(usize, usize)>> = vec![None; links.len()];
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut seen = vec![0_usize; nodes];
    let mut stamp = 0;
    for &link in &by_importance {
        let (a, b) = links[link];
        if a == b {
            continue;
        }
        // Would a → b close a cycle, i.e. does b already reach a?
        stamp += 1;
        let mut stack = vec![b];
        seen[b] = stamp;
        let mut closes = false;
        while let Some(n) = stack.pop() {
            if n == a {
                closes = true;
                break;
            }
            for &m in &successors[n] {
                if seen[m] != stamp {
                    seen[m] = stamp;
                    stack.push(m);
                }
            }
        }
        let (from, to) = if closes { (b, a) } else { (a, b) };
        successors[from].push(to);
        plan[link] = Some((from, to));
    }
    plan
}

/// Every link from the earlier to the later department in one order: most outgoing
/// minus incoming links first.
fn orient_by_order(nodes: usize, links: &[(usize, usize)]) -> Vec<Option<(usize, usize)>> {
    let mut balance = vec![0_i64; nodes];
    for &(a, b) in links {
        balance[a] += 1;
        balance[b] -= 1;
    }
    let mut order: Vec<usize> = (0..nodes).collect();
    order.sort_by(|&x, &y| balance[y].cmp(&balance[x]).then(x.cmp(&y)));
    let mut position = vec![0_usize; nodes];
    for (i, &n) in order.iter().enumerate() {
        position[n] = i;
    }
    links
        .iter()
        .map(|&(a, b)| match position[a].cmp(&position[b]) {
            std::cmp::Ordering::Less => Some((a, b)),
            std::cmp::Ordering::Greater => Some((b, a)),
            std::cmp::Ordering::Equal => None,
        })
        .collect()
}

/// The connectors each planned link needs: the ranks it skips.
fn spans(nodes: usize, plan: &[Option<(usize, usize)>]) -> Vec<usize> {
    let level = levels(nodes, plan);
    plan.iter()
        .map(|p| p.map_or(0, |(a, b)| level[b].saturating_sub(level[a] + 1)))
        .collect()
}

/// The rank layout-rs gives each department: 0 for those nobody points at, else one
/// more than the highest rank pointing at it (longest path, over the planned links).
fn levels(nodes: usize, plan: &[Option<(usize, usize)>]) -> Vec<usize> {
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut incoming = vec![0_usize; nodes];
    for &(a, b) in plan.iter().flatten() {
        successors[a].push(b);
        incoming[b] += 1;
    }
    let mut level = vec![0_usize; nodes];
    let mut ready: Vec<usize> = (0..nodes).filter(|&n| incoming[n] == 0).collect();
    while let Some(n) = ready.pop() {
        for &m in &successors[n] {
            level[m] = level[m].max(level[n] + 1);
            incoming[m] -= 1;
            if incoming[m] == 0 {
                ready.push(m);
            }
        }
    }
    level
}

/// Orders the nodes within each rank to reduce crossing edges: barycentre sweeps down and
/// up the ranks, keeping the order with the fewest crossings. After layout-rs has split
/// long edges, every edge joins two adjacent ranks.
fn reduce_crossings(dag: &mut DAG) {
    let levels = dag.num_levels();
    if levels < 2 {
        return;
    }
    let mut position = vec![0.0_f64; dag.len()];
    let set_positions = |dag: &DAG, position: &mut [f64]| {
        for level in 0..dag.num_levels() {
            for (i, node) in dag.row(level).iter().enumerate() {
                position[node.get_index()] = i as f64;
            }
        }
    };
    set_positions(dag, &mut position);
    let mut best = dag.ranks().clone();
    let mut best_crossings = count_crossings(dag, &position);
    for sweep in 0..24 {
        if best_crossings == 0 {
            break;
        }
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..levels).collect()
        } else {
            (0..levels - 1).rev().collect()
        };
        for level in order {
            let mut row: Vec<(f64, NodeHandle)> = dag
                .row(level)
                .iter()
                .map(|&node| {
                    let neighbours = if down {
                        dag.predecessors(node)
                    } else {
                        dag.successors(node)
                    };
                    let key = if neighbours.is_empty() {
                        position[node.get_index()]
                    } else {
                        neighbours
                            .iter()
                            .map(|n| position[n.get_index()])
                            .sum::<f64>()
                            / neighbours.len() as f64
                    };
                    (key, node)
                })
                .collect();
            row.sort_by(|x, y| x.0.total_cmp(&y.0));
            for (i, (_, node)) in row.iter().enumerate() {
                position[node.get_index()] = i as f64;
            }
            *dag.row_mut(level) = row.into_iter().map(|(_, node)| node).collect();
        }
        let crossings = count_crossings(dag, &position);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = dag.ranks().clone();
        }
    }
    *dag.ranks_mut() = best;
}

/// Crossings between adjacent ranks: for each pair of ranks, the inversions among the
/// edges' lower ends once sorted by their upper ends (counted with a Fenwick tree).
fn count_crossings(dag: &DAG, position: &[f64]) -> usize {
    let mut total = 0;
    for level in 0..dag.num_levels().saturating_sub(1) {
        let width = dag.row(level + 1).len();
        let mut ends: Vec<(usize, usize)> = Vec::new();
        for &node in dag.row(level) {
            let upper = position[node.get_index()] as usize;
            for succ in dag.successors(node) {
                ends.push((upper, position[succ.get_index()] as usize));
            }
        }
        ends.sort_unstable();
        let mut tree = vec![0_usize; width + 1];
        for (seen, &(_, lower)) in ends.iter().enumerate() {
            // Earlier edges ending to the right of this one cross it.
            let mut not_after = 0;
            let mut i = (lower + 1).min(width);
            while i > 0 {
                not_after += tree[i];
                i &= i - 1;
            }
            total += seen - not_after;
            let mut i = lower + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// A loop for a department's edge to itself, over the right half of its box.
fn self_loop(center: Point, size: Point) -> Cubic {
    let top = center.y - size.y / 2.0;
    let (x0, x1) = (center.x + size.x * 0.1, center.x + size.x * 0.4);
    [
        Point::new(x0, top),
        Point::new(x0, top - 34.0),
        Point::new(x1, top - 34.0),
        Point::new(x1, top),
    ]
}

fn reverse(cubics: &mut [Cubic]) {
    cubics.reverse();
    for seg in cubics.iter_mut() {
        seg.reverse();
    }
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
    let hull =
        last[0].distance_to(last[1]) + last[1].distance_to(last[2]) + last[2].distance_to(last[3]);
    let mut tangent = last[3].sub(last[2]);
    if tangent.length() < 1e-6 {
        tangent = last[3].sub(last[0]);
    }
    let len = tangent.length();
    if hull < 2.0 * by || len < 1e-6 {
        return hull >= by;
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
        assert!(svg.contains(r#"role="group""#));
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

    /// A deterministic pseudo-random sequence (xorshift).
    fn sequence() -> impl FnMut(u64) -> u64 {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        move |below| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        }
    }

    fn some_edge(next: &mut impl FnMut(u64) -> u64, c: i64, p: i64, declared: bool) -> MapEdge {
        let score = match next(5) {
            0 => None,
            k => Some((k * 20) as f64 + 3.0),
        };
        MapEdge {
            declared,
            ..edge(c, p, next(5000), score)
        }
    }

    /// `n` departments and `3 n` edges as an organisation has them: a tenth are shared
    /// services, which every other department asks (three each) and which ask each other
    /// (two each, so with cycles); the rest are asks between other departments.
    fn tiered_org(n: i64) -> (Vec<MapNode>, Vec<MapEdge>) {
        let nodes: Vec<MapNode> = (0..n)
            .map(|i| node(i, &format!("Department {i}")))
            .collect();
        let services = (n / 10).max(3);
        let mut next = sequence();
        let mut edges = Vec::new();
        for unit in services..n {
            let first = next(services as u64) as i64;
            for k in 0..3 {
                let service = (first + k) % services;
                edges.push(some_edge(&mut next, unit, service, true));
            }
        }
        for service in 0..services {
            for k in 1..=2 {
                let other = (service + k + next(services as u64 - 2) as i64) % services;
                if other != service {
                    let declared = next(2) == 0;
                    edges.push(some_edge(&mut next, service, other, declared));
                }
            }
        }
        while edges.len() < 3 * n as usize {
            let (c, p) = (next(n as u64) as i64, next(n as u64) as i64);
            if c != p {
                edges.push(some_edge(&mut next, c, p, false));
            }
        }
        edges.truncate(3 * n as usize);
        (nodes, edges)
    }

    /// `n` departments and `3 n` edges between random pairs: a tangle of cycles, the worst
    /// case for a layered layout.
    fn random_org(n: i64) -> (Vec<MapNode>, Vec<MapEdge>) {
        let nodes: Vec<MapNode> = (0..n)
            .map(|i| node(i, &format!("Department {i}")))
            .collect();
        let mut next = sequence();
        let mut edges = Vec::new();
        while edges.len() < 3 * n as usize {
            let (c, p) = (next(n as u64) as i64, next(n as u64) as i64);
            if c != p {
                let declared = next(3) != 0;
                edges.push(some_edge(&mut next, c, p, declared));
            }
        }
        (nodes, edges)
    }

    #[test]
    fn a_large_map_renders() {
        for (nodes, edges) in [tiered_org(100), random_org(60)] {
            let svg = map_svg(&nodes, &edges);
            check_xml(&svg).unwrap();
            assert_eq!(links(&svg, "node").len(), nodes.len());
            let edge_links = links(&svg, "edge");
            assert_eq!(edge_links.len(), edges.len());
            assert!(edge_links.iter().all(|a| attr(a, "d").starts_with('M')));
        }
    }

    #[test]
    fn a_tangle_too_big_to_route_is_still_drawn_whole() {
        let (nodes, edges) = random_org(200);
        let svg = map_svg(&nodes, &edges);
        check_xml(&svg).unwrap();
        assert_eq!(links(&svg, "node").len(), 200);
        assert_eq!(links(&svg, "edge").len(), 600);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn customers_stand_left_of_their_providers_when_there_is_no_cycle() {
        let (nodes, edges) = tiered_org(100);
        // Without the links between services and the random ones, it is acyclic.
        let edges: Vec<MapEdge> = edges
            .into_iter()
            .filter(|e| e.customer >= 10 && e.provider < 10)
            .collect();
        let svg = map_svg(&nodes, &edges);
        let x_of = |id: i64| -> f64 {
            let a = links(&svg, "node")
                .into_iter()
                .find(|a| a.contains(&format!("href=\"/departments/{id}\"")))
                .unwrap();
            attr(a, "x").parse().unwrap()
        };
        for e in &edges {
            assert!(
                x_of(e.customer) < x_of(e.provider),
                "{} → {}",
                e.customer,
                e.provider
            );
        }
    }

    /// `cargo test -p handoff-http --release --lib charts::map -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release mode"]
    fn time_200_nodes_600_edges() {
        for (name, (nodes, edges)) in [("tiered", tiered_org(200)), ("random", random_org(200))] {
            let svg = map_svg(&nodes, &edges);
            check_xml(&svg).unwrap();
            assert_eq!(links(&svg, "edge").len(), 600);
            let runs = 5;
            let started = Instant::now();
            for _ in 0..runs {
                std::hint::black_box(map_svg(&nodes, &edges));
            }
            println!(
                "{name} org, 200 nodes / 600 edges: {:?} per map (mean of {runs}), {} bytes",
                started.elapsed() / runs,
                svg.len()
            );
            std::fs::write(
                std::env::temp_dir().join(format!("handoff-map-200-{name}.svg")),
                &svg,
            )
            .unwrap();
        }
        let (nodes, edges) = small_org();
        std::fs::write(
            std::env::temp_dir().join("handoff-map-8.svg"),
            map_svg(&nodes, &edges),
        )
        .unwrap();
    }
}
