//! Jackets and coats seen from the front: trucker jacket, blazer, parka, windbreaker, coat.

use super::{button, patch_pocket, stud, zip, zip_pull, Side, BRASS, FUR, METAL, SIDES};
use crate::geom::{cr, curve, ellipse, mirrored, outline, pt, rounded_rect, sm, Knot, Path, Pt, MID};
use crate::scene::{Part, Scene, Shape, Sketch};

/// Waist-length trucker jacket: spread collar, yoke, flap chest pockets and a waistband.
pub(crate) fn jacket() -> Scene {
    let mut s = Sketch::new(BRASS);
    let sleeve = [
        cr(206.0, 94.3),
        cr(226.0, 100.0),
        sm(246.0, 160.0),
        cr(262.0, 266.0),
        cr(238.0, 272.0),
        sm(232.0, 214.0),
        cr(223.0, 170.0),
    ];
    let cuff = [cr(237.0, 268.0), cr(263.0, 262.0), cr(266.0, 292.0), cr(241.0, 298.0)];
    for side in SIDES {
        long_sleeve(&mut s, side, &sleeve, &cuff);
        s.stitch(side.path(&Path::line(pt(240.0, 274.0), pt(264.0, 268.0))));
        stud(&mut s, side.pt(pt(254.0, 285.0)), 2.8);
    }
    inside_neck(&mut s, 170.0, 84.0, 120.0);
    let stand = curve(&[cr(172.0, 85.0), sm(MID, 89.0), cr(128.0, 85.0)]);
    s.part(Part::fill(stand.ribbon(-6.0)).tone(-0.08).relief(3.0));
    let body = mirrored(&[
        sm(MID, 104.0),
        sm(163.0, 97.0),
        cr(170.0, 84.0),
        cr(226.0, 100.0),
        sm(221.0, 136.0),
        cr(223.0, 170.0),
        sm(225.0, 230.0),
        cr(225.0, 288.0),
        sm(MID, 288.0),
    ]);
    s.part(Part::fill(body));
    for side in SIDES {
        s.seam(side.path(&curve(&[cr(143.0, 126.0), sm(190.0, 122.0), cr(222.0, 119.0)])));
        s.stitch(side.path(&curve(&[cr(143.0, 130.0), sm(190.0, 126.0), cr(222.0, 123.0)])));
        s.seam(side.path(&Path::line(pt(193.0, 182.0), pt(195.0, 286.0))));
        s.stitch(side.path(&Path::line(pt(197.0, 184.0), pt(199.0, 286.0))));
        s.drape(side.path(&curve(&[cr(214.0, 186.0), sm(208.0, 230.0), cr(210.0, 280.0)])), 12.0, 0.05);
    }
    s.line(Path::line(pt(143.0, 104.0), pt(143.0, 288.0)), 0.9, 0.85);
    s.stitch(Path::line(pt(147.0, 106.0), pt(147.0, 286.0)));
    for side in SIDES {
        patch_pocket(
            &mut s,
            side.path(&outline(&[
                cr(170.0, 140.0),
                cr(203.0, 140.0),
                cr(203.0, 176.0),
                cr(186.5, 182.0),
                cr(170.0, 176.0),
            ])),
        );
        let flap = side.path(&outline(&[
            cr(168.0, 133.0),
            cr(205.0, 133.0),
            cr(205.0, 148.0),
            cr(186.5, 156.0),
            cr(168.0, 148.0),
        ]));
        s.part(Part::fill(flap.clone()).relief(3.0));
        s.stitch(flap.inset(2.2));
        stud(&mut s, side.pt(pt(186.5, 149.0)), 2.8);
    }
    let band = outline(&[cr(75.0, 286.0), cr(225.0, 286.0), cr(224.0, 308.0), cr(76.0, 308.0)]);
    s.part(Part::fill(band).relief(4.0));
    s.stitch(Path::line(pt(78.0, 290.0), pt(222.0, 290.0)));
    s.stitch(Path::line(pt(78.0, 304.0), pt(222.0, 304.0)));
    s.line(Path::line(pt(143.0, 286.0), pt(143.0, 308.0)), 0.9, 0.85);
    for y in [118.0, 152.0, 186.0, 220.0, 254.0, 297.0] {
        stud(&mut s, pt(152.0, y), 3.3);
    }
    for side in SIDES {
        stud(&mut s, side.pt(pt(212.0, 297.0)), 2.8);
        let wing = side.path(&outline(&[
            cr(152.0, 101.0),
            sm(163.0, 93.0),
            cr(171.0, 80.0),
            cr(199.0, 91.0),
            sm(197.0, 106.0),
            cr(187.0, 129.0),
            sm(168.0, 117.0),
        ]));
        s.part(Part::fill(wing.clone()).relief(4.0));
        s.stitch(wing.inset(2.4));
    }
    s.finish()
}

