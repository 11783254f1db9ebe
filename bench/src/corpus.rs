//! A deterministic corpus at scale, written in the same source format trainers use (pack.toml
//! plus one Markdown file per document), so both engines index exactly what a real pack holds.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use fieldref_core::content::PackInfo;

use crate::rng::Rng;

const FIRST: &[&str] = &[
    "Harbor",
    "Cedar",
    "Willow",
    "Lantern",
    "Riverside",
    "North Star",
    "Beacon",
    "Maple",
    "Summit",
    "Bridgeway",
    "Evergreen",
    "Keystone",
    "Lakeview",
    "Foundry",
    "Westmoor",
    "Millbrook",
    "Granite",
    "Open Door",
    "Haven",
    "Compass",
    "Juniper",
    "Tidewater",
    "Anchor",
    "Prairie",
    "Meridian",
    "Alder",
    "Heritage",
    "Unity",
    "Crossroads",
];
const SECOND: &[&str] = &[
    "Community",
    "Family",
    "Neighborhood",
    "Youth",
    "Senior",
    "Health",
    "Recovery",
    "Legal",
    "Language",
    "Resource",
    "Outreach",
    "Wellness",
    "Housing",
    "Veterans",
    "Refugee",
    "Crisis",
    "Care",
    "Hope",
    "Peer",
];
const THIRD: &[&str] = &[
    "Center",
    "Services",
    "Network",
    "Project",
    "Clinic",
    "Alliance",
    "House",
    "Collective",
    "Partners",
];
const SERVICES: &[(&str, &str)] = &[
    ("shelter", "Emergency shelter beds"),
    ("food", "Food pantry"),
    ("mental-health", "Walk-in counseling"),
    ("crisis-line", "24-hour crisis line"),
    ("substance-use", "Outpatient addiction treatment"),
    ("detox", "Medically supervised withdrawal"),
    ("harm-reduction", "Naloxone and syringe services"),
    ("medical", "Primary care clinic"),
    ("interpreter", "Telephone interpreting"),
    ("legal-aid", "Tenant legal help"),
    ("domestic-violence", "Safety planning and advocacy"),
    ("victim-services", "Victim advocacy"),
    ("youth", "After-school mentoring"),
    ("seniors", "Senior meals and companionship"),
    ("veterans", "Veteran benefits counseling"),
    ("disability", "Independent living support"),
    ("deaf-services", "ASL interpreting"),
    ("autism-support", "Autism family navigation"),
    ("dementia-support", "Memory care respite"),
    ("housing", "Rental assistance"),
    ("transportation", "Medical rides"),
    ("clothing", "Free winter clothing"),
    ("employment", "Job readiness coaching"),
    ("immigrant-services", "Immigration legal clinic"),
    ("faith", "Congregational outreach"),
    ("community-center", "Drop-in community programs"),
    ("lgbtq", "LGBTQ peer support"),
];
const NEIGHBORHOODS: &[(&str, f64, f64)] = &[
    ("Old Harbor", 44.0150, -92.4620),
    ("Eastbank", 44.0230, -92.4410),
    ("Millbrook", 44.0420, -92.4850),
    ("Cedar Heights", 44.0510, -92.4550),
    ("Northgate", 44.0640, -92.4700),
    ("Riverside Flats", 44.0080, -92.4900),
    ("Southport", 43.9880, -92.4650),
    ("Lakeview", 44.0300, -92.5100),
    ("Foundry District", 44.0120, -92.4500),
    ("Westmoor", 44.0250, -92.5300),
];
const LANGUAGES: &[&str] = &["es", "so", "hmn", "vi", "ar", "zh", "ru", "ase"];
const HOURS: &[&str] = &[
    "24/7",
    "Mo-Fr 08:00-17:00",
    "Mo-Fr 09:00-17:00; Sa 10:00-14:00",
    "Tu,Th 13:00-19:00",
    "Mo-Sa 07:00-19:00",
    "Mo-Su 18:00-08:00",
    "Mo-Fr 08:30-16:30",
    "Mo-Su 11:00-13:00,17:00-19:00",
];
const PHRASES: &[&str] = &[
    "Staff help residents apply for benefits and connect with ongoing case management.",
    "Walk-ins are welcome during open hours; call ahead after five in the evening.",
    "Bring photo identification if you have it, but no one is turned away without it.",
    "Officers may call the intake line directly for a warm handoff at any time.",
    "Interpreters are available by phone for every language spoken in the county.",
    "The program serves families with children, single adults and older adults.",
    "Peer specialists with lived experience lead weekly support groups.",
    "Transportation can be arranged for appointments across Alder County.",
    "Services are free and confidential; donations are never required.",
    "The team coordinates with schools, clinics and the mobile crisis team.",
    "Emergency food boxes are packed daily and can be picked up at the side door.",
    "Counselors are trained in trauma-informed care and de-escalation.",
    "Clients can receive mail, charge phones and store documents safely.",
    "Evening hours on Tuesdays and Thursdays serve working parents.",
    "Referrals from officers are accepted by phone, text or in person.",
];
const STEP_VERBS: &[&str] = &[
    "Approach slowly and introduce yourself by name",
    "Ask what the person needs right now",
    "Lower your voice and keep your hands visible",
    "Create distance and use cover while you assess",
    "Check for injuries and call medics if in doubt",
    "Explain each step before you take it",
    "Offer a simple choice to give back some control",
    "Request an interpreter for anything important",
    "Contact the crisis team for a warm handoff",
    "Write down what worked for the next responder",
];

