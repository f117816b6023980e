//! Garment shapes and how product names map to them.

/// A garment shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Silhouette {
    /// Short-sleeved crew-neck T-shirt.
    Tee,
    /// Polo shirt: knit collar and a buttoned placket.
    Polo,
    /// Sleeveless top on narrow straps.
    Top,
    /// Long-sleeved collared shirt with a button front.
    Shirt,
    /// Loose V-neck blouse with gathered sleeves.
    Blouse,
    /// Crew-neck knit with ribbed cuffs and hem.
    Sweater,
    /// Buttoned V-neck knit jacket.
    Cardigan,
    /// Raglan-sleeved crew-neck sweatshirt.
    Sweatshirt,
    /// Hooded sweatshirt with a kangaroo pocket.
    Hoodie,
    /// Sleeveless V-neck knit (sweater vest).
    Vest,
    /// Waist-length jacket with collar, buttons and chest pockets.
    Jacket,
    /// Tailored blazer with notched lapels.
    Blazer,
    /// Long hooded parka with a zip and patch pockets.
    Parka,
    /// Light hooded zip jacket.
    Windbreaker,
    /// Long double-breasted coat.
    Coat,
    /// Midi dress with short sleeves and a flared skirt.
    Dress,
    /// Floor-length strappy dress.
    MaxiDress,
    /// Short sleeveless dress with a full skirt and a sash.
    PartyDress,
    /// Knee-length A-line skirt.
    Skirt,
    /// Short flared skirt.
    MiniSkirt,
    /// Straight, fitted skirt with a back slit.
    PencilSkirt,
    /// Tailored trousers with pressed creases.
    Trousers,
    /// Five-pocket jeans.
    Jeans,
    /// Trousers with thigh cargo pockets.
    CargoTrousers,
    /// Joggers with a drawstring waist and ribbed cuffs.
    Joggers,
    /// Shorts.
    Shorts,
    /// Lace-up sneaker on a white rubber sole.
    Sneaker,
    /// Ankle boot with elastic side panel and block heel.
    Boot,
    /// Slip-on loafer with a saddle strap.
    Loafer,
    /// Lace-up derby shoe.
    Derby,
    /// Flat strappy sandals seen from above.
    Sandal,
    /// Canvas espadrille on a jute sole.
    Espadrille,
    /// Knitted scarf with fringed ends.
    Scarf,
    /// Knitted beanie with a turned-up cuff.
    Beanie,
    /// Baseball cap.
    Cap,
    /// Handbag with two handles.
    Bag,
    /// Backpack with a front pocket.
    Backpack,
    /// Belt with a metal buckle.
    Belt,
}

/// Every silhouette, in declaration order.
const ALL: [Silhouette; 38] = {
    use Silhouette::*;
    [
        Tee,
        Polo,
        Top,
        Shirt,
        Blouse,
        Sweater,
        Cardigan,
        Sweatshirt,
        Hoodie,
        Vest,
        Jacket,
        Blazer,
        Parka,
        Windbreaker,
        Coat,
        Dress,
        MaxiDress,
        PartyDress,
        Skirt,
        MiniSkirt,
        PencilSkirt,
        Trousers,
        Jeans,
        CargoTrousers,
        Joggers,
        Shorts,
        Sneaker,
        Boot,
        Loafer,
        Derby,
        Sandal,
        Espadrille,
        Scarf,
        Beanie,
        Cap,
        Bag,
        Backpack,
        Belt,
    ]
};

/// Garment nouns of two words, checked before single words.
const PHRASES: &[(&str, Silhouette)] = {
    use Silhouette::*;
    &[
        ("polo shirt", Polo),
        ("shirt dress", Dress),
        ("wrap dress", Dress),
        ("midi dress", Dress),
        ("maxi dress", MaxiDress),
        ("party dress", PartyDress),
        ("short dress", PartyDress),
        ("mini dress", PartyDress),
        ("sweater vest", Vest),
        ("tank top", Top),
        ("tracksuit bottoms", Joggers),
        ("track pants", Joggers),
        ("cargo trousers", CargoTrousers),
        ("cargo pants", CargoTrousers),
        ("pencil skirt", PencilSkirt),
        ("mini skirt", MiniSkirt),
        ("ankle boots", Boot),
        ("derby shoes", Derby),
        ("baseball cap", Cap),
    ]
};