/// Single-breasted blazer with notched lapels.
pub(crate) fn blazer() -> Scene {
    let mut s = Sketch::new(METAL);
    tailored(
        &mut s,
        &Tailoring {
            hem: 322.0,
            cutaway: Some(262.0),
            edge: 147.0,
            break_y: 214.0,
            panel_bottom: &[cr(221.0, 318.0), sm(196.0, 323.0), cr(172.0, 323.0), sm(158.0, 306.0), sm(150.0, 276.0)],
            lapel: &[
                cr(147.0, 214.0),
                sm(176.0, 170.0),
                cr(201.0, 131.0),
                cr(190.0, 127.0),
                cr(197.0, 114.0),
                sm(188.0, 97.0),
                cr(173.0, 85.0),
            ],
        },
    );
    for y in [224.0, 260.0] {
        button(&mut s, pt(154.0, y), 4.2);
    }
    for side in SIDES {
        s.seam(side.path(&Path::line(pt(190.0, 176.0), pt(191.0, 256.0))));
        let welt = side.path(&outline(&[cr(176.0, 160.0), cr(204.0, 155.0), cr(205.0, 161.0), cr(177.0, 166.0)]));
        s.part(Part::fill(welt).relief(2.0));
        flap(&mut s, side, &[cr(168.0, 262.0), cr(210.0, 259.0), cr(211.0, 274.0), cr(169.0, 277.0)]);
    }
    s.finish()
}

/// Long double-breasted belted coat.
pub(crate) fn coat() -> Scene {
    let mut s = Sketch::new(METAL);
    tailored(
        &mut s,
        &Tailoring {
            hem: 372.0,
            cutaway: None,
            edge: 124.0,
            break_y: 190.0,
            panel_bottom: &[cr(234.0, 366.0), sm(190.0, 371.0), cr(124.0, 372.0)],
            lapel: &[
                cr(124.0, 190.0),
                sm(168.0, 156.0),
                cr(210.0, 122.0),
                cr(197.0, 118.0),
                cr(205.0, 104.0),
                sm(193.0, 92.0),
                cr(173.0, 85.0),
            ],
        },
    );
    for side in SIDES {
        flap(&mut s, side, &[cr(172.0, 288.0), cr(214.0, 285.0), cr(215.0, 301.0), cr(173.0, 304.0)]);
    }
    for y in [202.0, 226.0, 282.0] {
        for x in [134.0, 170.0] {
            button(&mut s, pt(x, y), 4.0);
        }
    }
    let belt = outline(&[cr(76.0, 242.0), cr(224.0, 242.0), cr(224.0, 258.0), cr(76.0, 258.0)]);
    s.part(Part::fill(belt).relief(4.0));
    s.stitch(Path::line(pt(78.0, 245.0), pt(222.0, 245.0)));
    s.stitch(Path::line(pt(78.0, 255.0), pt(222.0, 255.0)));
    let frame = rounded_rect(141.0, 238.0, 159.0, 262.0, 3.0);
    s.part(Part::main(Shape::Band(vec![frame], 3.2)).accent().relief(1.5));
    s.part(Part::fill(rounded_rect(149.0, 246.0, 172.0, 254.0, 1.0)).relief(2.0));
    s.line(Path::line(pt(141.0, 250.0), pt(156.0, 250.0)), 1.6, 0.2);
    s.finish()
}

