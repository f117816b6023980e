//! Tops seen from the front: T-shirt, polo, tank top, shirt, blouse.

use super::{bow, button, patch_pocket, ribs, NO_ACCENT, SIDES};
use crate::geom::{cr, curve, mirrored, outline, pt, rounded_rect, sm, Path, MID};
use crate::scene::{Part, Scene, Sketch};

/// Short-sleeved crew-neck T-shirt.
pub(crate) fn tee() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    tee_base(&mut s, 113.0);
    let neckline = curve(&[cr(174.0, 92.0), sm(166.0, 108.0), sm(MID, 113.0), sm(134.0, 108.0), cr(126.0, 92.0)]);
    s.part(Part::fill(neckline.ribbon(7.0)).relief(3.0));
    s.stitch(neckline.offset(7.0).slice(2.0, 200.0));
    s.finish()
}

/// Polo shirt: knit collar, buttoned placket and ribbed sleeve bands.
pub(crate) fn polo() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    tee_base(&mut s, 106.0);
    for side in SIDES {
        let cuff = side.path(&outline(&[cr(277.0, 151.0), cr(252.0, 180.0), cr(245.0, 173.0), cr(270.0, 144.0)]));
        s.part(Part::fill(cuff.clone()).relief(3.0).tone(-0.02));
        ribs(
            &mut s,
            &side.path(&Path::line(pt(277.0, 151.0), pt(252.0, 180.0))),
            &side.path(&Path::line(pt(270.0, 144.0), pt(245.0, 173.0))),
            9,
        );
    }
    let placket = rounded_rect(142.0, 102.0, 158.0, 166.0, 2.0);
    s.part(Part::fill(placket.clone()).relief(3.0).tone(0.02));
    s.stitch(placket.inset(2.0));
    s.seam(Path::line(pt(MID, 104.0), pt(MID, 164.0)));
    button(&mut s, pt(MID, 124.0), 3.4);
    button(&mut s, pt(MID, 147.0), 3.4);
    let stand = curve(&[cr(176.0, 93.0), sm(MID, 98.0), cr(124.0, 93.0)]);
    s.part(Part::fill(stand.ribbon(-7.0)).tone(-0.1).relief(3.0));
    for side in SIDES {
        let wing = outline(&[
            cr(151.0, 104.0),
            sm(163.0, 97.0),
            cr(176.0, 89.0),
            cr(193.0, 99.0),
            sm(187.0, 116.0),
            cr(173.0, 134.0),
            sm(161.0, 118.0),
        ]);
        let wing = side.path(&wing);
        s.part(Part::fill(wing.clone()).relief(4.0));
        s.stitch(side.path(&curve(&[cr(189.0, 103.0), sm(183.0, 117.0), cr(172.0, 129.0)])));
    }
    s.finish()
}

/// Sleeves, inside of the back neck and body of a T-shirt whose front neckline dips to `dip`.
fn tee_base(s: &mut Sketch, dip: f32) {
    for side in SIDES {
        let sleeve = outline(&[
            cr(205.0, 101.0),
            cr(221.0, 106.0),
            sm(250.0, 127.0),
            cr(277.0, 151.0),
            cr(252.0, 180.0),
            cr(208.0, 170.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)));
        s.stitch(side.path(&Path::line(pt(270.0, 156.0), pt(250.0, 173.0))));
        s.drape(side.path(&curve(&[cr(226.0, 128.0), sm(236.0, 148.0), cr(240.0, 168.0)])), 12.0, 0.05);
    }
    let inside = outline(&[cr(126.0, 92.0), sm(MID, 98.0), cr(174.0, 92.0), cr(178.0, 120.0), cr(122.0, 120.0)]);
    s.part(Part::fill(inside).tone(-0.25).flat());
    let back_neck = curve(&[cr(174.0, 92.0), sm(MID, 98.0), cr(126.0, 92.0)]);
    s.part(Part::fill(back_neck.ribbon(6.0)).tone(-0.12).relief(3.0));
    let body = mirrored(&[
        sm(MID, dip),
        sm(166.0, dip - 5.0),
        cr(174.0, 92.0),
        cr(221.0, 106.0),
        sm(214.0, 138.0),
        cr(217.0, 168.0),
        sm(219.0, 240.0),
        cr(221.0, 302.0),
        sm(MID, 306.0),
    ]);
    s.part(Part::fill(body));
    s.stitch(curve(&[cr(80.0, 295.0), sm(MID, 299.0), cr(220.0, 295.0)]));
    s.drape(curve(&[cr(205.0, 176.0), sm(190.0, 205.0), cr(184.0, 232.0)]), 16.0, 0.05);
    s.drape(curve(&[cr(96.0, 236.0), sm(104.0, 266.0), cr(101.0, 292.0)]), 14.0, 0.04);
}

