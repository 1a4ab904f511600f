//! The words of the demo organisation: departments, names, services with their forms,
//! and the templates that requests and comments are written from.
//!
//! Templates contain placeholders such as `{customer}`; within one request a placeholder
//! always expands to the same word, so that a subject, its form and its replies agree.
//! The word lists are varied on purpose: full-text search should find different
//! requests for different words.

/// A department; `size` people work in it (the first one is its manager).
pub(super) struct DepartmentSpec {
    pub name: &'static str,
    pub handle: &'static str,
    pub parent: Option<&'static str>,
    pub size: usize,
}

pub(super) const DEPARTMENTS: &[DepartmentSpec] = &[
    dept("Sales", "sales", None, 7),
    dept("Marketing", "marketing", None, 5),
    dept("Design", "design", Some("marketing"), 4),
    dept("IT", "it", None, 4),
    dept("IT Service Desk", "it-service-desk", Some("it"), 5),
    dept("HR", "hr", None, 4),
    dept("Finance", "finance", None, 4),
    dept("Procurement", "procurement", Some("finance"), 3),
    dept("Customer Service", "customer-service", None, 7),
    dept("Legal", "legal", None, 3),
    dept("Facilities", "facilities", None, 3),
    dept("Operations", "operations", None, 4),
];

const fn dept(
    name: &'static str,
    handle: &'static str,
    parent: Option<&'static str>,
    size: usize,
) -> DepartmentSpec {
    DepartmentSpec {
        name,
        handle,
        parent,
        size,
    }
}

/// The administrator: (name, e-mail, department handle).
pub(super) const ADMIN: (&str, &str, &str) = ("Avery Admin", "admin@example.org", "it");

/// Plain ASCII, so that `first.last@example.org` needs no transliteration.
pub(super) const FIRST_NAMES: &[&str] = &[
    "Aisha",
    "Alex",
    "Amelia",
    "Andre",
    "Anna",
    "Arjun",
    "Ben",
    "Bianca",
    "Carlos",
    "Charlotte",
    "Chloe",
    "Daniel",
    "David",
    "Elena",
    "Ella",
    "Emma",
    "Ethan",
    "Fatima",
    "Felix",
    "Fiona",
    "Gabriel",
    "Grace",
    "Hannah",
    "Harry",
    "Hugo",
    "Imran",
    "Isabel",
    "Jack",
    "James",
    "Jasmine",
    "Joao",
    "Jonas",
    "Julia",
    "Kai",
    "Karen",
    "Kofi",
    "Laura",
    "Leo",
    "Lily",
    "Lucas",
    "Lucy",
    "Maya",
    "Mei",
    "Michael",
    "Mohammed",
    "Nadia",
    "Nathan",
    "Nina",
    "Noah",
    "Olivia",
    "Omar",
    "Oscar",
    "Priya",
    "Rachel",
    "Rahul",
    "Rosa",
    "Ruby",
    "Sam",
    "Sara",
    "Sean",
    "Sofia",
    "Sophie",
    "Tariq",
    "Thomas",
    "Tom",
    "Yara",
    "Yusuf",
    "Zoe",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Adams", "Ahmed", "Ali", "Andersen", "Baker", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Costa", "Davies", "Dubois", "Evans", "Fischer", "Garcia", "Green", "Hall", "Harris", "Hughes",
    "Jansen", "Johnson", "Jones", "Kaur", "Khan", "Kowalski", "Lee", "Lewis", "Lopez", "Martin",
    "Moreau", "Murphy", "Nguyen", "Novak", "Obi", "Okafor", "Patel", "Pereira", "Price", "Roberts",
    "Rossi", "Schmidt", "Shah", "Silva", "Singh", "Smith", "Taylor", "Thompson", "Walker", "Wang",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wright", "Young",
];

/// The named word lists that templates draw from, as `{customer}`, `{city}`, ...
/// Besides these, `{n}` (2 to 9), `{amount}`, `{ref}` (a five-digit number),
/// `{person}` (the person chosen for the request's person field) and `{fullname}`
/// (somebody new, not in the directory) are made up per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pool {
    Customer,
    Product,
    Campaign,
    City,
    Vendor,
    Laptop,
    App,
    System,
    Month,
    Weekday,
    Quarter,
    Event,
    Topic,
    Trainer,
    Team,
    Role,
    Addressee,
    Courier,
    First,
}

impl Pool {
    pub const COUNT: usize = 19;

    pub fn parse(name: &str) -> Option<Pool> {
        Some(match name {
            "customer" => Pool::Customer,
            "product" => Pool::Product,
            "campaign" => Pool::Campaign,
            "city" => Pool::City,
            "vendor" => Pool::Vendor,
            "laptop" => Pool::Laptop,
            "app" => Pool::App,
            "system" => Pool::System,
            "month" => Pool::Month,
            "weekday" => Pool::Weekday,
            "quarter" => Pool::Quarter,
            "event" => Pool::Event,
            "topic" => Pool::Topic,
            "trainer" => Pool::Trainer,
            "team" => Pool::Team,
            "role" => Pool::Role,
            "addressee" => Pool::Addressee,
            "courier" => Pool::Courier,
            "first" => Pool::First,
            _ => return None,
        })
    }

    pub fn words(self) -> &'static [&'static str] {
        match self {
            Pool::Customer => &[
                "Northwind Traders",
                "Contoso",
                "Fabrikam",
                "Globex",
                "Initech",
                "Umbrella Health",
                "Vandelay Industries",
                "Wayne Logistics",
                "Tyrell Foods",
                "Acme Freight",
                "Blue Harbor Bank",
                "Pinecrest Schools",
                "Helios Energy",
                "Oakridge Clinics",
                "Silverline Telecom",
                "Bluebird Airlines",
                "Greenleaf Grocers",
                "Summit Insurance",
                "Riverside Council",
                "Kestrel Pharma",
            ],
            Pool::Product => &[
                "Atlas Payments",
                "Beacon Analytics",
                "Compass Mobile",
                "Harbor CRM",
                "Lumen Reports",
                "Orbit Scheduling",
                "Quill Invoicing",
                "Relay Messaging",
            ],
            Pool::Campaign => &[
                "Spring Launch",
                "Summer Sale",
                "Back to School",
                "Black Friday",
                "Partner Week",
                "Customer Stories",
                "Year in Review",
                "Product Tour",
                "Winter Webinars",
                "Brand Refresh",
            ],
            Pool::City => &[
                "London",
                "Leeds",
                "Manchester",
                "Dublin",
                "Amsterdam",
                "Berlin",
                "Lisbon",
                "Edinburgh",
            ],
            Pool::Vendor => &[
                "Dell",
                "Lenovo",
                "Brightlight Print",
                "Swift Couriers",
                "CloudNine Hosting",
                "Greenway Catering",
                "Staples",
                "Northgate Furniture",
                "Pixel Studio",
                "Eventful Venues",
            ],
            Pool::Laptop => &[
                "Dell Latitude 7440",
                "Lenovo ThinkPad T14",
                "MacBook Pro 14",
                "MacBook Air 13",
                "HP EliteBook 840",
            ],
            Pool::App => &[
                "Adobe Creative Cloud",
                "Figma",
                "Salesforce",
                "Tableau",
                "Microsoft Visio",
                "Jira",
                "Zoom Webinar",
                "DocuSign",
            ],
            Pool::System => &[
                "PayFlow payroll",
                "Workday HR portal",
                "Salesforce CRM",
                "Expensify",
                "NetSuite ledger",
                "Outlook mail",
                "the intranet",
            ],
            Pool::Month => &[
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            Pool::Weekday => &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            Pool::Quarter => &["Q1", "Q2", "Q3", "Q4"],
            Pool::Event => &[
                "the partner summit",
                "the London trade fair",
                "our customer day",
                "the Berlin roadshow",
                "the quarterly all-hands",
                "the product webinar",
                "the retail expo",
                "the user group meetup",
            ],
            Pool::Topic => &[
                "negotiation skills",
                "Excel for finance",
                "first aid at work",
                "leading remote teams",
                "GDPR basics",
                "presentation skills",
                "project management",
                "SQL for analysts",
            ],
            Pool::Trainer => &[
                "LinkedIn Learning",
                "General Assembly",
                "St John Ambulance",
                "the Open University",
                "Coursera",
                "an internal trainer",
            ],
            Pool::Team => &[
                "events",
                "invoices",
                "press",
                "partners",
                "recruiting",
                "escalations",
                "renewals",
                "onboarding",
            ],
            Pool::Role => &[
                "Account Executive",
                "Support Specialist",
                "Graphic Designer",
                "Payroll Officer",
                "Data Analyst",
                "Office Coordinator",
                "IT Technician",
                "Paralegal",
            ],
            Pool::Addressee => &[
                "Barclays",
                "HSBC",
                "Nationwide Building Society",
                "Santander",
                "the Embassy of Canada",
                "the Embassy of Japan",
                "Foxtons Lettings",
            ],
            Pool::Courier => &["DHL", "UPS", "Royal Mail", "Swift Couriers"],
            Pool::First => FIRST_NAMES,
        }
    }
}