/// Long hooded parka with a fur-trimmed hood, storm flap and four pockets.
pub(crate) fn parka() -> Scene {
    let mut s = Sketch::new(FUR);
    let hood = outline(&[cr(96.0, 132.0), sm(97.0, 84.0), sm(MID, 42.0), sm(203.0, 84.0), cr(204.0, 132.0)]);
    s.part(Part::fill(hood).tone(-0.06).relief(14.0));
    s.part(Part::fill(ellipse(pt(MID, 104.0), 27.0, 34.0)).tone(-0.34).relief(10.0).flat());
    s.part(Part::main(fur_ring(pt(MID, 102.0), (40.0, 47.0), (26.0, 33.0))).accent().relief(5.0));
    let sleeve = [
        cr(212.0, 107.2),
        cr(230.0, 112.0),
        sm(250.0, 176.0),
        cr(266.0, 280.0),
        cr(240.0, 286.0),
        sm(234.0, 226.0),
        cr(226.0, 180.0),
    ];
    let cuff = [cr(239.0, 282.0), cr(267.0, 276.0), cr(270.0, 302.0), cr(243.0, 308.0)];
    for side in SIDES {
        long_sleeve(&mut s, side, &sleeve, &cuff);
    }
    let body = mirrored(&[
        sm(MID, 130.0),
        sm(168.0, 120.0),
        cr(178.0, 98.0),
        cr(230.0, 112.0),
        sm(226.0, 146.0),
        cr(226.0, 180.0),
        sm(228.0, 260.0),
        cr(234.0, 360.0),
        sm(MID, 366.0),
    ]);
    s.part(Part::fill(body));
    for y in [220.0, 230.0] {
        s.stitch(Path::line(pt(70.0, y), pt(230.0, y)));
    }
    for side in SIDES {
        s.drape(side.path(&curve(&[cr(206.0, 236.0), sm(200.0, 290.0), cr(206.0, 350.0)])), 16.0, 0.05);
    }
    zip(&mut s, &Path::line(pt(146.0, 130.0), pt(146.0, 364.0)));
    let flap_strip = outline(&[cr(150.0, 122.0), cr(163.0, 120.0), cr(163.0, 365.0), cr(150.0, 365.0)]);
    s.part(Part::fill(flap_strip.clone()).relief(3.0));
    s.stitch(flap_strip.inset(2.0));
    for y in [146.0, 186.0, 250.0, 294.0, 340.0] {
        s.part(Part::fill(crate::geom::circle(pt(156.5, y), 3.2)).tone(0.06).relief(2.0).flat());
    }
    for side in SIDES {
        let chest = [cr(172.0, 150.0), cr(208.0, 148.0), cr(209.0, 163.0), cr(191.0, 170.0), cr(173.0, 165.0)];
        flap(&mut s, side, &chest);
        patch_pocket(
            &mut s,
            side.path(&outline(&[cr(173.0, 262.0), cr(212.0, 260.0), cr(215.0, 308.0), cr(175.0, 310.0)])),
        );
        flap(&mut s, side, &[cr(171.0, 253.0), cr(214.0, 251.0), cr(215.0, 268.0), cr(172.0, 270.0)]);
        let cord = side.path(&curve(&[cr(166.0, 228.0), sm(170.0, 244.0), cr(168.0, 262.0)]));
        s.part(Part::band(cord, 2.6).relief(1.2));
        s.part(Part::fill(side.path(&rounded_rect(164.0, 258.0, 172.0, 272.0, 3.0))).tone(-0.2).relief(2.0));
    }
    s.finish()
}