/// Single garment nouns, singular or plural.
const WORDS: &[(&str, Silhouette)] = {
    use Silhouette::*;
    &[
        ("t-shirt", Tee),
        ("tshirt", Tee),
        ("tee", Tee),
        ("polo", Polo),
        ("top", Top),
        ("tank", Top),
        ("camisole", Top),
        ("shirt", Shirt),
        ("guayabera", Shirt),
        ("blouse", Blouse),
        ("tunic", Blouse),
        ("sweater", Sweater),
        ("jumper", Sweater),
        ("pullover", Sweater),
        ("turtleneck", Sweater),
        ("cardigan", Cardigan),
        ("sweatshirt", Sweatshirt),
        ("hoodie", Hoodie),
        ("vest", Vest),
        ("waistcoat", Vest),
        ("jacket", Jacket),
        ("blazer", Blazer),
        ("parka", Parka),
        ("windbreaker", Windbreaker),
        ("anorak", Windbreaker),
        ("coat", Coat),
        ("trench", Coat),
        ("dress", Dress),
        ("gown", MaxiDress),
        ("skirt", Skirt),
        ("miniskirt", MiniSkirt),
        ("trousers", Trousers),
        ("pants", Trousers),
        ("chinos", Trousers),
        ("slacks", Trousers),
        ("jeans", Jeans),
        ("joggers", Joggers),
        ("sweatpants", Joggers),
        ("leggings", Joggers),
        ("shorts", Shorts),
        ("sneakers", Sneaker),
        ("trainers", Sneaker),
        ("boots", Boot),
        ("booties", Boot),
        ("loafers", Loafer),
        ("moccasins", Loafer),
        ("shoes", Derby),
        ("oxfords", Derby),
        ("brogues", Derby),
        ("sandals", Sandal),
        ("flip-flops", Sandal),
        ("espadrilles", Espadrille),
        ("scarf", Scarf),
        ("shawl", Scarf),
        ("beanie", Beanie),
        ("hat", Beanie),
        ("cap", Cap),
        ("bag", Bag),
        ("handbag", Bag),
        ("tote", Bag),
        ("backpack", Backpack),
        ("rucksack", Backpack),
        ("belt", Belt),
    ]
};

/// The shape used when a name mentions no known garment.
const FALLBACK: Silhouette = Silhouette::Tee;

impl Silhouette {
    /// The shape for a garment named in English, by keyword, e.g. "Girls' printed cotton hoodie",
    /// "Classic leather belt", "Lightweight linen shirt". Falls back to a sensible default
    /// (a T-shirt).
    ///
    /// The garment noun is looked for from the end of the name, where English puts it, so
    /// modifiers such as "long-sleeve" or "belted" do not mislead it.
    pub fn for_garment(name_en: &str) -> Silhouette {
        let words: Vec<String> = name_en
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        (0..words.len()).rev().find_map(|i| garment_at(&words, i)).unwrap_or(FALLBACK)
    }

    /// Every silhouette.
    pub fn all() -> &'static [Silhouette] {
        &ALL
    }

    /// A stable snake_case name, e.g. `"maxi_dress"`.
    pub fn as_str(self) -> &'static str {
        use Silhouette::*;
        match self {
            Tee => "tee",
            Polo => "polo",
            Top => "top",
            Shirt => "shirt",
            Blouse => "blouse",
            Sweater => "sweater",
            Cardigan => "cardigan",
            Sweatshirt => "sweatshirt",
            Hoodie => "hoodie",
            Vest => "vest",
            Jacket => "jacket",
            Blazer => "blazer",
            Parka => "parka",
            Windbreaker => "windbreaker",
            Coat => "coat",
            Dress => "dress",
            MaxiDress => "maxi_dress",
            PartyDress => "party_dress",
            Skirt => "skirt",
            MiniSkirt => "mini_skirt",
            PencilSkirt => "pencil_skirt",
            Trousers => "trousers",
            Jeans => "jeans",
            CargoTrousers => "cargo_trousers",
            Joggers => "joggers",
            Shorts => "shorts",
            Sneaker => "sneaker",
            Boot => "boot",
            Loafer => "loafer",
            Derby => "derby",
            Sandal => "sandal",
            Espadrille => "espadrille",
            Scarf => "scarf",
            Beanie => "beanie",
            Cap => "cap",
            Bag => "bag",
            Backpack => "backpack",
            Belt => "belt",
        }
    }
}