/// How a form field is defined and filled in.
pub(super) enum Kind {
    /// One line, from one of the templates.
    Text(&'static [&'static str]),
    LongText(&'static [&'static str]),
    Number(i64, i64),
    /// A number: the request's `{amount}`.
    Amount,
    /// A date this many days (inclusive range) after the request was filed.
    Date(i64, i64),
    Choice(&'static [&'static str]),
    MultiChoice(&'static [&'static str]),
    /// A choice whose options are a whole pool, answered with the request's word of it,
    /// so that a form saying "MacBook Air 13" goes with a subject saying the same.
    Pick(Pool),
    /// A person of the requester's department: the request's `{person}`.
    Person,
}

pub(super) struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub help: &'static str,
    pub kind: Kind,
}

const fn req(key: &'static str, label: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        key,
        label,
        required: true,
        help: "",
        kind,
    }
}

const fn opt(key: &'static str, label: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        key,
        label,
        required: false,
        help: "",
        kind,
    }
}

impl FieldSpec {
    const fn help(self, help: &'static str) -> FieldSpec {
        FieldSpec { help, ..self }
    }
}

/// A service of a department's catalog, with what its requests and replies say.
pub(super) struct ServiceSpec {
    pub department: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// `None`: open to everyone; otherwise only these departments may request it.
    pub audience: Option<&'static [&'static str]>,
    pub confidential: bool,
    /// How often it is requested, relative to the others.
    pub weight: u32,
    pub fields: &'static [FieldSpec],
    pub stories: &'static [Story],
    /// What an agent asks before the request waits on the customer.
    pub questions: &'static [&'static str],
}

/// One kind of request to a service, told consistently from subject to resolution.
pub(super) struct Story {
    pub subject: &'static str,
    pub description: &'static str,
    /// What the agent says on resolving it.
    pub resolution: &'static str,
    /// Form values (templates) that this story implies, by field key; the other
    /// fields are filled in from their own templates and options.
    pub answers: &'static [(&'static str, &'static str)],
}

const fn story(
    subject: &'static str,
    description: &'static str,
    resolution: &'static str,
) -> Story {
    Story {
        subject,
        description,
        resolution,
        answers: &[],
    }
}

impl Story {
    const fn answers(self, answers: &'static [(&'static str, &'static str)]) -> Story {
        Story { answers, ..self }
    }
}

const COST_CENTRES: &[&str] = &[
    "Sales",
    "Marketing",
    "Design",
    "IT",
    "HR",
    "Finance",
    "Customer Service",
    "Legal",
    "Facilities",
    "Operations",
];