/// Tank top with a scooped neck and bound edges.
pub(crate) fn tank_top() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    let inside = outline(&[cr(127.0, 84.0), sm(MID, 95.0), cr(173.0, 84.0), cr(178.0, 156.0), cr(122.0, 156.0)]);
    s.part(Part::fill(inside).tone(-0.25).flat());
    let body = mirrored(&[
        sm(MID, 152.0),
        sm(165.0, 140.0),
        cr(172.0, 82.0),
        cr(192.0, 86.0),
        sm(198.0, 128.0),
        cr(214.0, 160.0),
        sm(216.0, 232.0),
        cr(221.0, 304.0),
        sm(MID, 308.0),
    ]);
    s.part(Part::fill(body));
    let neck = curve(&[cr(172.0, 83.0), sm(168.0, 126.0), sm(MID, 152.0), sm(132.0, 126.0), cr(128.0, 83.0)]);
    s.stitch(neck.offset(4.0).slice(3.0, 400.0));
    for side in SIDES {
        let hole = curve(&[cr(192.0, 87.0), sm(198.0, 128.0), cr(213.0, 160.0)]);
        s.stitch(side.path(&hole.offset(-4.0)).slice(3.0, 200.0));
        s.drape(side.path(&curve(&[cr(206.0, 170.0), sm(196.0, 220.0), cr(200.0, 268.0)])), 16.0, 0.05);
    }
    s.stitch(curve(&[cr(80.0, 297.0), sm(MID, 301.0), cr(220.0, 297.0)]));
    s.drape(curve(&[cr(160.0, 168.0), sm(150.0, 200.0), cr(146.0, 236.0)]), 14.0, 0.04);
    s.finish()
}

/// Long-sleeved shirt: collar, buttoned placket, chest pocket, cuffs and a curved hem.
pub(crate) fn shirt() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    for side in SIDES {
        let sleeve = outline(&[
            cr(205.0, 96.0),
            cr(224.0, 102.0),
            sm(245.0, 160.0),
            cr(262.0, 262.0),
            cr(240.0, 270.0),
            sm(232.0, 210.0),
            cr(221.0, 168.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)));
        s.drape(side.path(&curve(&[cr(236.0, 200.0), sm(246.0, 214.0), cr(252.0, 222.0)])), 10.0, 0.06);
        s.seam(side.path(&Path::line(pt(252.0, 244.0), pt(254.0, 264.0))));
        let cuff = outline(&[cr(239.0, 266.0), cr(263.0, 258.0), cr(268.0, 294.0), cr(244.0, 301.0)]);
        s.part(Part::fill(side.path(&cuff)).relief(4.0));
        s.stitch(side.path(&Path::line(pt(243.0, 271.0), pt(263.0, 264.0))));
        button(&mut s, side.pt(pt(256.0, 288.0)), 2.6);
    }
    let inside = outline(&[cr(128.0, 86.0), sm(MID, 92.0), cr(172.0, 86.0), cr(176.0, 120.0), cr(124.0, 120.0)]);
    s.part(Part::fill(inside).tone(-0.25).flat());
    let stand = curve(&[cr(175.0, 87.0), sm(MID, 91.0), cr(125.0, 87.0)]);
    s.part(Part::fill(stand.ribbon(-7.0)).tone(-0.08).relief(3.0));
    let body = mirrored(&[
        sm(MID, 108.0),
        sm(166.0, 100.0),
        cr(172.0, 86.0),
        cr(224.0, 102.0),
        sm(219.0, 136.0),
        cr(221.0, 168.0),
        sm(223.0, 240.0),
        cr(226.0, 290.0),
        sm(202.0, 305.0),
        sm(MID, 316.0),
    ]);
    s.part(Part::fill(body));
    s.stitch(
        curve(&[cr(74.0, 288.0), sm(98.0, 301.0), sm(MID, 311.0), sm(202.0, 301.0), cr(226.0, 288.0)]).offset(-0.5),
    );
    s.drape(curve(&[cr(206.0, 190.0), sm(196.0, 226.0), cr(196.0, 262.0)]), 14.0, 0.05);
    s.drape(curve(&[cr(98.0, 200.0), sm(104.0, 240.0), cr(100.0, 280.0)]), 14.0, 0.04);
    patch_pocket(
        &mut s,
        outline(&[cr(172.0, 150.0), cr(201.0, 150.0), cr(201.0, 181.0), cr(186.5, 188.0), cr(172.0, 181.0)]),
    );
    let placket = rounded_rect(142.0, 104.0, 158.0, 315.0, 1.0);
    s.part(Part::fill(placket).relief(3.0).tone(0.02));
    s.stitch(Path::line(pt(144.5, 110.0), pt(144.5, 312.0)));
    s.stitch(Path::line(pt(155.5, 110.0), pt(155.5, 312.0)));
    for y in [126.0, 160.0, 194.0, 228.0, 262.0, 296.0] {
        button(&mut s, pt(MID, y), 3.2);
    }
    for side in SIDES {
        let wing = outline(&[
            cr(151.0, 103.0),
            sm(163.0, 95.0),
            cr(175.0, 83.0),
            cr(191.0, 92.0),
            sm(187.0, 112.0),
            cr(175.0, 137.0),
            sm(162.0, 119.0),
        ]);
        s.part(Part::fill(side.path(&wing)).relief(4.0));
        s.stitch(side.path(&curve(&[cr(187.0, 97.0), sm(183.0, 113.0), cr(174.0, 131.0)])));
    }
    s.finish()
}