pub struct CorpusSize {
    pub contacts: usize,
    pub documents: usize,
}

/// Writes the corpus under `dir`; returns the raw bytes written.
pub fn write(dir: &Path, size: &CorpusSize, seed: u64, base: &PackInfo) -> Result<u64> {
    let mut rng = Rng::new(seed);
    let mut bytes = 0u64;
    std::fs::create_dir_all(dir.join("contacts"))?;
    std::fs::create_dir_all(dir.join("docs"))?;
    let pack = pack_toml(base);
    bytes += pack.len() as u64;
    std::fs::write(dir.join("pack.toml"), pack)?;
    for i in 0..size.contacts {
        let text = contact(&mut rng, i);
        bytes += text.len() as u64;
        std::fs::write(dir.join("contacts").join(format!("c{i:06}.md")), text)?;
    }
    for i in 0..size.documents {
        let text = if i % 2 == 0 {
            checklist(&mut rng, i, base)
        } else {
            note(&mut rng, i, base)
        };
        bytes += text.len() as u64;
        std::fs::write(dir.join("docs").join(format!("d{i:05}.md")), text)?;
    }
    Ok(bytes)
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn pack_toml(base: &PackInfo) -> String {
    format!(
        "id = \"bench\"\ntitle = \"Benchmark corpus\"\nchannel = \"bench\"\ntimezone = {:?}\ncategories = {}\nservice_types = {}\nsynonyms = {}\n",
        base.timezone,
        list(&base.categories),
        list(&base.service_types),
        list(&base.synonyms)
    )
}

fn contact(rng: &mut Rng, i: usize) -> String {
    let org = format!(
        "{} {} {}",
        rng.pick(FIRST),
        rng.pick(SECOND),
        rng.pick(THIRD)
    );
    let (kind, service) = *rng.pick(SERVICES);
    let (kind2, service2) = *rng.pick(SERVICES);
    let (hood, lat, lon) = *rng.pick(NEIGHBORHOODS);
    let mut langs = vec!["en".to_owned()];
    for _ in 0..rng.below(3) {
        let l = (*rng.pick(LANGUAGES)).to_owned();
        if !langs.contains(&l) {
            langs.push(l);
        }
    }
    let mut types = vec![kind.to_owned()];
    if kind2 != kind {
        types.push(kind2.to_owned());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "+++\nid = \"contact-{i:06}\"\nkind = \"contact\"\ntitle = \"{org} {hood}\""
    );
    let _ = writeln!(
        out,
        "summary = \"{service} and {} in {hood}.\"",
        service2.to_lowercase()
    );
    let _ = writeln!(out, "updated_at = \"2026-10-01\"\norganization = \"{org}\"");
    let _ = writeln!(
        out,
        "services = [{service:?}, {service2:?}]\nservice_types = {}",
        list(&types)
    );
    // One number per organization (the validator's rule): the area code counts the hundreds.
    // The draw stays so the rest of the corpus is the one earlier figures were measured on.
    let _ = rng.below(100);
    let _ = writeln!(
        out,
        "phones = [{{ number = \"{:03}-555-01{:02}\", type = \"voice\" }}]",
        200 + i / 100,
        i % 100
    );
    let _ = writeln!(
        out,
        "address = \"{} {} Street\"\nneighborhood = \"{hood}\"",
        100 + rng.below(9000),
        rng.pick(FIRST)
    );
    let _ = writeln!(
        out,
        "latitude = {:.4}\nlongitude = {:.4}\nhours = {:?}\nlanguages = {}",
        lat + (rng.below(200) as f64 - 100.0) / 10_000.0,
        lon + (rng.below(200) as f64 - 100.0) / 10_000.0,
        rng.pick(HOURS),
        list(&langs)
    );
    out.push_str("+++\n");
    for _ in 0..3 + rng.below(4) {
        out.push_str(rng.pick::<&str>(PHRASES));
        out.push(' ');
    }
    out.push('\n');
    out
}

/// Who wrote, reviewed and backs every generated checklist and note (required on both kinds).
const PROVENANCE: &str = "authors = [\"Bench Training Unit\"]\nreviewed_by = \"Sgt. Bench\"\nreviewed_at = \"2026-09-15\"\nreview_due = \"2036-09-15\"\n\n[[sources]]\ntitle = \"CIT International: Best Practice Guide\"\nurl = \"https://www.citinternational.org/\"\n";

fn checklist(rng: &mut Rng, i: usize, base: &PackInfo) -> String {
    let category = rng
        .pick(&base.categories[..12.min(base.categories.len())])
        .clone();
    let mut out = format!(
        "+++\nid = \"checklist-{i:05}\"\nkind = \"checklist\"\ntitle = \"{} response {i}\"\nsummary = \"What to do when a call involves {}.\"\nupdated_at = \"2026-10-01\"\naudience = \"officers\"\ncategory = {category:?}\n{PROVENANCE}",
        category.replace('-', " "),
        category.replace('-', " ")
    );
    for section in [
        "Before contact",
        "On arrival",
        "Communicating",
        "After the call",
    ] {
        let _ = write!(out, "\n[[sections]]\ntitle = {section:?}\n");
        for _ in 0..3 + rng.below(3) {
            let _ = write!(
                out,
                "\n[[sections.steps]]\ntext = {:?}\nwhy = {:?}\n",
                rng.pick(STEP_VERBS),
                rng.pick(PHRASES)
            );
        }
    }
    out.push_str("+++\n");
    out.push_str(rng.pick::<&str>(PHRASES));
    out.push('\n');
    out
}

fn note(rng: &mut Rng, i: usize, base: &PackInfo) -> String {
    let category = rng
        .pick(&base.categories[12.min(base.categories.len() - 1)..])
        .clone();
    let mut out = format!(
        "+++\nid = \"note-{i:05}\"\nkind = \"note\"\ntitle = \"Notes on {} {i}\"\nsummary = \"Practical guidance on {} for patrol officers.\"\nupdated_at = \"2026-10-01\"\ncategory = {category:?}\ndo = [{:?}]\ndont = [\"Rush the conversation.\"]\n{PROVENANCE}+++\n",
        category.replace('-', " "),
        category.replace('-', " "),
        rng.pick(STEP_VERBS)
    );
    for _ in 0..8 + rng.below(8) {
        out.push_str(rng.pick::<&str>(PHRASES));
        out.push(' ');
    }
    out.push('\n');
    out
}