pub(super) static SERVICES: &[ServiceSpec] = &[
    ServiceSpec {
        department: "design",
        name: "Graphics for a campaign",
        description: "Social posts, banners, flyers and other artwork for a campaign, in the \
            brand style. Allow five working days for new artwork.",
        audience: Some(&["marketing", "sales", "hr", "customer-service"]),
        confidential: false,
        weight: 6,
        fields: &[
            req("campaign", "Campaign", Kind::Text(&["{campaign}"])),
            req(
                "format",
                "Format",
                Kind::Choice(&[
                    "Social media post",
                    "Web banner",
                    "Print flyer",
                    "Poster",
                    "Email header",
                    "Slide template",
                ]),
            ),
            opt(
                "channels",
                "Where it will appear",
                Kind::MultiChoice(&["LinkedIn", "Instagram", "Website", "Newsletter", "Print"]),
            ),
            req("deadline", "Needed by", Kind::Date(5, 30)),
            req(
                "brief",
                "Brief",
                Kind::LongText(&[
                    "Aimed at existing customers of {product}. The key message is that the \
                 {campaign} offer ends in {month}.",
                    "For prospects in {city}. We want something bold that shows {product} on a \
                 phone screen.",
                    "Internal audience: all staff. Celebrate {n} years of {product} with a warm, \
                 friendly tone.",
                ]),
            )
            .help("Audience, key message, tone, and any copy that must appear."),
        ],
        stories: &[
            story(
                "Artwork for the {campaign} campaign",
                "We're running the {campaign} campaign for {product} and need a set of \
                 graphics in the brand style. The copy is final; sizes are in the form.",
                "Final artwork is in the shared drive under {campaign}, in all the sizes you \
                 asked for.",
            ),
            story(
                "{campaign}: social media graphics for {product}",
                "We need five or six social posts about {product} during {campaign}, in \
                 square and story formats.",
                "Delivered: the posts in both formats. Shout if the colours look off on \
                 screen.",
            )
            .answers(&[("format", "Social media post")]),
            story(
                "Flyer for {event}",
                "Could you design a printable flyer for {event}? We'd like it to match last \
                 year's look, but with the new logo.",
                "Here is the flyer as a print-ready PDF with bleed, plus a PNG for e-mail.",
            )
            .answers(&[("format", "Print flyer")]),
            story(
                "New dates on the {campaign} banners",
                "The {campaign} launch moved to {month}, so the web banners need the new \
                 dates and a fresh headline.",
                "Banners updated with the {month} dates; the old files are archived.",
            )
            .answers(&[("format", "Web banner")]),
            story(
                "Poster for the {city} office",
                "Our team in {city} wants a poster about {product} for the reception area. \
                 Happy to share the photos we have.",
                "Poster delivered in A1 and A2; the printers have the files.",
            )
            .answers(&[("format", "Poster")]),
        ],
        questions: &[
            "Do you have final copy for the headline, or should we use placeholder text for \
             now?",
            "Which sizes matter most if we can't do them all by the deadline?",
            "Can you send the {customer} logo in a vector format (SVG or EPS)?",
        ],
    },
    ServiceSpec {
        department: "design",
        name: "Presentation design",
        description: "A polished slide deck for a customer pitch, an event or a leadership \
            meeting, built on the company template.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req(
                "occasion",
                "Occasion",
                Kind::Text(&[
                    "Pitch to {customer}",
                    "Keynote at {event}",
                    "Quarterly business review with {customer}",
                    "Board update for {quarter}",
                ]),
            ),
            opt("slides", "Number of slides", Kind::Number(5, 40)),
            req("deadline", "Needed by", Kind::Date(3, 21)),
            req(
                "starting_point",
                "Starting point",
                Kind::Choice(&["Rough draft attached", "Outline only", "Start from scratch"]),
            ),
            opt(
                "notes",
                "Notes",
                Kind::LongText(&[
                    "Keep the charts from the {quarter} deck; they're approved.",
                    "The audience is technical, so fewer pictures and more diagrams.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Deck for the {customer} pitch",
                "We present to {customer} next {weekday} and our deck needs a designer's eye. \
                 The content is mostly there; the layout is not.",
                "The finished deck is in your inbox, with your speaker notes kept as you \
                 wrote them.",
            )
            .answers(&[("occasion", "Pitch to {customer}")]),
            story(
                "Slides for my talk at {event}",
                "I'm speaking at {event} about {product} and would love a clean set of \
                 slides, about {n}0 minutes long.",
                "Done: {n}0 minutes' worth of slides on the company template, with your demo \
                 video embedded.",
            )
            .answers(&[("occasion", "Keynote at {event}")]),
            story(
                "Tidy the {quarter} business review deck",
                "Our {quarter} review deck for {customer} has grown messy. Could you bring it \
                 back to the template and tidy the charts?",
                "Done. I simplified the charts in the middle section; the originals are in \
                 the appendix.",
            )
            .answers(&[
                ("occasion", "Quarterly business review with {customer}"),
                ("starting_point", "Rough draft attached"),
            ]),
            story(
                "Board update slides for {quarter}",
                "The board update for {quarter} needs to look sharper. I have an outline and \
                 the numbers.",
                "The board deck is ready; I kept it to ten slides, as the chair prefers.",
            )
            .answers(&[
                ("occasion", "Board update for {quarter}"),
                ("starting_point", "Outline only"),
            ]),
        ],
        questions: &[
            "Could you share the draft deck and any charts as source files?",
            "How long is the slot? That decides how many slides we aim for.",
        ],
    },
    ServiceSpec {
        department: "marketing",
        name: "Campaign brief review",
        description: "Marketing reviews your campaign or announcement brief for message, \
            audience and timing before anything goes out.",
        audience: Some(&["sales", "design", "customer-service", "hr"]),
        confidential: false,
        weight: 3,
        fields: &[
            req("campaign", "Campaign", Kind::Text(&["{campaign}"])),
            req("launch", "Planned launch", Kind::Date(7, 45)),
            req(
                "channels",
                "Channels",
                Kind::MultiChoice(&[
                    "Email",
                    "LinkedIn",
                    "Website",
                    "Events",
                    "Press",
                    "Partner newsletter",
                ]),
            ),
            req(
                "brief",
                "Brief",
                Kind::LongText(&[
                    "Goal: {n}00 sign-ups from {city}. Audience: operations managers. Offer: a \
                 free {product} trial.",
                    "Goal: tell existing customers about {product} before {month}.",
                    "Goal: recruit customers like {customer} as references for {campaign}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Review the {campaign} brief before launch",
                "Attached is our brief for {campaign}. Could you check that the message and \
                 audience line up with the rest of the {quarter} plan?",
                "Reviewed: the message is fine, but move the send date after the {product} \
                 launch to avoid overlap.",
            ),
            story(
                "Messaging for the {product} price change",
                "We plan to e-mail all {product} customers in {month} about the new prices. \
                 Please review the brief and tell us if it clashes with anything else going \
                 out.",
                "Approved with two small edits, marked in the brief. Good to go.",
            )
            .answers(&[("campaign", "{product} pricing")]),
            story(
                "Feedback on our {city} event campaign",
                "Sales wants to run a small campaign in {city} around {event}. We wrote a \
                 one-page brief and would like Marketing's view.",
                "Good plan. We suggest adding the partner newsletter; it reaches {city} well.",
            ),
            story(
                "Recruitment campaign for {role} roles",
                "HR is preparing a campaign to hire a {role} in {city}. Does our brief fit the \
                 employer brand?",
                "Looks good; use the new employer-brand photos, linked in the brief.",
            )
            .answers(&[("campaign", "Hiring in {city}")]),
        ],
        questions: &[
            "Who approves the final copy on your side?",
            "Is the offer in the brief signed off by Finance?",
        ],
    },
    ServiceSpec {
        department: "marketing",
        name: "Event support",
        description: "Help with booths, invitations, swag and social coverage for customer \
            events and trade fairs.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req("event", "Event", Kind::Text(&["{event}"])),
            req("date", "Event date", Kind::Date(10, 60)),
            opt("attendees", "Expected attendees", Kind::Number(20, 120)),
            req(
                "support",
                "What you need",
                Kind::MultiChoice(&[
                    "Booth and stand",
                    "Invitations",
                    "Swag",
                    "Social media coverage",
                    "Photographer",
                ]),
            ),
            opt(
                "notes",
                "Notes",
                Kind::LongText(&[
                    "The venue in {city} has no storage, so deliveries must arrive on the day.",
                    "We share the stand with {customer}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Support for {event}",
                "We're hosting {event} in {city} and expect around {n}0 guests. We need \
                 invitations and some branded swag.",
                "Invitations went out today and the swag is ordered; the RSVP list is in the \
                 shared sheet.",
            ),
            story(
                "Booth for the trade fair in {city}",
                "We've got a stand at the trade fair in {city}. What can Marketing provide \
                 for the booth?",
                "Pull-up banners and the booth kit will be delivered to the {city} venue the \
                 day before.",
            )
            .answers(&[("event", "Trade fair in {city}")]),
            story(
                "Photographer needed at {event}",
                "We'd like good photos of {event} for the website and LinkedIn.",
                "A photographer is booked from nine to one; the photos arrive within a week.",
            ),
            story(
                "User group for {product} customers",
                "Customer Service is running a user group for {product}. Could Marketing help \
                 with the invitations and social posts?",
                "Social posts are scheduled and the invitation e-mail went to {n}00 customers.",
            )
            .answers(&[("event", "{product} user group")]),
        ],
        questions: &[
            "Is there a budget code for the swag, or should it come from the events budget?",
            "How many people will staff the booth?",
        ],
    },
    ServiceSpec {
        department: "sales",
        name: "Customer reference",
        description: "Sales finds a happy customer to speak for us: a reference call, a case \
            study, a quote or a logo.",
        audience: Some(&["marketing", "customer-service", "design"]),
        confidential: false,
        weight: 2,
        fields: &[
            opt(
                "customer",
                "Preferred customer",
                Kind::Text(&["{customer}"]),
            ),
            req(
                "industry",
                "Industry",
                Kind::Choice(&[
                    "Retail",
                    "Healthcare",
                    "Financial services",
                    "Education",
                    "Public sector",
                    "Logistics",
                ]),
            ),
            req(
                "purpose",
                "Purpose",
                Kind::Choice(&[
                    "Reference call",
                    "Case study",
                    "Quote for a press release",
                    "Logo on the website",
                ]),
            ),
            req("needed_by", "Needed by", Kind::Date(7, 40)),
            opt(
                "context",
                "Context",
                Kind::LongText(&[
                    "The prospect is a {city} retailer evaluating {product}.",
                    "For the {campaign} campaign page.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Reference call with a {product} customer",
                "A prospect asked to speak with an existing {product} customer of similar \
                 size. Could Sales suggest someone happy to take a call?",
                "{customer} agreed to a reference call; I've introduced you both by e-mail.",
            )
            .answers(&[("purpose", "Reference call")]),
            story(
                "Case study for {campaign}",
                "For the {campaign} campaign we want a short case study. {customer} came to \
                 mind; is the relationship in a good place?",
                "{customer} is happy to do a case study; their marketing contact is {first}.",
            )
            .answers(&[("purpose", "Case study")]),
            story(
                "Can we use the {customer} logo on the website?",
                "We're updating the customer logos on the website. Has {customer} agreed to \
                 be named?",
                "We have written approval to use the {customer} logo; it's in the shared \
                 folder.",
            )
            .answers(&[("purpose", "Logo on the website")]),
            story(
                "Quote from {customer} for the press release",
                "The press release about {product} would be stronger with a customer quote. \
                 Could {customer} give us one?",
                "Here is an approved quote from the {customer} operations director.",
            )
            .answers(&[("purpose", "Quote for a press release")]),
        ],
        questions: &[
            "Is a 20-minute video call enough, or do they need a site visit?",
            "Do you need the customer's approval in writing before publishing?",
        ],
    },
    ServiceSpec {
        department: "sales",
        name: "Account history",
        description: "What we sold to a customer, when, and who owns the account, for anyone \
            who needs the commercial picture.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req("customer", "Customer", Kind::Text(&["{customer}"])),
            req(
                "question",
                "Question",
                Kind::LongText(&[
                    "What did {customer} buy in the last two years?",
                    "Who is the account owner and when is the renewal?",
                ]),
            ),
        ],
        stories: &[
            story(
                "Who owns the {customer} account?",
                "We want to invite {customer} to {event}. Who is the account owner?",
                "The account owner is {first}; I've copied them in.",
            ),
            story(
                "Contract history for {customer}",
                "Finance needs the commercial history of {customer} to match invoices against \
                 the contract.",
                "Summary attached: {n} orders since the start, all on the current {product} \
                 plan.",
            ),
            story(
                "Renewal date for {customer}",
                "Before I reply to a support escalation from {customer}, I'd like to know what \
                 they bought and when the renewal is.",
                "The renewal is in {month}; the full history is attached.",
            ),
            story(
                "Is {customer} still on the legacy {product} plan?",
                "{customer} asked about a feature that only the new {product} plan has. Which \
                 plan are they on?",
                "They're on the legacy plan until {month}; the account owner will discuss the \
                 upgrade.",
            )
            .answers(&[("question", "Are they on the old {product} price plan?")]),
        ],
        questions: &["Do you need the contract value as well, or only the dates?"],
    },
    ServiceSpec {
        department: "it",
        name: "Payroll system access",
        description: "Access to the payroll system for HR and Finance staff, at the level \
            their job needs. Access is reviewed every quarter.",
        audience: Some(&["hr", "finance"]),
        confidential: false,
        weight: 3,
        fields: &[
            req("person", "Who needs access", Kind::Person)
                .help("Pick the colleague; they must be in the directory already."),
            req(
                "access_level",
                "Access level",
                Kind::Choice(&["Read only", "Payroll clerk", "Payroll administrator"]),
            ),
            opt("from", "From", Kind::Date(1, 14)),
            req(
                "reason",
                "Reason",
                Kind::LongText(&[
                    "{person} joins the payroll team and runs the {month} payroll.",
                    "{person} covers the payroll while {first} is on leave.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Payroll system access for {person}",
                "{person} joined the team and needs access to the payroll system before the \
                 {month} run.",
                "Access granted. {person} can sign in to the payroll system now; the first \
                 sign-in asks for a second factor.",
            )
            .answers(&[("access_level", "Payroll clerk")]),
            story(
                "Make {person} a payroll administrator",
                "{person} takes over running the payroll from {month} and needs \
                 administrator rights.",
                "Done: {person} is a payroll administrator. It will show up in the next \
                 quarterly access review.",
            )
            .answers(&[("access_level", "Payroll administrator")]),
            story(
                "Read-only payroll access for the audit",
                "Our auditors start on {weekday} and {person} needs read-only access to the \
                 payroll reports.",
                "{person} has read-only access until the end of {month}.",
            )
            .answers(&[
                ("access_level", "Read only"),
                ("reason", "Needs to check salary changes for the audit."),
            ]),
            story(
                "{person} cannot see the payroll reports",
                "{person} has access to the payroll system, but the reports menu is empty.",
                "The reports role was missing; {person} sees the reports now.",
            ),
        ],
        questions: &[
            "Has the manager of {person} approved the access level? We need that in writing \
             for the quarterly review.",
            "Should the access end on a fixed date, or stay until further notice?",
        ],
    },
    ServiceSpec {
        department: "it",
        name: "Software licence",
        description: "A licence for software the company already uses, or a trial of \
            something new.",
        audience: None,
        confidential: false,
        weight: 6,
        fields: &[
            req("software", "Software", Kind::Pick(Pool::App)),
            req("for_whom", "For whom", Kind::Person),
            opt(
                "reason",
                "Reason",
                Kind::LongText(&[
                    "{person} starts working on {campaign} and needs it from {weekday}.",
                    "Replacing a seat that expired in {month}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "{app} licence for {person}",
                "{person} starts working on {campaign} and needs {app}.",
                "{app} is assigned to {person}. It appears in the software portal within the \
                 hour.",
            ),
            story(
                "{app} licence expired",
                "My {app} licence shows as expired since {weekday}. Can you renew it?",
                "Renewed; restart {app} and sign in again.",
            ),
            story(
                "Move the {app} licence from {first} to {person}",
                "{first} left the team, so their {app} seat could go to {person} instead of \
                 buying a new one.",
                "Licence moved from the unused seat; no extra cost this year.",
            ),
            story(
                "Can the team try {app}?",
                "We'd like to evaluate {app} for {n} weeks before buying. Is a trial \
                 possible?",
                "Trial licences are active for {n} weeks; tell us before they end if you want \
                 to buy.",
            ),
        ],
        questions: &[
            "Is there a cost centre for the licence? {app} is charged to the requesting \
             department.",
            "Does {person} need the full version, or is the viewer enough?",
        ],
    },
    ServiceSpec {
        department: "it",
        name: "Shared mailbox or distribution list",
        description: "A new shared mailbox or mailing list, or changes to who is on one.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req("address", "Address", Kind::Text(&["{team}@example.org"])),
            req(
                "kind",
                "Kind",
                Kind::Choice(&["Shared mailbox", "Distribution list"]),
            ),
            req("owner", "Owner", Kind::Person),
            opt(
                "members",
                "Members",
                Kind::LongText(&[
                    "Everyone in my team, plus {person}.",
                    "The managers of Sales and Customer Service.",
                ]),
            ),
        ],
        stories: &[
            story(
                "New shared mailbox {team}@example.org",
                "We want one address for {team} questions so that mail doesn't get lost when \
                 someone is off.",
                "{team}@example.org is live. Members see it in their mail client after a \
                 restart.",
            )
            .answers(&[("kind", "Shared mailbox")]),
            story(
                "Add {person} to the {team} list",
                "Please add {person} to the {team} distribution list.",
                "List updated; {person} receives the next message.",
            )
            .answers(&[("kind", "Distribution list")]),
            story(
                "Mailing list for {event}",
                "Set up a temporary list for {event} attendees; we can remove it in {month}.",
                "The list is ready and will be removed at the end of {month}.",
            )
            .answers(&[("kind", "Distribution list")]),
            story(
                "New owner for {team}@example.org",
                "The owner of {team}@example.org left; {person} should approve new members \
                 from now on.",
                "{person} now owns the mailbox.",
            )
            .answers(&[("kind", "Shared mailbox")]),
        ],
        questions: &["Who else should be able to approve new members?"],
    },
    ServiceSpec {
        department: "it",
        name: "VPN and remote access",
        description: "Connecting to company systems from home, from a client site or while \
            travelling.",
        audience: None,
        confidential: false,
        weight: 5,
        fields: &[
            req(
                "device",
                "Device",
                Kind::Choice(&["Company laptop", "Company phone", "Personal device"]),
            ),
            opt(
                "working_from",
                "Working from",
                Kind::Text(&["Home office", "Client site at {customer}"]),
            ),
            req(
                "problem",
                "Problem",
                Kind::LongText(&[
                    "The VPN disconnects every few minutes.",
                    "I can connect but cannot reach {system}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "VPN keeps dropping",
                "Since {weekday} the VPN disconnects every few minutes, which makes calls and \
                 {system} unusable.",
                "Your VPN profile was out of date. The new one is pushed and should hold the \
                 connection now.",
            ),
            story(
                "Can't reach {system} from home",
                "The VPN connects, but {system} times out from my home network.",
                "{system} moved to a new address that your VPN profile didn't route; fixed.",
            )
            .answers(&[("working_from", "Home office")]),
            story(
                "VPN certificate expired",
                "I get a certificate expired error when I connect to the VPN.",
                "We renewed your device certificate; please restart and connect again.",
            )
            .answers(&[("problem", "Certificate expired error on connecting.")]),
            story(
                "Remote access while travelling to {city}",
                "I'm travelling to {city} next week and need remote access to {system} from \
                 the hotel.",
                "Travel access is enabled for the dates you gave.",
            )
            .answers(&[("working_from", "Hotel in {city}")]),
        ],
        questions: &[
            "Which VPN client version do you see under Help, About?",
            "Does it happen on your home network only, or also on a phone hotspot?",
        ],
    },
    ServiceSpec {
        department: "it-service-desk",
        name: "Laptop repair",
        description: "Hardware faults on company laptops: we repair them, and lend you a \
            replacement while we do.",
        audience: None,
        confidential: false,
        weight: 10,
        fields: &[
            req("model", "Laptop model", Kind::Pick(Pool::Laptop)),
            req("asset_tag", "Asset tag", Kind::Text(&["HO-{ref}"]))
                .help("On the sticker under the laptop, like HO-12345."),
            req(
                "problem",
                "Problem",
                Kind::Choice(&[
                    "Won't start",
                    "Broken screen",
                    "Keyboard or trackpad",
                    "Battery",
                    "Very slow",
                    "Liquid spill",
                    "Other",
                ]),
            ),
            opt(
                "loaner",
                "Need a loan laptop?",
                Kind::Choice(&["Yes", "No"]),
            ),
            opt(
                "details",
                "Details",
                Kind::LongText(&[
                    "It started after the update on {weekday}.",
                    "I'm in the {city} office all week.",
                ]),
            ),
        ],
        stories: &[
            story(
                "{laptop} won't turn on",
                "My {laptop} stopped turning on this morning. The charging light comes on but \
                 nothing else.",
                "The power board had failed; it's replaced and the laptop is ready for \
                 collection at the service desk.",
            )
            .answers(&[("problem", "Won't start")]),
            story(
                "Cracked screen on my {laptop}",
                "I dropped my bag on the way to {city}; the screen is cracked in the corner.",
                "Screen replaced under warranty. The laptop is ready for collection.",
            )
            .answers(&[("problem", "Broken screen")]),
            story(
                "Keyboard keys stick",
                "Some keys on my {laptop} stick or type twice, which makes writing e-mails \
                 painful.",
                "Repaired: the keyboard was replaced. Your files were not touched.",
            )
            .answers(&[("problem", "Keyboard or trackpad")]),
            story(
                "Battery drains in an hour",
                "The battery of my {laptop} lasts about an hour now; it used to last a full \
                 day.",
                "We swapped the battery; it holds its charge normally again.",
            )
            .answers(&[("problem", "Battery")]),
            story(
                "Laptop very slow since the update",
                "Since the last update the {laptop} is extremely slow and the fan is loud all \
                 the time.",
                "We reinstalled the system; it's quick again and your files are back.",
            )
            .answers(&[("problem", "Very slow")]),
            story(
                "Coffee spilled on my laptop",
                "I knocked a coffee over the {laptop}; it still works but some keys don't.",
                "The laptop could not be repaired economically, so we issued you a new one.",
            )
            .answers(&[("problem", "Liquid spill"), ("loaner", "Yes")]),
        ],
        questions: &[
            "Can you bring the laptop to the service desk on {weekday}, or should we collect \
             it?",
            "Is your data backed up to the cloud drive? We may need to reinstall.",
        ],
    },
    ServiceSpec {
        department: "it-service-desk",
        name: "New starter equipment",
        description: "Everything a new colleague needs on day one: laptop, screens, phone and \
            accounts. Please ask at least ten working days before the start date.",
        audience: None,
        confidential: false,
        weight: 5,
        fields: &[
            req(
                "starter",
                "Name of the new starter",
                Kind::Text(&["{fullname}"]),
            ),
            req("start_date", "Start date", Kind::Date(7, 30)),
            req(
                "equipment",
                "Equipment",
                Kind::MultiChoice(&[
                    "Laptop",
                    "Monitor",
                    "Docking station",
                    "Headset",
                    "Mobile phone",
                    "Keyboard and mouse",
                ]),
            ),
            req("platform", "Platform", Kind::Choice(&["Windows", "Mac"])),
            req("manager", "Line manager", Kind::Person),
            opt(
                "notes",
                "Notes",
                Kind::LongText(&[
                    "Needs access to the {team} shared drive.",
                    "Will sit with the team in {city}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "New starter: {fullname}",
                "{fullname} joins the team on the first of {month}. They need the standard \
                 kit and access to the shared drives.",
                "The kit for {fullname} is ready and labelled at the service desk. Accounts \
                 are created; the password goes to the manager.",
            ),
            story(
                "Kit for a contractor joining in {month}",
                "We hired {fullname} as a contractor for {n} months. A laptop and a headset \
                 are enough.",
                "Laptop and headset are ready for {fullname}; the account expires with the \
                 contract.",
            ),
            story(
                "Setup for {fullname} in the {city} office",
                "{fullname} will work from the {city} office. Please have the desk ready with \
                 two monitors.",
                "All set: laptop imaged, phone activated, and a desk with two monitors booked \
                 in {city}.",
            )
            .answers(&[("notes", "Will sit with the team in {city}.")]),
            story(
                "Mac for our new designer",
                "{fullname} joins as a designer in {month} and will need a Mac with the \
                 design software.",
                "The MacBook is ready with {app} installed; {fullname} can collect it on the \
                 first day.",
            )
            .answers(&[("platform", "Mac")]),
        ],
        questions: &[
            "Which shared drives and mailing lists should {fullname} have from day one?",
            "Does {fullname} need a mobile phone, or will they use their own?",
        ],
    },
    ServiceSpec {
        department: "it-service-desk",
        name: "Password and sign-in help",
        description: "Locked out, forgotten password, or a new phone for two-factor sign-in.",
        audience: None,
        confidential: false,
        weight: 10,
        fields: &[
            req("system", "Where", Kind::Pick(Pool::System)),
            req(
                "issue",
                "Issue",
                Kind::Choice(&[
                    "Forgotten password",
                    "Account locked",
                    "New phone for two-factor",
                    "Not receiving codes",
                ]),
            ),
            opt(
                "details",
                "Details",
                Kind::LongText(&[
                    "It worked fine until {weekday}.",
                    "I'm travelling in {city} this week.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Locked out of {system}",
                "I typed the wrong password a few times and now {system} says my account is \
                 locked.",
                "Account unlocked. Please choose a new password at the next sign-in.",
            )
            .answers(&[("issue", "Account locked")]),
            story(
                "Password reset for {system}",
                "I've forgotten my {system} password and the reset e-mail never arrives.",
                "Reset done; a temporary password went to your phone.",
            )
            .answers(&[("issue", "Forgotten password")]),
            story(
                "New phone: need to move my two-factor",
                "I got a new phone on {weekday} and the authenticator app didn't move over, \
                 so I can't sign in to {system}.",
                "Two-factor reset: you can register the new phone when you next sign in to \
                 {system}.",
            )
            .answers(&[("issue", "New phone for two-factor")]),
            story(
                "Not getting sign-in codes for {system}",
                "Sign-in codes for {system} don't arrive by text any more.",
                "Your phone number was stored in an old format; the codes arrive again.",
            )
            .answers(&[("issue", "Not receiving codes")]),
        ],
        questions: &[
            "Can you call the service desk so that we can verify your identity?",
            "Which phone number should the codes go to?",
        ],
    },
    ServiceSpec {
        department: "it-service-desk",
        name: "Printer and peripherals",
        description: "Printers, scanners, monitors, headsets and docking stations in the \
            offices.",
        audience: None,
        confidential: false,
        weight: 6,
        fields: &[
            req("office", "Office", Kind::Pick(Pool::City)),
            req(
                "device",
                "Device",
                Kind::Choice(&[
                    "Printer",
                    "Scanner",
                    "Monitor",
                    "Docking station",
                    "Headset",
                    "Webcam",
                ]),
            ),
            opt(
                "details",
                "Details",
                Kind::LongText(&[
                    "Floor {n}, by the windows.",
                    "It happens several times a day.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Printer on floor {n} jammed",
                "The big printer on floor {n} of the {city} office shows a paper jam, but \
                 there's no paper stuck anywhere.",
                "Replaced the fuser unit; the printer works again.",
            )
            .answers(&[("device", "Printer")]),
            story(
                "Monitor flickering",
                "My second monitor flickers and goes black every few minutes.",
                "The cable was faulty; swapped it and the monitor is stable.",
            )
            .answers(&[("device", "Monitor")]),
            story(
                "Docking station doesn't charge my laptop",
                "My docking station stopped charging the laptop; the screens still work.",
                "A new docking station is on your desk.",
            )
            .answers(&[("device", "Docking station")]),
            story(
                "Headset microphone not working",
                "Since {weekday} my headset microphone isn't picked up in calls, in any app.",
                "Replaced the headset; the old one had a broken cable.",
            )
            .answers(&[("device", "Headset")]),
            story(
                "Scanner sends to the wrong e-mail",
                "The scanner in {city} e-mails my scans to a colleague instead of me.",
                "Fixed the address book entry on the scanner.",
            )
            .answers(&[("device", "Scanner")]),
        ],
        questions: &[
            "Which floor and room is the device in?",
            "Does it happen with another cable or another port?",
        ],
    },
    ServiceSpec {
        department: "hr",
        name: "Employment letter",
        description: "A signed letter confirming your employment, salary or role, for a \
            landlord, a bank, an embassy or similar.",
        audience: None,
        confidential: false,
        weight: 4,
        fields: &[
            req(
                "letter_type",
                "Letter",
                Kind::Choice(&[
                    "Proof of employment",
                    "Salary confirmation",
                    "Visa support letter",
                    "Mortgage reference",
                ]),
            ),
            opt(
                "addressed_to",
                "Addressed to",
                Kind::Text(&["{addressee}", "To whom it may concern"]),
            ),
            req("needed_by", "Needed by", Kind::Date(2, 20)),
            req(
                "delivery",
                "Delivery",
                Kind::Choice(&["PDF by e-mail", "Signed paper copy"]),
            ),
        ],
        stories: &[
            story(
                "Employment letter for my mortgage",
                "{addressee} asks for a letter confirming my employment and salary for a \
                 mortgage application.",
                "Your letter is signed and attached as a PDF.",
            )
            .answers(&[
                ("letter_type", "Mortgage reference"),
                ("addressed_to", "{addressee}"),
            ]),
            story(
                "Salary confirmation for {addressee}",
                "I need a letter confirming my salary for {addressee} by {weekday}.",
                "The salary confirmation is attached, signed by the HR director.",
            )
            .answers(&[
                ("letter_type", "Salary confirmation"),
                ("addressed_to", "{addressee}"),
            ]),
            story(
                "Visa support letter for a trip to {city}",
                "I need a visa support letter for a conference in {city} in {month}.",
                "The signed paper copy is waiting at reception.",
            )
            .answers(&[
                ("letter_type", "Visa support letter"),
                ("delivery", "Signed paper copy"),
            ]),
            story(
                "Proof of employment for a new flat",
                "I'm renting a new flat and the agent wants proof of employment. A PDF is \
                 fine.",
                "Proof of employment attached; the agent can call HR to verify it.",
            )
            .answers(&[
                ("letter_type", "Proof of employment"),
                ("delivery", "PDF by e-mail"),
            ]),
        ],
        questions: &[
            "Should the letter state your salary, or only your role and start date?",
            "Is the letter addressed to a named person?",
        ],
    },
    ServiceSpec {
        department: "hr",
        name: "Workplace concern",
        description: "Raise a concern about behaviour, workload or safety at work, with the \
            solution you would like to see. Only HR sees it.",
        audience: None,
        confidential: true,
        weight: 1,
        fields: &[
            req(
                "category",
                "Category",
                Kind::Choice(&[
                    "Behaviour",
                    "Workload",
                    "Health and safety",
                    "Discrimination",
                    "Other",
                ]),
            ),
            req(
                "details",
                "What happened",
                Kind::LongText(&["It has been going on since {month}."]),
            ),
            req(
                "proposal",
                "What would help",
                Kind::LongText(&["A conversation with HR and my manager."]),
            )
            .help("A concern is easier to act on with a proposed solution."),
        ],
        stories: &[
            story(
                "Workload in our team",
                "Our workload has doubled since {month} and people are working weekends. I'd \
                 like to talk about how we can plan better.",
                "We met your manager and agreed to move two projects to next quarter; we'll \
                 check back with you in {n} weeks.",
            )
            .answers(&[
                ("category", "Workload"),
                (
                    "details",
                    "Since {month} we have taken on two extra projects without extra \
                    people.",
                ),
                (
                    "proposal",
                    "Agree priorities with the manager and move one project to next \
                    quarter.",
                ),
            ]),
            story(
                "Remarks in meetings",
                "A pattern of dismissive remarks in meetings is affecting several of us. I'd \
                 like HR's help to address it constructively.",
                "We held a facilitated conversation with the team and agreed ground rules for \
                 meetings. Thank you for raising it.",
            )
            .answers(&[
                ("category", "Behaviour"),
                (
                    "details",
                    "Comments in meetings have become personal and make people \
                    uncomfortable.",
                ),
                (
                    "proposal",
                    "A facilitated team conversation about how we speak to each \
                    other.",
                ),
            ]),
            story(
                "Fire exit blocked on floor {n}",
                "Deliveries block the fire exit on floor {n} most mornings. A marked delivery \
                 area would fix it.",
                "Facilities marked a delivery area and the exit is kept clear now.",
            )
            .answers(&[
                ("category", "Health and safety"),
                (
                    "details",
                    "The fire exit on floor {n} is often blocked by deliveries.",
                ),
                (
                    "proposal",
                    "A marked area for deliveries away from the exit.",
                ),
            ]),
            story(
                "Late meetings and childcare",
                "Meetings often run into the evening, which makes childcare impossible to \
                 plan.",
                "The team agreed that meetings end by five, with exceptions agreed a week \
                 ahead.",
            )
            .answers(&[
                ("category", "Workload"),
                ("proposal", "A clear rule that meetings end by five."),
            ]),
        ],
        questions: &[
            "Would you be comfortable meeting on {weekday} to talk it through in confidence?",
            "May we share the concern with your manager, without your name?",
        ],
    },
    ServiceSpec {
        department: "hr",
        name: "Vacancy and recruitment",
        description: "Advertise a role, find candidates and organise interviews.",
        audience: None,
        confidential: false,
        weight: 2,
        fields: &[
            req("role", "Role", Kind::Text(&["{role}"])),
            opt("headcount", "How many", Kind::Number(1, 4)),
            req("hiring_manager", "Hiring manager", Kind::Person),
            req(
                "contract",
                "Contract",
                Kind::Choice(&["Permanent", "Fixed term", "Internship"]),
            ),
            opt("start", "Ideal start", Kind::Date(30, 90)),
        ],
        stories: &[
            story(
                "Hire a {role}",
                "We have budget for a {role} from {month}. Could HR draft the ad and run the \
                 first screening?",
                "The ad is live on the careers page and LinkedIn; first interviews are booked \
                 for {weekday}.",
            )
            .answers(&[("contract", "Permanent")]),
            story(
                "Replacement for our {role}",
                "Our {role} leaves at the end of {month}; we'd like to start recruiting a \
                 replacement now.",
                "Offer accepted: the new {role} starts in {month}.",
            )
            .answers(&[("contract", "Permanent")]),
            story(
                "Summer internship: {role}",
                "We'd like to take on an intern as {role} for the summer.",
                "Three candidates are shortlisted; interviews on {weekday}.",
            )
            .answers(&[("contract", "Internship")]),
            story(
                "Fixed-term {role} for a project",
                "We need a {role} for {n} months to cover the {product} rollout.",
                "The fixed-term role is advertised; the agency sends CVs by {weekday}.",
            )
            .answers(&[("contract", "Fixed term")]),
        ],
        questions: &[
            "Is the role in the approved headcount plan for {quarter}?",
            "Who should sit on the interview panel?",
        ],
    },
    ServiceSpec {
        department: "hr",
        name: "Training request",
        description: "Courses, certifications and conferences that help you in your role.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req("topic", "Topic", Kind::Text(&["{topic}"])),
            opt("provider", "Provider", Kind::Text(&["{trainer}"])),
            opt("cost", "Cost (GBP)", Kind::Amount),
            opt("date", "Date", Kind::Date(14, 90)),
            req(
                "reason",
                "How it helps",
                Kind::LongText(&[
                    "It would help me run the {month} close faster.",
                    "Half the team asked for it in their reviews.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Course on {topic}",
                "I'd like to attend a course on {topic} run by {trainer}; it costs about \
                 {amount} pounds.",
                "Approved and booked; the joining instructions are in your inbox.",
            ),
            story(
                "Workshop on {topic} for the team",
                "Could HR organise a session on {topic} for our team of {n}?",
                "We booked an in-house session on {topic} on {weekday} for the whole team.",
            )
            .answers(&[("provider", "An internal trainer")]),
            story(
                "Certification in {topic}",
                "My manager suggested a certification in {topic} this year; {trainer} runs one \
                 in {month}.",
                "Approved; the exam fee is covered too.",
            ),
        ],
        questions: &["Has your manager agreed to the time off for the course?"],
    },
    ServiceSpec {
        department: "finance",
        name: "Purchase order",
        description: "A purchase order for a supplier, raised against your cost centre. \
            Orders over 10,000 need a manager's approval.",
        audience: None,
        confidential: false,
        weight: 5,
        fields: &[
            req("supplier", "Supplier", Kind::Text(&["{vendor}"])),
            req("amount", "Amount", Kind::Amount),
            req("currency", "Currency", Kind::Choice(&["GBP", "EUR", "USD"])),
            req("cost_centre", "Cost centre", Kind::Choice(COST_CENTRES)),
            req(
                "what",
                "What it is for",
                Kind::LongText(&[
                    "Services as quoted, reference {ref}.",
                    "Annual renewal of {app}.",
                ]),
            ),
            opt("needed_by", "Needed by", Kind::Date(5, 30)),
        ],
        stories: &[
            story(
                "PO for {vendor}",
                "{vendor} won't ship until they have a PO number. The quote is {amount} \
                 excluding VAT.",
                "PO {ref} is raised and sent to {vendor}.",
            ),
            story(
                "Raise a PO for the {event} printing",
                "Please raise a purchase order with {vendor} for the {event} printing, \
                 {amount} in total.",
                "Approved and issued as PO {ref}. The supplier has a copy.",
            )
            .answers(&[("what", "Printing for {event}.")]),
            story(
                "PO for an invoice that arrived without one",
                "We received an invoice from {vendor} without a PO; can we raise one \
                 retroactively?",
                "Raised PO {ref} and matched it to the invoice; it will be paid in the next \
                 run.",
            ),
            story(
                "Monitors for the {city} office",
                "We need {n} new monitors for the {city} office; {vendor} quoted {amount}.",
                "PO {ref} sent; {vendor} delivers next week.",
            )
            .answers(&[("what", "{n} new monitors for the {city} office.")]),
        ],
        questions: &[
            "Can you attach the supplier's quote? We need it on file for every order.",
            "Which cost centre should this go to?",
        ],
    },
    ServiceSpec {
        department: "finance",
        name: "Expense question",
        description: "Questions about an expense claim: what is allowed, missing receipts, or \
            a claim that has not been paid.",
        audience: None,
        confidential: false,
        weight: 6,
        fields: &[
            opt("claim", "Claim number", Kind::Text(&["EXP-{ref}"])),
            opt("amount", "Amount", Kind::Amount),
            req(
                "question",
                "Question",
                Kind::LongText(&["See the subject."]),
            ),
        ],
        stories: &[
            story(
                "Expense claim not paid yet",
                "I submitted my expenses from the {city} trip in {month} ({amount} in total) \
                 and they haven't been paid.",
                "The claim was waiting for approval; it's approved now and will be paid on \
                 {weekday}.",
            )
            .answers(&[(
                "question",
                "My claim from the {city} trip hasn't been paid.",
            )]),
            story(
                "Can I claim a client dinner with {customer}?",
                "We took {customer} to dinner after the workshop. Is that within policy, and \
                 which category should I use?",
                "Yes, that's allowed under the hospitality policy; use the category Client \
                 entertainment.",
            )
            .answers(&[("question", "Can I expense a client dinner with {customer}?")]),
            story(
                "Lost receipt for a taxi in {city}",
                "I lost a taxi receipt from {city}. Can I still claim it?",
                "Yes: add a short note instead of the receipt and your manager approves it.",
            )
            .answers(&[("question", "I lost the receipt for a taxi in {city}.")]),
            story(
                "Claim EXP-{ref} rejected",
                "My claim EXP-{ref} was rejected without a reason. What's wrong with it?",
                "The hotel receipt was missing; add it and submit the claim again.",
            )
            .answers(&[("claim", "EXP-{ref}"), ("question", "Why was it rejected?")]),
        ],
        questions: &[
            "Could you send the claim number? It starts with EXP.",
            "Do you have a card statement showing the payment?",
        ],
    },
    ServiceSpec {
        department: "finance",
        name: "Budget report",
        description: "Budget against actuals for your cost centre, for a month or a quarter.",
        audience: None,
        confidential: false,
        weight: 2,
        fields: &[
            req("cost_centre", "Cost centre", Kind::Choice(COST_CENTRES)),
            req(
                "period",
                "Period",
                Kind::Choice(&["Last month", "Quarter to date", "Year to date"]),
            ),
            opt("format", "Format", Kind::Choice(&["Spreadsheet", "PDF"])),
        ],
        stories: &[
            story(
                "Budget against actuals for {quarter}",
                "Could we have budget against actuals for {quarter}? We need it for the \
                 planning meeting on {weekday}.",
                "Attached: budget against actuals for {quarter}.",
            )
            .answers(&[("period", "Quarter to date")]),
            story(
                "Why is our {month} spend so high?",
                "Our {month} spend looks {amount} higher than expected. Could you break it \
                 down?",
                "The overspend comes from a {vendor} invoice booked twice; it's corrected now.",
            )
            .answers(&[("period", "Last month")]),
            story(
                "Year-to-date budget report",
                "Our director wants the year-to-date position by cost line before {weekday}.",
                "The year-to-date report is attached as a spreadsheet.",
            )
            .answers(&[("period", "Year to date"), ("format", "Spreadsheet")]),
        ],
        questions: &["Do you want the report split by supplier?"],
    },
    ServiceSpec {
        department: "procurement",
        name: "New supplier onboarding",
        description: "Add a new supplier to the ledger after due diligence, so that it can be \
            paid.",
        audience: None,
        confidential: false,
        weight: 2,
        fields: &[
            req("supplier", "Supplier", Kind::Text(&["{vendor}"])),
            req(
                "category",
                "Category",
                Kind::Choice(&[
                    "IT hardware",
                    "Software",
                    "Marketing services",
                    "Facilities",
                    "Consulting",
                    "Travel",
                ]),
            ),
            opt("annual_spend", "Expected annual spend", Kind::Amount),
            opt(
                "notes",
                "Notes",
                Kind::LongText(&[
                    "Recommended by {first} in the {city} office.",
                    "They already work for {customer}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "Onboard {vendor} as a supplier",
                "We'd like to use {vendor} for {event}. They aren't on the supplier list yet.",
                "{vendor} is approved and set up in the ledger; you can raise POs now.",
            ),
            story(
                "Due diligence for {vendor}",
                "{vendor} quoted {amount} a year for the work; could Procurement run the \
                 checks?",
                "Checks complete. {vendor} is on the approved list.",
            ),
            story(
                "New catering supplier in {city}",
                "Our usual caterer in {city} closed. {vendor} looks good; can we add them?",
                "{vendor} passed the checks; the food hygiene certificate is on file.",
            )
            .answers(&[("category", "Facilities")]),
        ],
        questions: &[
            "Do you have the supplier's bank details on their letterhead?",
            "Could the supplier fill in our security questionnaire?",
        ],
    },
    ServiceSpec {
        department: "customer-service",
        name: "Product knowledge session",
        description: "A session with our product experts on how customers use a product, the \
            common questions and the known issues.",
        audience: Some(&["sales", "marketing"]),
        confidential: false,
        weight: 3,
        fields: &[
            req("product", "Product", Kind::Pick(Pool::Product)),
            opt("attendees", "Attendees", Kind::Number(3, 40)),
            req("preferred_date", "Preferred date", Kind::Date(5, 30)),
            req(
                "format",
                "Format",
                Kind::Choice(&["In person", "Video call", "Recorded"]),
            ),
            opt(
                "topics",
                "Topics",
                Kind::LongText(&[
                    "How customers set up {product} in the first week.",
                    "The most common {product} questions and how to answer them.",
                ]),
            ),
        ],
        stories: &[
            story(
                "{product} session for the sales team",
                "Our new account executives start pitching {product} next month. Could \
                 Customer Service run an hour on the questions customers actually ask?",
                "Session held on {weekday}; the recording and slides are on the intranet.",
            ),
            story(
                "What's new in {product}?",
                "Before {event} we'd like a refresher on what changed in {product}.",
                "Done: {n}0 people attended. We added the FAQs to the knowledge base.",
            )
            .answers(&[("topics", "What changed in the latest {product} release.")]),
            story(
                "{product} integrations for the {city} team",
                "The {city} sales team keeps getting questions about {product} integrations \
                 that we can't answer.",
                "We ran a session on integrations and shared the checklist customers use.",
            ),
            story(
                "Recorded demo of {product}",
                "Could you record a 20-minute demo of {product} for new starters?",
                "The recording is on the intranet under Product training.",
            )
            .answers(&[("format", "Recorded")]),
        ],
        questions: &[
            "Which questions come up most in your calls? We'll build the session around \
             them.",
            "Would you like us to record it for those who can't join?",
        ],
    },
    ServiceSpec {
        department: "customer-service",
        name: "Customer case lookup",
        description: "The history of a customer's support cases, for anyone preparing a \
            meeting or a renewal.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req("customer", "Customer", Kind::Text(&["{customer}"])),
            opt("case_ref", "Case number", Kind::Text(&["CS-{ref}"])),
            req(
                "question",
                "Question",
                Kind::LongText(&["Are there open cases I should know about?"]),
            ),
        ],
        stories: &[
            story(
                "Open support cases for {customer}",
                "I meet {customer} on {weekday} for their renewal. Are there open support \
                 cases I should know about?",
                "{customer} had {n} cases this year, all closed; the summary is attached.",
            ),
            story(
                "Is {customer} happy with {product}?",
                "{customer} mentioned a problem with {product} during a call. Is there a case \
                 for it?",
                "There is one open case about {product}; {first} is on it and expects a fix \
                 by {weekday}.",
            )
            .answers(&[(
                "question",
                "Did they report problems with {product} this year?",
            )]),
            story(
                "Case CS-{ref}: what is the status?",
                "A contact at {customer} asked me about case CS-{ref}. Where are we with it?",
                "CS-{ref} is waiting for a fix in the next {product} release.",
            )
            .answers(&[
                ("case_ref", "CS-{ref}"),
                ("question", "What is the status?"),
            ]),
        ],
        questions: &["Do you need the full case notes, or a summary?"],
    },
    ServiceSpec {
        department: "legal",
        name: "Contract review",
        description: "Legal reviews contracts before anyone signs: customer, supplier, partner \
            and employment agreements.",
        audience: None,
        confidential: true,
        weight: 3,
        fields: &[
            req("counterparty", "Counterparty", Kind::Text(&["{customer}"])),
            req(
                "contract_type",
                "Contract",
                Kind::Choice(&[
                    "NDA",
                    "Master services agreement",
                    "Reseller agreement",
                    "Supplier contract",
                    "Data processing agreement",
                    "Statement of work",
                ]),
            ),
            opt("value", "Contract value", Kind::Amount),
            req("deadline", "Signature deadline", Kind::Date(3, 21)),
            opt(
                "notes",
                "Notes",
                Kind::LongText(&[
                    "Our standard template, but they want 60 days' payment terms.",
                    "Their terms mention sub-processors in {city}.",
                ]),
            ),
        ],
        stories: &[
            story(
                "NDA with {customer}",
                "We need a mutual NDA with {customer} before a {product} demo next week.",
                "The NDA is approved as it stands; you can send it for signature.",
            )
            .answers(&[("contract_type", "NDA")]),
            story(
                "{vendor} supplier contract before signing",
                "{vendor} wants us to sign their standard contract. Could Legal check it?",
                "Reviewed: fine to sign with two changes, which I sent back to {vendor}.",
            )
            .answers(&[
                ("contract_type", "Supplier contract"),
                ("counterparty", "{vendor}"),
            ]),
            story(
                "Redlines from {customer} on our services agreement",
                "{customer} sent back our master services agreement with changes to the \
                 liability clause. We'd like to sign by {weekday}.",
                "We accepted most redlines but kept our liability cap; the marked-up copy is \
                 with {customer}.",
            )
            .answers(&[
                ("contract_type", "Master services agreement"),
                ("notes", "They changed the liability cap to {amount}."),
            ]),
            story(
                "Data processing agreement with {vendor}",
                "{vendor} will process customer data for us and sent their data processing \
                 agreement.",
                "The signed copy is attached, countersigned by our director.",
            )
            .answers(&[
                ("contract_type", "Data processing agreement"),
                ("counterparty", "{vendor}"),
            ]),
            story(
                "Statement of work for the {customer} rollout",
                "We need a statement of work for rolling out {product} at {customer}, worth \
                 {amount}.",
                "The statement of work is ready for signature.",
            )
            .answers(&[("contract_type", "Statement of work")]),
        ],
        questions: &[
            "Do you have the editable version of their redlines?",
            "Has the deal been approved at the value in the contract?",
        ],
    },
    ServiceSpec {
        department: "legal",
        name: "Marketing claims check",
        description: "Legal checks public claims, comparisons and customer quotes before they \
            are published.",
        audience: Some(&["marketing", "design", "sales"]),
        confidential: false,
        weight: 2,
        fields: &[
            req(
                "material",
                "Material",
                Kind::Text(&["{campaign} landing page"]),
            ),
            req(
                "channel",
                "Channel",
                Kind::Choice(&["Website", "Press", "Social media", "Print"]),
            ),
            req("publish", "Publication date", Kind::Date(3, 20)),
        ],
        stories: &[
            story(
                "Can we say {product} is the fastest?",
                "Our {campaign} page claims {product} saves customers {n} hours a week. Is \
                 that safe to publish?",
                "OK to publish if you add: on average, based on a customer survey.",
            )
            .answers(&[("channel", "Website")]),
            story(
                "Press release quoting {customer}",
                "We'd like to quote {customer} in a press release. Do we need anything beyond \
                 their e-mail approval?",
                "Approved; keep the customer's written consent on file.",
            )
            .answers(&[
                ("material", "Press release about {customer}"),
                ("channel", "Press"),
            ]),
            story(
                "Competitor comparison for {product}",
                "Sales made a sheet comparing {product} with two competitors. Can we hand it \
                 out at {event}?",
                "Approved after removing the competitor prices, which we can't verify.",
            )
            .answers(&[
                ("material", "Comparison sheet: {product} and competitors"),
                ("channel", "Print"),
            ]),
        ],
        questions: &["What is the source for the figure in the headline?"],
    },
    ServiceSpec {
        department: "facilities",
        name: "Building maintenance",
        description: "Heating, lighting, leaks, doors and anything else broken in our \
            buildings.",
        audience: None,
        confidential: false,
        weight: 5,
        fields: &[
            req("office", "Office", Kind::Pick(Pool::City)),
            req(
                "issue",
                "Issue",
                Kind::Choice(&[
                    "Heating or cooling",
                    "Lighting",
                    "Leak",
                    "Door or access card",
                    "Cleaning",
                    "Other",
                ]),
            ),
            opt("where", "Where exactly", Kind::Text(&["Floor {n}"])),
        ],
        stories: &[
            story(
                "Too cold on floor {n}",
                "The heating on floor {n} of the {city} office hasn't worked since {weekday}.",
                "The engineer replaced a valve; the heating is back on.",
            )
            .answers(&[("issue", "Heating or cooling")]),
            story(
                "Lights flickering in meeting room {n}B",
                "The ceiling lights in meeting room {n}B flicker all the time; it gives people \
                 headaches.",
                "New light fittings are in {n}B.",
            )
            .answers(&[("issue", "Lighting"), ("where", "Meeting room {n}B")]),
            story(
                "Leak in the {city} kitchen",
                "Water drips from the ceiling near the kitchen in {city}.",
                "Fixed on {weekday}; the ceiling tile will be replaced next week.",
            )
            .answers(&[("issue", "Leak"), ("where", "Kitchen")]),
            story(
                "Access card doesn't open the side door",
                "My access card stopped opening the side door this week; the main entrance \
                 still works.",
                "The reader on the side door was reset; your card works again.",
            )
            .answers(&[("issue", "Door or access card"), ("where", "Side door")]),
        ],
        questions: &[
            "Could you send a photo?",
            "Is the room usable in the meantime?",
        ],
    },
    ServiceSpec {
        department: "facilities",
        name: "Desk and office move",
        description: "Moving people, desks and equipment within or between offices.",
        audience: None,
        confidential: false,
        weight: 2,
        fields: &[
            req(
                "from",
                "From",
                Kind::Text(&[
                    "Floor 2, east wing",
                    "Floor 3, open area",
                    "Floor 1, near reception",
                ]),
            ),
            req(
                "to",
                "To",
                Kind::Text(&[
                    "Floor 4, project room",
                    "Floor 2, west wing",
                    "Floor 5, quiet area",
                ]),
            ),
            req("date", "Moving date", Kind::Date(7, 30)),
            opt("people", "People moving", Kind::Number(1, 25)),
        ],
        stories: &[
            story(
                "Move our team to floor {n}",
                "Our team moves to floor {n} after the reorganisation. Could Facilities plan \
                 the move?",
                "Move done over the weekend; everything is set up.",
            )
            .answers(&[("to", "Floor {n}")]),
            story(
                "Desk in {city} for {fullname}",
                "{fullname} is relocating to the {city} office in {month} and needs a desk \
                 there.",
                "Desk booked in {city}; the key is at reception.",
            )
            .answers(&[("to", "{city} office")]),
            story(
                "Extra desks for new starters",
                "Four new starters join in {month}; we need desks near the rest of the team.",
                "Four desks added at the end of your row.",
            ),
        ],
        questions: &["Do the monitors and docking stations move with the desks?"],
    },
    ServiceSpec {
        department: "operations",
        name: "Courier and shipping",
        description: "Sending parcels, documents and equipment to customers, partners and \
            colleagues.",
        audience: None,
        confidential: false,
        weight: 3,
        fields: &[
            req(
                "destination",
                "Destination",
                Kind::Text(&["{customer}, {city}"]),
            ),
            req(
                "contents",
                "Contents",
                Kind::Choice(&[
                    "Documents",
                    "Demo hardware",
                    "Event materials",
                    "A laptop for repair",
                ]),
            ),
            req("by", "Deliver by", Kind::Date(1, 10)),
            req(
                "service_level",
                "Service level",
                Kind::Choice(&["Standard", "Next day", "Same day"]),
            ),
        ],
        stories: &[
            story(
                "Courier to {customer} in {city}",
                "We need to send the signed contracts to {customer} in {city} by {weekday}.",
                "Collected today by {courier}; the tracking number is {ref}.",
            )
            .answers(&[("contents", "Documents")]),
            story(
                "Ship the demo kit to {event}",
                "The demo hardware must reach {event} in {city} before setup.",
                "Delivered and signed for on {weekday}.",
            )
            .answers(&[
                ("contents", "Demo hardware"),
                ("destination", "{event}, {city}"),
            ]),
            story(
                "Return a laptop to {vendor}",
                "A faulty laptop must go back to {vendor} under warranty.",
                "Collected by {courier}; {vendor} confirmed receipt.",
            )
            .answers(&[
                ("contents", "A laptop for repair"),
                ("destination", "{vendor} returns centre"),
            ]),
        ],
        questions: &["What is the value of the contents, for insurance?"],
    },
];

/// Appended to some descriptions.
pub(super) const CLOSINGS: &[&str] = &[
    "Thanks in advance!",
    "Happy to jump on a call if that helps.",
    "This is fairly urgent for us.",
    "No rush, any time this month is fine.",
    "{first} in my team can answer questions if I'm away.",
    "Let me know if you need anything else.",
];

/// What an agent says on picking a request up.
pub(super) const ACKNOWLEDGEMENTS: &[&str] = &[
    "Thanks, I've picked this up.",
    "Got it, I'll look into it today.",
    "Thanks for the details. I'll update you by {weekday}.",
    "On it. This is in our queue for this week.",
];

/// What a requester adds soon after filing.
pub(super) const FOLLOW_UPS: &[&str] = &[
    "Forgot to mention: this is for {customer}, so it's a bit time-sensitive.",
    "Adding {first} from my team, who knows the details.",
    "Small update: the deadline moved to {weekday}.",
    "One more detail: it's for the {city} office.",
];

/// A requester's answer to an agent's question.
pub(super) const ANSWERS: &[&str] = &[
    "Yes, that's right.",
    "Sure, I've attached what I have.",
    "Confirmed with my manager; please go ahead.",
    "I'll be in the office on {weekday} if that works.",
    "{first} will send the details this afternoon.",
    "The second option, please.",
];

pub(super) const THANKS: &[&str] = &[
    "Thanks, that works!",
    "Perfect, thank you.",
    "Great, much appreciated.",
    "Thank you for the quick turnaround.",
];

/// Why a requester reopens a resolved request.
pub(super) const REOPENINGS: &[&str] = &[
    "Sorry, this is happening again.",
    "Not quite fixed: it came back on {weekday}.",
    "This doesn't fully solve it; could you have another look?",
    "I was too quick: the problem is still there.",
];

pub(super) const INTERNAL_NOTES: &[&str] = &[
    "Same issue as last month; the fix then was quick.",
    "Needs the manager's approval before we go ahead.",
    "Checked with {first}; they can take it on {weekday}.",
    "Small job, but the requester is under time pressure.",
    "Parking this until the {vendor} delivery arrives.",
    "Asked {first} in the {city} team for a second opinion.",
    "Handle with care: escalated once already this quarter.",
    "Budget code confirmed with Finance.",
];

/// What an agent says on resolving a request the second time.
pub(super) const SECOND_FIXES: &[&str] = &[
    "Fixed properly this time; sorry for the trouble.",
    "We found the real cause and fixed it; it shouldn't come back.",
    "Second attempt: we replaced the part entirely. Let us know if it happens again.",
];