/// Light hooded windbreaker with a colour-block yoke, half zip and elastic cuffs and hem.
pub(crate) fn windbreaker() -> Scene {
    let mut s = Sketch::new(METAL);
    let hood = outline(&[cr(106.0, 120.0), sm(107.0, 82.0), sm(MID, 50.0), sm(193.0, 82.0), cr(194.0, 120.0)]);
    s.part(Part::fill(hood).tone(-0.06).relief(12.0));
    let opening = outline(&[cr(122.0, 134.0), sm(124.0, 94.0), sm(MID, 70.0), sm(176.0, 94.0), cr(178.0, 134.0)]);
    s.part(Part::fill(opening).tone(-0.32).relief(8.0).flat());
    let rim = curve(&[cr(121.0, 134.0), sm(123.0, 94.0), sm(MID, 69.0), sm(177.0, 94.0), cr(179.0, 134.0)]);
    s.part(Part::fill(rim.ribbon(-5.0)).relief(3.0));
    let sleeve = [
        cr(210.0, 105.0),
        cr(226.0, 108.0),
        sm(246.0, 170.0),
        cr(262.0, 262.0),
        cr(238.0, 268.0),
        sm(232.0, 216.0),
        cr(222.0, 174.0),
    ];
    let cuff = [cr(237.0, 264.0), cr(263.0, 258.0), cr(266.0, 282.0), cr(241.0, 288.0)];
    for side in SIDES {
        long_sleeve(&mut s, side, &sleeve, &cuff);
        gathers(
            &mut s,
            &side.path(&Path::line(pt(239.0, 266.0), pt(264.0, 260.0))),
            &side.path(&Path::line(pt(242.0, 286.0), pt(265.0, 280.0))),
            6,
        );
    }
    let body = mirrored(&[
        sm(MID, 124.0),
        sm(164.0, 116.0),
        cr(176.0, 96.0),
        cr(226.0, 108.0),
        sm(222.0, 142.0),
        cr(222.0, 174.0),
        sm(224.0, 240.0),
        cr(222.0, 292.0),
        sm(MID, 293.0),
    ]);
    s.part(Part::fill(body));
    for side in SIDES {
        s.drape(side.path(&curve(&[cr(206.0, 196.0), sm(200.0, 236.0), cr(204.0, 280.0)])), 14.0, 0.05);
    }
    let yoke = mirrored(&[
        sm(MID, 124.0),
        sm(164.0, 116.0),
        cr(176.0, 96.0),
        cr(226.0, 108.0),
        sm(222.0, 142.0),
        cr(222.0, 166.0),
        sm(MID, 154.0),
    ]);
    s.part(Part::fill(yoke).tone(0.07).relief(8.0));
    s.stitch(curve(&[cr(79.0, 162.0), sm(MID, 150.0), cr(221.0, 162.0)]));
    zip(&mut s, &Path::line(pt(MID, 124.0), pt(MID, 204.0)));
    zip_pull(&mut s, pt(MID, 128.0), 13.0);
    zip(&mut s, &Path::line(pt(178.0, 190.0), pt(200.0, 230.0)));
    zip_pull(&mut s, pt(180.0, 192.0), 10.0);
    let band = outline(&[cr(77.0, 290.0), cr(223.0, 290.0), cr(221.0, 308.0), cr(79.0, 308.0)]);
    s.part(Part::fill(band).relief(4.0));
    gathers(&mut s, &Path::line(pt(78.0, 291.0), pt(222.0, 291.0)), &Path::line(pt(80.0, 307.0), pt(220.0, 307.0)), 22);
    for side in SIDES {
        let cord = side.path(&curve(&[cr(206.0, 300.0), sm(208.0, 306.0), cr(207.0, 312.0)]));
        s.part(Part::band(cord, 2.2).relief(1.0));
        s.part(Part::fill(side.path(&rounded_rect(203.5, 309.0, 210.5, 319.0, 3.0))).accent().relief(2.0));
    }
    s.finish()
}

/// Shapes of a tailored jacket or coat (right half; the left is mirrored).
struct Tailoring<'a> {
    /// Lowest point of the hem.
    hem: f32,
    /// Front edge of the overlapping panel at the top button.
    edge: f32,
    /// Height of the top button, where the lapels break.
    break_y: f32,
    /// The panel's outline from the side seam at the hem round to the front edge.
    panel_bottom: &'a [Knot],
    /// The lapel from the break point round its point and notch to the neck.
    lapel: &'a [Knot],
    /// Height below which the fronts curve apart, showing the lining, if they do.
    cutaway: Option<f32>,
}