/// Loose V-neck blouse with gathered three-quarter sleeves, frilled cuffs and a bow.
pub(crate) fn blouse() -> Scene {
    let mut s = Sketch::new(NO_ACCENT);
    for side in SIDES {
        let sleeve = outline(&[
            cr(200.0, 96.0),
            cr(218.0, 101.0),
            sm(248.0, 140.0),
            sm(263.0, 196.0),
            cr(258.0, 240.0),
            cr(232.0, 248.0),
            sm(229.0, 200.0),
            cr(216.0, 164.0),
        ]);
        s.part(Part::fill(side.path(&sleeve)));
        for (a, b) in
            [((240.0, 236.0), (236.0, 214.0)), ((248.0, 234.0), (248.0, 208.0)), ((255.0, 232.0), (258.0, 212.0))]
        {
            s.drape(side.path(&Path::line(pt(a.0, a.1), pt(b.0, b.1))), 6.0, 0.07);
        }
        s.drape(side.path(&curve(&[cr(222.0, 110.0), sm(234.0, 128.0), cr(240.0, 150.0)])), 10.0, 0.05);
        let frill = outline(&[
            cr(232.0, 247.0),
            cr(259.0, 239.0),
            sm(266.0, 254.0),
            cr(273.0, 266.0),
            sm(262.0, 268.0),
            sm(250.0, 274.0),
            sm(239.0, 274.0),
            cr(228.0, 277.0),
            sm(229.0, 262.0),
        ]);
        s.part(Part::fill(side.path(&frill)).relief(4.0));
        s.drape(side.path(&Path::line(pt(246.0, 252.0), pt(246.0, 271.0))), 5.0, 0.08);
        s.drape(side.path(&Path::line(pt(258.0, 250.0), pt(263.0, 266.0))), 5.0, 0.08);
        let band = outline(&[cr(231.0, 242.0), cr(258.0, 234.0), cr(260.0, 243.0), cr(233.0, 251.0)]);
        s.part(Part::fill(side.path(&band)).relief(2.0).tone(-0.03));
    }
    let inside = outline(&[cr(130.0, 88.0), sm(MID, 96.0), cr(170.0, 88.0), cr(172.0, 160.0), cr(128.0, 160.0)]);
    s.part(Part::fill(inside).tone(-0.25).flat());
    let body = mirrored(&[
        cr(MID, 152.0),
        sm(161.0, 122.0),
        cr(170.0, 88.0),
        cr(218.0, 101.0),
        sm(214.0, 134.0),
        cr(216.0, 164.0),
        sm(222.0, 236.0),
        cr(236.0, 303.0),
        sm(196.0, 309.0),
        sm(MID, 312.0),
    ]);
    s.part(Part::fill(body));
    let neck = curve(&[cr(170.0, 89.0), sm(161.0, 122.0), cr(MID, 152.0), sm(139.0, 122.0), cr(130.0, 89.0)]);
    s.stitch(neck.offset(4.0).slice(3.0, 200.0));
    s.stitch(curve(&[cr(66.0, 297.0), sm(104.0, 303.0), sm(MID, 306.0), sm(196.0, 303.0), cr(234.0, 297.0)]));
    for side in SIDES {
        s.drape(side.path(&curve(&[cr(180.0, 170.0), sm(186.0, 230.0), cr(196.0, 296.0)])), 14.0, 0.06);
        s.drape(side.path(&curve(&[cr(206.0, 180.0), sm(212.0, 240.0), cr(222.0, 298.0)])), 12.0, 0.05);
    }
    s.drape(curve(&[cr(MID, 170.0), sm(148.0, 230.0), cr(150.0, 300.0)]), 12.0, 0.04);
    bow(&mut s, pt(MID, 150.0));
    s.finish()
}