/// The garment named by the word at `i`, together with the word before it when they form a
/// known phrase.
fn garment_at(words: &[String], i: usize) -> Option<Silhouette> {
    let word = words[i].as_str();
    if i > 0 {
        let phrase = format!("{} {word}", words[i - 1]);
        if let Some(&(_, s)) = PHRASES.iter().find(|(p, _)| lookup_eq(p, &phrase)) {
            return Some(s);
        }
    }
    WORDS.iter().find(|(w, _)| lookup_eq(w, word)).map(|&(_, s)| s)
}

/// Whether a dictionary entry matches a word or phrase, allowing a plural `s` on either side.
fn lookup_eq(entry: &str, text: &str) -> bool {
    entry == text || entry.strip_suffix('s') == Some(text) || text.strip_suffix('s') == Some(entry)
}

#[cfg(test)]
mod tests {
    use super::Silhouette::{self, *};

    /// Every English garment name of the demo catalogue (crates/central/src/demo_data.rs) and
    /// the shape it must get.
    const DEMO_GARMENTS: &[(&str, Silhouette)] = &[
        ("shirt", Shirt),
        ("Oxford shirt", Shirt),
        ("blouse", Blouse),
        ("guayabera", Shirt),
        ("trousers", Trousers),
        ("chinos", Trousers),
        ("jeans", Jeans),
        ("cargo trousers", CargoTrousers),
        ("joggers", Joggers),
        ("midi dress", Dress),
        ("maxi dress", MaxiDress),
        ("short dress", PartyDress),
        ("shirt dress", Dress),
        ("wrap dress", Dress),
        ("jacket", Jacket),
        ("blazer", Blazer),
        ("parka", Parka),
        ("windbreaker", Windbreaker),
        ("coat", Coat),
        ("T-shirt", Tee),
        ("polo shirt", Polo),
        ("top", Top),
        ("sweater", Sweater),
        ("cardigan", Cardigan),
        ("sweatshirt", Sweatshirt),
        ("sweater vest", Vest),
        ("skirt", Skirt),
        ("midi skirt", Skirt),
        ("miniskirt", MiniSkirt),
        ("pencil skirt", PencilSkirt),
        ("sneakers", Sneaker),
        ("ankle boots", Boot),
        ("loafers", Loafer),
        ("sandals", Sandal),
        ("derby shoes", Derby),
        ("espadrilles", Espadrille),
        ("hoodie", Hoodie),
        ("party dress", PartyDress),
        ("tracksuit bottoms", Joggers),
        ("scarf", Scarf),
        ("beanie", Beanie),
        ("belt", Belt),
        ("bag", Bag),
        ("backpack", Backpack),
        ("cap", Cap),
    ];

    #[test]
    fn every_demo_garment_maps_to_its_shape() {
        for &(name, expected) in DEMO_GARMENTS {
            assert_eq!(Silhouette::for_garment(name), expected, "{name}");
        }
    }

    #[test]
    fn demo_product_names_with_modifiers_map_to_the_garment() {
        let cases = [
            ("Girls' printed cotton hoodie", Hoodie),
            ("Classic leather belt", Belt),
            ("Lightweight linen shirt", Shirt),
            ("Classic long-sleeve polo shirt", Polo),
            ("Elegant belted viscose shirt dress", Dress),
            ("Lightweight short-sleeve shirt dress", Dress),
            ("Chunky turtleneck merino wool sweater vest", Vest),
            ("Urban side-zip suede ankle boots", Boot),
            ("Boys' colourful tracksuit bottoms", Joggers),
            ("Classic mandarin-collar flannel shirt", Shirt),
            ("Basic V-neck Pima cotton T-shirt", Tee),
            ("Printed strappy chiffon maxi dress", MaxiDress),
            ("Casual rubber-soled canvas sneakers", Sneaker),
            ("Reversible canvas bag", Bag),
            ("Classic brown corduroy blazer", Blazer),
            ("Flared high-waisted denim miniskirt", MiniSkirt),
            ("Girls' party dress", PartyDress),
        ];
        for (name, expected) in cases {
            assert_eq!(Silhouette::for_garment(name), expected, "{name}");
        }
    }

    #[test]
    fn unknown_names_fall_back() {
        assert_eq!(Silhouette::for_garment("Gift card"), super::FALLBACK);
        assert_eq!(Silhouette::for_garment(""), super::FALLBACK);
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut names: Vec<&str> = Silhouette::all().iter().map(|s| s.as_str()).collect();
        assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Silhouette::all().len());
    }
}