/// Lining, sleeves, both front panels and lapels of a tailored jacket or coat.
fn tailored(s: &mut Sketch, t: &Tailoring) {
    let sleeve = [
        cr(210.0, 93.5),
        cr(228.0, 98.0),
        sm(244.0, 160.0),
        cr(256.0, t.hem.min(320.0) - 50.0),
        cr(234.0, t.hem.min(320.0) - 44.0),
        sm(230.0, 214.0),
        cr(222.0, 170.0),
    ];
    let cuff_y = t.hem.min(320.0) - 50.0;
    for side in SIDES {
        s.part(Part::fill(side.path(&outline(&sleeve))));
        s.drape(side.path(&curve(&[cr(236.0, 190.0), sm(244.0, 214.0), cr(248.0, 236.0)])), 10.0, 0.05);
        s.stitch(side.path(&Path::line(pt(236.0, cuff_y - 4.0), pt(256.0, cuff_y - 10.0))));
        for k in 0..3 {
            button(s, side.pt(pt(249.0 + k as f32 * 1.2, cuff_y - 2.0 - k as f32 * 7.0)), 2.2);
        }
    }
    // The lining shows above the top button and, on a cutaway front, near the hem.
    inside_neck(s, 174.0, 84.0, t.break_y + 12.0);
    if let Some(top) = t.cutaway {
        let below = outline(&[
            cr(MID - 30.0, top),
            cr(MID + 30.0, top),
            cr(MID + 30.0, t.hem - 6.0),
            cr(MID - 30.0, t.hem - 6.0),
        ]);
        s.part(Part::fill(below).tone(-0.3).flat());
    }
    let mut panel = vec![cr(172.0, 84.0), cr(228.0, 98.0), sm(223.0, 134.0), cr(223.0, 170.0), sm(216.0, 232.0)];
    panel.extend_from_slice(t.panel_bottom);
    panel.extend([cr(t.edge, t.break_y)]);
    let panel = outline(&panel);
    let lapel = outline(t.lapel);
    for side in SIDES {
        s.part(Part::fill(side.path(&panel)));
        s.drape(side.path(&curve(&[cr(206.0, 280.0), sm(204.0, t.hem - 40.0), cr(206.0, t.hem - 8.0)])), 14.0, 0.05);
        s.part(Part::fill(side.path(&lapel)).relief(6.0).tone(0.02));
        s.stitch(side.path(&lapel).inset(2.5));
    }
}

/// A long sleeve from its outline knots with a cuff on top.
fn long_sleeve(s: &mut Sketch, side: Side, sleeve: &[Knot], cuff: &[Knot]) {
    s.part(Part::fill(side.path(&outline(sleeve))));
    let (a, b) = (sleeve[2].p, sleeve[5].p);
    s.drape(side.path(&Path::line(pt(a.x - 2.0, a.y + 40.0), pt(b.x + 6.0, b.y - 10.0))), 10.0, 0.05);
    s.part(Part::fill(side.path(&outline(cuff))).relief(4.0));
}

/// The inside of the back neck, visible above or through a neckline.
fn inside_neck(s: &mut Sketch, x: f32, y: f32, bottom: f32) {
    let inside = outline(&[
        cr(2.0 * MID - x, y),
        sm(MID, y + 7.0),
        cr(x, y),
        cr(x + 6.0, bottom),
        cr(2.0 * MID - x - 6.0, bottom),
    ]);
    s.part(Part::fill(inside).tone(-0.3).flat());
}

/// A pocket flap from its right-hand outline knots.
fn flap(s: &mut Sketch, side: Side, knots: &[Knot]) {
    let path = side.path(&outline(knots));
    s.part(Part::fill(path.clone()).relief(3.0));
    s.stitch(path.inset(2.2));
}

/// Gathered fabric between two edges: short soft folds.
fn gathers(s: &mut Sketch, from: &Path, to: &Path, count: usize) {
    for i in 0..count {
        let t = (i as f32 + 0.5) / count as f32;
        s.drape(Path::line(from.point_at(t), to.point_at(t)), 3.0, 0.07);
    }
}

/// A fluffy ring of fur around an opening centred on `c` with outer and inner radii.
fn fur_ring(c: Pt, outer: (f32, f32), inner: (f32, f32)) -> Shape {
    let n = 240;
    let fluffy = |r: (f32, f32), amp: f32, lobes: f32| {
        let pts = (0..n)
            .map(|i| {
                let a = std::f32::consts::TAU * i as f32 / n as f32;
                let bump = amp * (a * lobes).sin().abs();
                pt(c.x + (r.0 + bump) * a.cos(), c.y + (r.1 + bump) * a.sin())
            })
            .collect();
        Path::closed(pts)
    };
    Shape::Fill(vec![fluffy(outer, 3.5, 13.0), fluffy(inner, 1.5, 11.0).reversed()])
}
