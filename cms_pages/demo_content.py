"""The demo public site in English and Latvian, as data. `seed_demo` turns it into pages.

Each page is (key, page type, slug per language, fields per language). Body blocks are given as
StreamField JSON-like lists; `IMAGE:<name>` and `PAGE:<key>` placeholders are resolved by the seeder."""

HOME = {
    "en": {
        "title": "Brello 360 Partner Portal",
        "summary": "Everything Brello partners need in one secure place: programme news, performance, invoices, "
        "materials and support.",
        "body": [
            (
                "hero",
                {
                    "heading": "Grow with Brello 360",
                    "text": "Join the partner programme that gives resellers and distributors a clear view of their "
                    "clients, turnover and commissions — and one secure place to work with Brello.",
                    "image": "IMAGE:hero",
                    "buttons": [
                        # The call to action first: a newcomer on a phone sees it without scrolling.
                        {"label": "Become a partner", "page": None, "url": "/en/partner/register/"},
                        {"label": "Explore the programme", "page": "PAGE:programme", "url": ""},
                    ],
                },
            ),
            (
                "feature_grid",
                {
                    "heading": "What the portal gives you",
                    "intro": "No more e-mail threads and spreadsheets passed around by hand.",
                    "features": [
                        {
                            "icon": "chart",
                            "title": "Performance dashboard",
                            "text": "Direct and indirect turnover across your partner network, month by month.",
                        },
                        {
                            "icon": "euro",
                            "title": "Invoices and balances",
                            "text": "Every invoice with its status and what is still to pay, straight from our ERP.",
                        },
                        {
                            "icon": "document",
                            "title": "Materials by product",
                            "text": "Brochures, price lists and training, always the latest version.",
                        },
                        {
                            "icon": "support",
                            "title": "Support requests",
                            "text": "Open a request and follow the conversation with our team in one thread.",
                        },
                    ],
                },
            ),
            (
                "benefit_list",
                {
                    "heading": "Why partners choose Brello",
                    "benefits": [
                        {
                            "icon": "handshake",
                            "title": "A multi-level programme",
                            "text": "Earn on your own clients and on the network of resellers you build.",
                        },
                        {
                            "icon": "shield",
                            "title": "Your data stays yours",
                            "text": "Each company sees only its own data, always.",
                        },
                        {
                            "icon": "megaphone",
                            "title": "First to know",
                            "text": "Product news and campaigns reach you before they reach the market.",
                        },
                    ],
                },
            ),
            (
                "logo_strip",
                {
                    "heading": "Trusted by partners across the Baltics",
                    "logos": [
                        {"image": "IMAGE:logo-nordlink", "name": "Nordlink", "url": ""},
                        {"image": "IMAGE:logo-balticsoft", "name": "BalticSoft", "url": ""},
                        {"image": "IMAGE:logo-rigadata", "name": "Riga Data", "url": ""},
                        {"image": "IMAGE:logo-ambertech", "name": "AmberTech", "url": ""},
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Ready to become a partner?",
                    "text": "Tell us about your company. Our partner team answers within two working days.",
                    "button": {"label": "Apply to become a partner", "page": None, "url": "/en/partner/register/"},
                },
            ),
        ],
    },
    "lv": {
        "title": "Brello 360 partneru portāls",
        "summary": "Viss, kas Brello partneriem vajadzīgs, vienā drošā vietā: programmas jaunumi, rezultāti, rēķini, "
        "materiāli un atbalsts.",
        "body": [
            (
                "hero",
                {
                    "heading": "Augiet kopā ar Brello 360",
                    "text": "Pievienojieties partneru programmai, kas tālākpārdevējiem un izplatītājiem sniedz skaidru "
                    "priekšstatu par klientiem, apgrozījumu un komisijas maksām — un vienu drošu vietu darbam ar Brello.",
                    "image": "IMAGE:hero",
                    "buttons": [
                        {"label": "Kļūt par partneri", "page": None, "url": "/lv/partner/register/"},
                        {"label": "Iepazīt programmu", "page": "PAGE:programme", "url": ""},
                    ],
                },
            ),
            (
                "feature_grid",
                {
                    "heading": "Ko jums sniedz portāls",
                    "intro": "Vairs nekādu e-pasta virkņu un no rokas rokā nodotu izklājlapu.",
                    "features": [
                        {
                            "icon": "chart",
                            "title": "Rezultātu pārskats",
                            "text": "Tiešais un netiešais apgrozījums visā jūsu partneru tīklā, mēnesi pa mēnesim.",
                        },
                        {
                            "icon": "euro",
                            "title": "Rēķini un atlikumi",
                            "text": "Katrs rēķins ar statusu un vēl apmaksājamo summu tieši no mūsu ERP.",
                        },
                        {
                            "icon": "document",
                            "title": "Materiāli pa produktiem",
                            "text": "Brošūras, cenu lapas un apmācības — vienmēr jaunākā versija.",
                        },
                        {
                            "icon": "support",
                            "title": "Atbalsta pieprasījumi",
                            "text": "Atveriet pieprasījumu un sekojiet sarunai ar mūsu komandu vienā pavedienā.",
                        },
                    ],
                },
            ),
            (
                "benefit_list",
                {
                    "heading": "Kāpēc partneri izvēlas Brello",
                    "benefits": [
                        {
                            "icon": "handshake",
                            "title": "Daudzlīmeņu programma",
                            "text": "Pelniet no saviem klientiem un no jūsu izveidotā tālākpārdevēju tīkla.",
                        },
                        {
                            "icon": "shield",
                            "title": "Jūsu dati paliek jūsu",
                            "text": "Katrs uzņēmums vienmēr redz tikai savus datus.",
                        },
                        {
                            "icon": "megaphone",
                            "title": "Uzziniet pirmie",
                            "text": "Produktu jaunumi un kampaņas jūs sasniedz pirms tirgus.",
                        },
                    ],
                },
            ),
            (
                "logo_strip",
                {
                    "heading": "Mums uzticas partneri visā Baltijā",
                    "logos": [
                        {"image": "IMAGE:logo-nordlink", "name": "Nordlink", "url": ""},
                        {"image": "IMAGE:logo-balticsoft", "name": "BalticSoft", "url": ""},
                        {"image": "IMAGE:logo-rigadata", "name": "Riga Data", "url": ""},
                        {"image": "IMAGE:logo-ambertech", "name": "AmberTech", "url": ""},
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Gatavi kļūt par partneri?",
                    "text": "Pastāstiet par savu uzņēmumu. Mūsu partneru komanda atbild divu darba dienu laikā.",
                    "button": {"label": "Pieteikties partnerībai", "page": None, "url": "/lv/partner/register/"},
                },
            ),
        ],
    },
}

# Children of the home page, in menu order.
PAGES = [
    {
        "key": "programme",
        "type": "ContentPage",
        "slug": {"en": "partner-programme", "lv": "partneru-programma"},
        "en": {
            "title": "Partner programme",
            "summary": "How the Brello 360 partner programme works, from your first client to your own reseller network.",
            "body": [
                (
                    "rich_text",
                    "<h2>One programme, three ways to grow</h2><p>Brello 360 partners sell, implement "
                    "and support Brello's business software. You can start as a <b>reseller</b> with your own clients, "
                    "grow into a <b>distributor</b> with resellers of your own, and earn on every level of the network "
                    "you build.</p><ul><li>Direct turnover: what your own clients buy.</li><li>Indirect turnover: what "
                    "the clients of your sub-partners buy, shown per level.</li><li>Clear tiers with growing "
                    "benefits.</li></ul>",
                ),
                (
                    "image_text",
                    {
                        "image": "IMAGE:network",
                        "heading": "See your whole network",
                        "text": "<p>The partner dashboard shows your direct and indirect turnover side by side, the "
                        "change against last period and last year, and which sub-partners are growing.</p>",
                        "image_position": "right",
                    },
                ),
                (
                    "video",
                    {
                        "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                        "title": "The Brello 360 partner programme in two minutes",
                        "caption": "",
                    },
                ),
                (
                    "call_to_action",
                    {
                        "heading": "Questions about the programme?",
                        "text": "The FAQ answers the most common ones.",
                        "button": {"label": "Read the FAQ", "page": "PAGE:faq", "url": ""},
                    },
                ),
            ],
        },
        "lv": {
            "title": "Partneru programma",
            "summary": "Kā darbojas Brello 360 partneru programma — no pirmā klienta līdz jūsu pašu tālākpārdevēju tīklam.",
            "body": [
                (
                    "rich_text",
                    "<h2>Viena programma, trīs izaugsmes ceļi</h2><p>Brello 360 partneri pārdod, ievieš "
                    "un atbalsta Brello biznesa programmatūru. Jūs varat sākt kā <b>tālākpārdevējs</b> ar saviem "
                    "klientiem, izaugt par <b>izplatītāju</b> ar saviem tālākpārdevējiem un pelnīt katrā jūsu izveidotā "
                    "tīkla līmenī.</p><ul><li>Tiešais apgrozījums: ko pērk jūsu klienti.</li><li>Netiešais apgrozījums: "
                    "ko pērk jūsu apakšpartneru klienti, pa līmeņiem.</li><li>Skaidri līmeņi ar augošām "
                    "priekšrocībām.</li></ul>",
                ),
                (
                    "image_text",
                    {
                        "image": "IMAGE:network",
                        "heading": "Redziet visu savu tīklu",
                        "text": "<p>Partnera pārskatā blakus redzams tiešais un netiešais apgrozījums, izmaiņas pret "
                        "iepriekšējo periodu un pagājušo gadu, un kuri apakšpartneri aug.</p>",
                        "image_position": "right",
                    },
                ),
                (
                    "video",
                    {
                        "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                        "title": "Brello 360 partneru programma divās minūtēs",
                        "caption": "",
                    },
                ),
                (
                    "call_to_action",
                    {
                        "heading": "Jautājumi par programmu?",
                        "text": "Biežāk uzdotie jautājumi atbild uz populārākajiem.",
                        "button": {"label": "Lasīt BUJ", "page": "PAGE:faq", "url": ""},
                    },
                ),
            ],
        },
    },
    {
        "key": "benefits",
        "type": "ContentPage",
        "slug": {"en": "benefits", "lv": "prieksrocibas"},
        "en": {
            "title": "Benefits",
            "summary": "What you get as a Brello 360 partner.",
            "body": [
                (
                    "benefit_list",
                    {
                        "heading": "Partnership benefits",
                        "benefits": [
                            {
                                "icon": "euro",
                                "title": "Attractive margins",
                                "text": "Margins grow with your tier, and you earn on your sub-partners' sales too.",
                            },
                            {
                                "icon": "star",
                                "title": "Tiered rewards",
                                "text": "Silver, Gold and Platinum tiers unlock discounts, leads and co-marketing funds.",
                            },
                            {
                                "icon": "document",
                                "title": "Sales and marketing kit",
                                "text": "Ready-to-use brochures, price lists, logos and presentations in English and Latvian.",
                            },
                            {
                                "icon": "layers",
                                "title": "Training and certification",
                                "text": "Product training for your sales and technical teams, online and in Riga.",
                            },
                            {
                                "icon": "support",
                                "title": "Priority partner support",
                                "text": "A dedicated queue for partners, with answers tracked in the portal.",
                            },
                            {
                                "icon": "chart",
                                "title": "Transparent figures",
                                "text": "Turnover, invoices and balances as our ERP sees them — no more waiting for reports.",
                            },
                        ],
                    },
                ),
                (
                    "call_to_action",
                    {
                        "heading": "See which solutions you can offer",
                        "text": "",
                        "button": {"label": "Browse solutions", "page": "PAGE:solutions", "url": ""},
                    },
                ),
            ],
        },
        "lv": {
            "title": "Priekšrocības",
            "summary": "Ko jūs iegūstat kā Brello 360 partneris.",
            "body": [
                (
                    "benefit_list",
                    {
                        "heading": "Partnerības priekšrocības",
                        "benefits": [
                            {
                                "icon": "euro",
                                "title": "Izdevīgi uzcenojumi",
                                "text": "Uzcenojums aug līdz ar jūsu līmeni, un jūs pelnāt arī no apakšpartneru pārdošanas.",
                            },
                            {
                                "icon": "star",
                                "title": "Līmeņu atlīdzības",
                                "text": "Sudraba, Zelta un Platīna līmenis atver atlaides, potenciālos klientus un "
                                "kopmārketinga līdzekļus.",
                            },
                            {
                                "icon": "document",
                                "title": "Pārdošanas un mārketinga komplekts",
                                "text": "Gatavas brošūras, cenu lapas, logotipi un prezentācijas angļu un latviešu valodā.",
                            },
                            {
                                "icon": "layers",
                                "title": "Apmācības un sertifikācija",
                                "text": "Produktu apmācības jūsu pārdošanas un tehniskajām komandām tiešsaistē un Rīgā.",
                            },
                            {
                                "icon": "support",
                                "title": "Prioritārs partneru atbalsts",
                                "text": "Atsevišķa rinda partneriem, atbildes redzamas portālā.",
                            },
                            {
                                "icon": "chart",
                                "title": "Caurskatāmi skaitļi",
                                "text": "Apgrozījums, rēķini un atlikumi tā, kā tos redz mūsu ERP — vairs nav jāgaida atskaites.",
                            },
                        ],
                    },
                ),
                (
                    "call_to_action",
                    {
                        "heading": "Uzziniet, kurus risinājumus varat piedāvāt",
                        "text": "",
                        "button": {"label": "Skatīt risinājumus", "page": "PAGE:solutions", "url": ""},
                    },
                ),
            ],
        },
    },
    {
        "key": "solutions",
        "type": "SolutionIndexPage",
        "slug": {"en": "solutions", "lv": "risinajumi"},
        "en": {
            "title": "Solutions",
            "summary": "The Brello 360 products our partners sell, implement and support.",
            "body": [],
        },
        "lv": {
            "title": "Risinājumi",
            "summary": "Brello 360 produkti, ko mūsu partneri pārdod, ievieš un atbalsta.",
            "body": [],
        },
    },
    {
        "key": "faq",
        "type": "ContentPage",
        "slug": {"en": "faq", "lv": "buj"},
        "en": {
            "title": "FAQ",
            "summary": "Answers to the questions companies ask before they join.",
            "body": [
                (
                    "faq",
                    {
                        "heading": "Frequently asked questions",
                        "items": [
                            {
                                "question": "Who can become a Brello 360 partner?",
                                "answer": "<p>Any registered company that sells or implements business software — "
                                "resellers, integrators and distributors.</p>",
                            },
                            {
                                "question": "How do I apply?",
                                "answer": "<p>Fill in the application with your company's registration number. Our partner "
                                "team reviews it, usually within two working days, and you receive an e-mail when your "
                                "account is approved.</p>",
                            },
                            {
                                "question": "Can several people from my company use the portal?",
                                "answer": "<p>Yes. The first person to register becomes your organisation's administrator "
                                "and can invite colleagues, choosing what each of them can see.</p>",
                            },
                            {
                                "question": "Where do the figures in the portal come from?",
                                "answer": "<p>Invoices, balances and turnover come straight from Brello's ERP and are "
                                "kept up to date automatically.</p>",
                            },
                            {
                                "question": "Is the portal available in Latvian?",
                                "answer": "<p>Yes — the whole portal is available in English and Latvian.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
        "lv": {
            "title": "BUJ",
            "summary": "Atbildes uz jautājumiem, ko uzņēmumi uzdod pirms pievienošanās.",
            "body": [
                (
                    "faq",
                    {
                        "heading": "Biežāk uzdotie jautājumi",
                        "items": [
                            {
                                "question": "Kas var kļūt par Brello 360 partneri?",
                                "answer": "<p>Jebkurš reģistrēts uzņēmums, kas pārdod vai ievieš biznesa programmatūru — "
                                "tālākpārdevēji, integratori un izplatītāji.</p>",
                            },
                            {
                                "question": "Kā pieteikties?",
                                "answer": "<p>Aizpildiet pieteikumu ar sava uzņēmuma reģistrācijas numuru. Mūsu partneru "
                                "komanda to izskata parasti divu darba dienu laikā, un jūs saņemsiet e-pastu, kad konts "
                                "būs apstiprināts.</p>",
                            },
                            {
                                "question": "Vai portālu var lietot vairāki mana uzņēmuma darbinieki?",
                                "answer": "<p>Jā. Pirmais reģistrētais lietotājs kļūst par jūsu organizācijas "
                                "administratoru un var uzaicināt kolēģus, izvēloties, ko katrs no viņiem redz.</p>",
                            },
                            {
                                "question": "No kurienes nāk skaitļi portālā?",
                                "answer": "<p>Rēķini, atlikumi un apgrozījums nāk tieši no Brello ERP un tiek "
                                "atjaunināti automātiski.</p>",
                            },
                            {
                                "question": "Vai portāls ir pieejams latviešu valodā?",
                                "answer": "<p>Jā — viss portāls ir pieejams angļu un latviešu valodā.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
    },
]

SOLUTIONS = [
    {
        "key": "solution-finance",
        "slug": {"en": "brello-finance", "lv": "brello-finanses"},
        "image": "IMAGE:finance",
        "en": {
            "title": "Brello Finance",
            "summary": "Accounting, invoicing and cash flow for small and mid-sized companies.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Finance covers the general ledger, invoicing, bank "
                    "reconciliation and VAT reporting for the Baltic markets. Partners implement it in days, "
                    "not months.</p>",
                )
            ],
        },
        "lv": {
            "title": "Brello Finanses",
            "summary": "Grāmatvedība, rēķini un naudas plūsma maziem un vidējiem uzņēmumiem.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Finanses aptver virsgrāmatu, rēķinus, bankas saskaņošanu un PVN "
                    "atskaites Baltijas tirgiem. Partneri to ievieš dienās, nevis mēnešos.</p>",
                )
            ],
        },
    },
    {
        "key": "solution-retail",
        "slug": {"en": "brello-retail", "lv": "brello-mazumtirdznieciba"},
        "image": "IMAGE:retail",
        "en": {
            "title": "Brello Retail",
            "summary": "Point of sale and stock for shops and chains.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Retail connects tills, e-shop and warehouse in real time, with "
                    "loyalty programmes and fiscal devices certified for Latvia.</p>",
                )
            ],
        },
        "lv": {
            "title": "Brello Mazumtirdzniecība",
            "summary": "Kases un krājumu uzskaite veikaliem un tīkliem.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Mazumtirdzniecība reāllaikā savieno kases, e-veikalu un noliktavu, "
                    "ar lojalitātes programmām un Latvijā sertificētām fiskālajām ierīcēm.</p>",
                )
            ],
        },
    },
    {
        "key": "solution-field",
        "slug": {"en": "brello-field-service", "lv": "brello-izbraukuma-serviss"},
        "image": "IMAGE:field",
        "en": {
            "title": "Brello Field Service",
            "summary": "Plan, dispatch and invoice work done on site.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Field Service schedules technicians, tracks parts and turns "
                    "finished jobs into invoices automatically.</p>",
                )
            ],
        },
        "lv": {
            "title": "Brello Izbraukuma serviss",
            "summary": "Plānojiet, nosūtiet un izrakstiet rēķinus par darbiem uz vietas.",
            "body": [
                (
                    "rich_text",
                    "<p>Brello Izbraukuma serviss plāno tehniķu darbu, uzskaita rezerves daļas un "
                    "pabeigtos darbus automātiski pārvērš rēķinos.</p>",
                )
            ],
        },
    },
]

IMAGES = {
    # name: (title, width, height, background, foreground, label)
    "hero": ("Partners at work", 800, 600, (20, 90, 130), (255, 255, 255), "Brello 360"),
    "network": ("Partner network", 720, 540, (15, 118, 110), (255, 255, 255), "Network"),
    "finance": ("Brello Finance", 600, 320, (11, 59, 96), (255, 255, 255), "Finance"),
    "retail": ("Brello Retail", 600, 320, (15, 118, 110), (255, 255, 255), "Retail"),
    "field": ("Brello Field Service", 600, 320, (147, 55, 13), (255, 255, 255), "Field Service"),
    "logo-nordlink": ("Nordlink logo", 160, 64, (255, 255, 255), (11, 59, 96), "Nordlink"),
    "logo-balticsoft": ("BalticSoft logo", 160, 64, (255, 255, 255), (15, 118, 110), "BalticSoft"),
    "logo-rigadata": ("Riga Data logo", 160, 64, (255, 255, 255), (74, 86, 102), "Riga Data"),
    "logo-ambertech": ("AmberTech logo", 160, 64, (255, 255, 255), (147, 55, 13), "AmberTech"),
}

FOOTER = {
    "company_name": "Brello 360 SIA",
    "contact_email": "partners@brello.example",
    "contact_phone": "+371 6700 0000",
    "address": "Brīvības iela 100, Rīga, LV-1001, Latvia",
    "linkedin_url": "https://www.linkedin.com/company/brello-360",
    "youtube_url": "https://www.youtube.com/@brello360",
}
